// Anonymises beneficiaries whose last contact is older than RETENTION_MONTHS (default 24).
// Safe from cron: idempotent, one transaction per person, prints one line of references only,
// exits non-zero on failure. Example crontab: `15 3 * * * cd /srv/ordipratique && npm run gdpr:retention`
import '../src/runtime.js'; // first: stops with a message on a Node older than package.json's engines
import { applyRetention } from '../src/modules/gdpr/retention.js';
import { fail, openMigrated } from './cli.js';

const { config, db } = await openMigrated();
try {
  const result = await applyRetention(db, config.retentionMonths);
  console.log(JSON.stringify({
    retentionMonths: config.retentionMonths,
    cutoff: result.cutoff,
    anonymised: result.anonymised.length,
    keptActiveLoan: result.keptActiveLoan.length,
    references: result.anonymised,
  }));
} catch (error) {
  fail(`gdpr:retention failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await db.close();
}

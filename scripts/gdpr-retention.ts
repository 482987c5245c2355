// Anonymises beneficiaries whose last contact is older than RETENTION_MONTHS (default 24).
// Safe from cron: idempotent, one transaction per person, prints one line of references only,
// exits non-zero on failure. Example crontab: `15 3 * * * cd /srv/ordipratique && npm run gdpr:retention`
import { ConfigError, loadConfig } from '../src/config.js';
import { createDb } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { applyRetention } from '../src/modules/beneficiaries/retention.js';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const db = createDb(config.databaseUrl);
  try {
    await migrateToLatest(db.kysely);
    const result = await applyRetention(db, config.retentionMonths);
    console.log(JSON.stringify({
      retentionMonths: config.retentionMonths,
      cutoff: result.cutoff,
      anonymised: result.anonymised.length,
      keptActiveLoan: result.keptActiveLoan.length,
      references: result.anonymised,
    }));
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`gdpr:retention failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

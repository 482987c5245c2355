import './runtime.js'; // first: stops with a message on a Node older than package.json's engines
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { installCrashGuard } from './http/crash-guard.js';
import { ConfigError, loadConfig } from './config.js';
import { createDb, optimizeDatabase } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';
import { bufferedLogSink, loggerOptions } from './logger.js';
import { countActiveKeys, ensureAdminKey, RevokedAdminKeyError } from './modules/api-keys/service.js';
import { ensureAdminUser } from './modules/users/service.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const db = createDb(config.databaseUrl);
  const applied = await migrateToLatest(db.kysely);
  if (applied.length) optimizeDatabase(db);
  const logs = bufferedLogSink();
  const app = await buildApp({ db, config, logger: { ...(loggerOptions(config) as object), stream: logs.stream } });
  if (applied.length) app.log.info({ migrations: applied }, 'database migrated');
  try {
    if (config.adminApiKey && (await ensureAdminKey(db, config.adminApiKey))) app.log.info('admin API key from ADMIN_API_KEY registered');
  } catch (error) {
    if (!(error instanceof RevokedAdminKeyError)) throw error;
    console.error(error.message);
    await app.close();
    await db.close();
    process.exit(1);
  }

  if (config.adminEmail && config.adminPassword) {
    const outcome = await ensureAdminUser(db, config.adminEmail, config.adminPassword);
    if (outcome !== 'unchanged') app.log.info({ email: config.adminEmail }, `web admin from ADMIN_EMAIL ${outcome}`);
  }

  // Escaped errors are the crash guard's: one inside a request fails that request only.
  const closer = closeWithGrace({ delay: 10_000, skip: ['uncaughtException', 'unhandledRejection'] }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'closing: finishing in-flight requests');
    await app.close();
    await db.close();
    logs.flush();
  });
  installCrashGuard(app.log, () => void Promise.resolve(closer.close()).finally(() => process.exit(1)), logs.flush);

  await app.listen({ port: config.port, host: config.host });
  if ((await countActiveKeys(db)) === 0) {
    console.log(
      [
        '',
        'No API key exists yet. Create an admin key with:',
        '  npm run api-key -- create --name "your name" --role admin',
        '(or start with ADMIN_API_KEY=<a secret of 24+ characters>), then call the API with',
        `  curl -H "Authorization: Bearer <key>" ${config.publicUrl}/api/v1/donors`,
        `API documentation: ${config.publicUrl}/docs`,
        'Staff sign in to the web app at /connexion; create the first admin with',
        '  npm run user -- create --email you@example.fr --name "Your Name" --role admin',
        '(or start with ADMIN_EMAIL and ADMIN_PASSWORD).',
        '',
      ].join('\n'),
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

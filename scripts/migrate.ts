import '../src/runtime.js'; // first: stops with a message on a Node older than package.json's engines
import { describeDatabase, openMigrated } from './cli.js';
import { migrations } from '../migrations/index.js';

/** `npm run migrate`: runs pending migrations and nothing else. */
const { config, db, applied } = await openMigrated();
console.log(describeDatabase(config.databaseUrl));
if (applied.length === 0) console.log(`Already up to date (${Object.keys(migrations).length} migrations).`);
else for (const name of applied) console.log(`applied ${name}`);
await db.close();

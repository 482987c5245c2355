import '../src/runtime.js'; // first: stops with a message on a Node older than package.json's engines
import fs from 'node:fs';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDb } from '../src/db/connection.js';

/** Writes the OpenAPI document the running service would serve, for linting in CI. */
const out = process.argv[2] ?? 'openapi.json';
const config = loadConfig({ ...process.env, DATABASE_URL: 'sqlite::memory:' });
const db = createDb(config.databaseUrl);
const app = await buildApp({ db, config });
await app.ready();
fs.writeFileSync(out, JSON.stringify(app.swagger(), null, 2));
await app.close();
await db.close();
console.log(`OpenAPI document written to ${out}`);

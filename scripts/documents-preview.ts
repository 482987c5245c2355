import '../src/runtime.js'; // first: stops with a message on a Node older than package.json's engines
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/modules/api-keys/service.js';
import { configFromEnv, fail, openMigrated } from './cli.js';
import { documentRequests } from './documents.js';

/**
 * `npm run documents:preview [folder]`: renders every document type from the database (run
 * `npm run seed:demo` first) to PDF and to PNG pages (pdftoppm, 80 dpi) in one folder, so a
 * reviewer can look at all of them at once. Default folder: ./documents-preview.
 */
const out = path.resolve(process.argv[2] ?? 'documents-preview');
const config = configFromEnv();
const { db } = await openMigrated(config);
const app = await buildApp({ db, config });
const { key } = await createApiKey(db, { name: `documents preview ${new Date().toISOString()}`, role: 'admin' });
const headers = { authorization: `Bearer ${key}` };

const documents = await documentRequests(db);
if (!documents) fail('No data to render: run `npm run seed:demo` first (same DATABASE_URL).');

fs.mkdirSync(out, { recursive: true });
for (const [name, url, body] of documents) {
  const res = await app.inject({ method: body ? 'POST' : 'GET', url, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, payload: body });
  if (res.statusCode !== 200) {
    console.error(`${name}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    continue;
  }
  const pdf = path.join(out, `${name}.pdf`);
  fs.writeFileSync(pdf, res.rawPayload);
  execFileSync('pdftoppm', ['-r', '80', '-png', pdf, path.join(out, name)]);
  console.log(`${name}: ${fs.readdirSync(out).filter((f) => f.startsWith(name) && f.endsWith('.png')).length} page(s)`);
}
await app.close();
await db.close();
console.log(`PDFs and PNG pages in ${out}`);

import '../src/runtime.js'; // first: stops with a message on a Node older than package.json's engines
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/modules/api-keys/service.js';
import { configFromEnv, fail, openMigrated } from './cli.js';

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

const collection = await db.kysely.selectFrom('collections').select('id').orderBy('created_at').executeTakeFirst();
const shipment = await db.kysely.selectFrom('shipments').select('id').where('status', '<>', 'open').orderBy('created_at').executeTakeFirst();
const signed = await db.kysely.selectFrom('installations').select('id').where('contract_number', 'is not', null).orderBy('created_at').executeTakeFirst();
const draft = await db.kysely.selectFrom('installations').select('id').where('status', '=', 'scheduled').orderBy('created_at').executeTakeFirst();
const returned = await db.kysely.selectFrom('installation_devices').select('installation_id').where('returned_on', 'is not', null).executeTakeFirst();
const session = await db.kysely.selectFrom('training_sessions').select('id').orderBy('held_on', 'desc').executeTakeFirst();
const device = await db.kysely.selectFrom('devices').select('id').orderBy('asset_number').executeTakeFirst();
if (!collection) fail('No data to render: run `npm run seed:demo` first (same DATABASE_URL).');

const documents: [string, string, string?][] = [
  ['01-attestation-de-collecte', `/api/v1/collections/${collection!.id}/receipt.pdf`],
  ['02-certificat-effacement', `/api/v1/collections/${collection!.id}/erasure-certificate.pdf`],
  ...(shipment ? [['03-bordereau-expedition', `/api/v1/shipments/${shipment.id}/manifest.pdf`] as [string, string]] : []),
  ...(draft ? [['04-contrat-projet', `/api/v1/installations/${draft.id}/contract.pdf`] as [string, string]] : []),
  ...(signed ? [['05-contrat-signe', `/api/v1/installations/${signed.id}/contract.pdf`] as [string, string]] : []),
  ...(returned ? [['06-bon-de-restitution', `/api/v1/installations/${returned.installation_id}/return-receipt.pdf`] as [string, string]] : []),
  ['07-rapport-programme', '/api/v1/reports/summary.pdf?from=2026-01-01&to=2026-12-31'],
  ['08-etiquettes-avery-l7163', '/api/v1/labels', JSON.stringify({ collectionId: collection!.id, format: 'avery-l7163' })],
  ['09-etiquettes-avery-l7160', '/api/v1/labels', JSON.stringify({ collectionId: collection!.id, format: 'avery-l7160' })],
  ['10-etiquette-rouleau-dk11209', `/api/v1/devices/${device!.id}/label.pdf?format=brother-dk11209`],
  ['11-calibrage-avery-l7163', '/api/v1/labels/calibration.pdf?format=avery-l7163'],
  ...(session ? [['12-feuille-emargement', `/api/v1/training/sessions/${session.id}/attendance-sheet.pdf`] as [string, string]] : []),
];

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

import type { Db } from '../src/db/connection.js';

/**
 * Every document type, as requests to the API: [file name, URL, JSON body for a POST]. The
 * records are the first of each kind in the database (`npm run seed:demo` holds them all);
 * null when there is nothing to render. Used by `npm run documents:preview` and by the test
 * that reads the text of every document.
 */
export async function documentRequests(db: Db): Promise<[name: string, url: string, body?: string][] | null> {
  const collection = await db.kysely.selectFrom('collections').select('id').orderBy('created_at').executeTakeFirst();
  const shipment = await db.kysely.selectFrom('shipments').select('id').where('status', '<>', 'open').orderBy('created_at').executeTakeFirst();
  const signed = await db.kysely.selectFrom('installations').select('id').where('contract_number', 'is not', null).orderBy('created_at').executeTakeFirst();
  const draft = await db.kysely.selectFrom('installations').select('id').where('status', '=', 'scheduled').orderBy('created_at').executeTakeFirst();
  const returned = await db.kysely.selectFrom('installation_devices').select('installation_id').where('returned_on', 'is not', null).executeTakeFirst();
  const session = await db.kysely.selectFrom('training_sessions').select('id').orderBy('held_on', 'desc').executeTakeFirst();
  const device = await db.kysely.selectFrom('devices').select('id').orderBy('asset_number').executeTakeFirst();
  if (!collection || !device) return null;

  return [
    ['01-attestation-de-collecte', `/api/v1/collections/${collection.id}/receipt.pdf`],
    ['02-certificat-effacement', `/api/v1/collections/${collection.id}/erasure-certificate.pdf`],
    ...(shipment ? [['03-bordereau-expedition', `/api/v1/shipments/${shipment.id}/manifest.pdf`] as [string, string]] : []),
    ...(draft ? [['04-contrat-projet', `/api/v1/installations/${draft.id}/contract.pdf`] as [string, string]] : []),
    ...(signed ? [['05-contrat-signe', `/api/v1/installations/${signed.id}/contract.pdf`] as [string, string]] : []),
    ...(returned ? [['06-bon-de-restitution', `/api/v1/installations/${returned.installation_id}/return-receipt.pdf`] as [string, string]] : []),
    ['07-rapport-programme', '/api/v1/reports/summary.pdf?from=2026-01-01&to=2026-12-31'],
    ['08-etiquettes-avery-l7163', '/api/v1/labels', JSON.stringify({ collectionId: collection.id, format: 'avery-l7163' })],
    ['09-etiquettes-avery-l7160', '/api/v1/labels', JSON.stringify({ collectionId: collection.id, format: 'avery-l7160' })],
    ['10-etiquette-rouleau-dk11209', `/api/v1/devices/${device.id}/label.pdf?format=brother-dk11209`],
    ['11-calibrage-avery-l7163', '/api/v1/labels/calibration.pdf?format=avery-l7163'],
    ...(session ? [['12-feuille-emargement', `/api/v1/training/sessions/${session.id}/attendance-sheet.pdf`] as [string, string]] : []),
  ];
}

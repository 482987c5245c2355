import { Readable, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyReply } from 'fastify';
import type { Db } from '../../db/connection.js';
import type { DeviceRow } from '../../db/schema.js';
import { contentDisposition } from '../../pdf/send.js';
import { filterDevices } from '../devices/service.js';
import { CSV_CONTENT_TYPE, csvOptions } from '../../shared/csv.js';
import type { DeviceListQuery } from './schemas.js';

/** Rows read per query: big enough to amortise the query, small enough to keep memory flat. */
const CHUNK = 2000;

const COLUMNS: [header: string, value: (row: DeviceRow) => string | number | null][] = [
  ['id', (r) => r.id],
  ['assetTag', (r) => r.asset_tag],
  ['kind', (r) => r.kind],
  ['brand', (r) => r.brand],
  ['model', (r) => r.model],
  ['serialNumber', (r) => r.serial_number],
  ['specs.cpu', (r) => r.cpu],
  ['specs.ramGb', (r) => r.ram_gb],
  ['specs.storageGb', (r) => r.storage_gb],
  ['specs.storageType', (r) => r.storage_type],
  ['specs.os', (r) => r.os],
  ['grade', (r) => r.grade],
  ['weightKg', (r) => r.weight_kg],
  ['status', (r) => r.status],
  ['origin', (r) => r.origin],
  ['collectionId', (r) => r.collection_id],
  ['donorId', (r) => r.donor_id],
  ['createdAt', (r) => r.created_at],
  ['updatedAt', (r) => r.updated_at],
  ['notes', (r) => r.notes],
];

/**
 * Every device matching the list's filters, read in keyset-paginated chunks so that memory
 * stays flat: each chunk is a short query, so writers are never held up by a slow reader.
 * (Not a snapshot: a device that changes during a long export appears as it was when its
 * chunk was read.)
 */
async function* deviceRecords(db: Db, query: DeviceListQuery): AsyncGenerator<(string | number | null)[]> {
  let after = -1;
  for (;;) {
    const rows = await filterDevices(
      db.kysely.selectFrom('devices').selectAll().where('asset_number', '>', after).orderBy('asset_number').limit(CHUNK),
      query,
    ).execute();
    for (const row of rows) yield COLUMNS.map(([, value]) => value(row));
    if (rows.length < CHUNK) return;
    after = Number(rows[rows.length - 1].asset_number);
  }
}

/** Streams the devices as CSV (see `csvOptions`): every match of the list's filters, in asset tag order. */
export function sendDevicesCsv(reply: FastifyReply, db: Db, query: DeviceListQuery) {
  const csv = stringify(csvOptions(query.delimiter, COLUMNS.map(([header]) => header)));
  pipeline(Readable.from(deviceRecords(db, query)), csv, (error) => {
    if (error && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
      reply.log.error({ err: error }, 'CSV export failed mid-stream');
    }
  });
  const day = new Date().toISOString().slice(0, 10);
  return reply
    .header('Content-Type', CSV_CONTENT_TYPE)
    .header('Content-Disposition', contentDisposition(`inventaire-ordipratique-${day}.csv`, 'attachment'))
    .header('Cache-Control', 'private, no-store')
    .send(csv);
}

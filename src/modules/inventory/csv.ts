import { today } from '../../clock.js';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';
import type { Db } from '../../db/connection.js';
import type { DeviceRow } from '../../db/schema.js';
import type { Statement } from 'better-sqlite3';
import { contentDisposition } from '../../pdf/send.js';
import { filterDevices } from '../devices/service.js';
import { CSV_CONTENT_TYPE, csvOptions } from '../../shared/csv.js';
import type { DeviceListQuery } from './schemas.js';

/** Rows read per query: big enough to amortise the query, small enough to keep memory flat. */
const CHUNK = 500;

/** CSV header and the column it comes from, in order. */
const COLUMNS = [
  ['id', 'id'],
  ['assetTag', 'asset_tag'],
  ['kind', 'kind'],
  ['brand', 'brand'],
  ['model', 'model'],
  ['serialNumber', 'serial_number'],
  ['specs.cpu', 'cpu'],
  ['specs.ramGb', 'ram_gb'],
  ['specs.storageGb', 'storage_gb'],
  ['specs.storageType', 'storage_type'],
  ['specs.os', 'os'],
  ['grade', 'grade'],
  ['weightKg', 'weight_kg'],
  ['status', 'status'],
  ['origin', 'origin'],
  ['collectionId', 'collection_id'],
  ['donorId', 'donor_id'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
  ['notes', 'notes'],
] as const satisfies readonly (readonly [string, keyof DeviceRow])[];

type Cell = string | number | null;

/**
 * Every device matching the list's filters, read in keyset-paginated chunks so that memory
 * stays flat: each chunk is a short query, so writers are never held up by a slow reader.
 * (Not a snapshot: a device that changes during a long export appears as it was when its
 * chunk was read.) The first chunk is yielded even when empty, so the header is always written. On SQLite the chunk's statement is prepared once and returns arrays, which
 * is what makes 100,000 rows a second or two rather than several.
 */
async function* deviceChunks(db: Db, query: DeviceListQuery): AsyncGenerator<Cell[][]> {
  const chunkQuery = (after: number) =>
    filterDevices(
      db.kysely
        .selectFrom('devices')
        .select([...COLUMNS.map(([, column]) => column), 'asset_number'])
        .where('asset_number', '>', after)
        .orderBy('asset_number')
        .limit(CHUNK),
      query,
    ).compile();
  let statement: Statement | undefined;
  let after = -1;
  for (;;) {
    const compiled = chunkQuery(after);
    let rows: Cell[][];
    if (db.sqliteReader) {
      // The reader connection: committed rows only, and never queued behind a writer.
      statement ??= db.sqliteReader.prepare(compiled.sql).raw(true);
      rows = statement.all(...compiled.parameters) as Cell[][];
    } else {
      const result = await db.kysely.executeQuery(compiled);
      rows = result.rows.map((row) => [...COLUMNS.map(([, column]) => row[column]), row.asset_number]);
    }
    for (const row of rows) after = Number(row.pop()); // asset_number, the keyset cursor, comes last
    yield rows;
    if (rows.length < CHUNK) return;
  }
}

/**
 * One CSV string per chunk of rows: csv-stringify's stream pushes one chunk per record, and
 * 100,000 small socket writes cost more than the query; a string per 2,000 rows does not.
 */
async function* csvText(db: Db, query: DeviceListQuery): AsyncGenerator<string> {
  const options = csvOptions(query.delimiter, COLUMNS.map(([header]) => header));
  let first = true;
  for await (const rows of deviceChunks(db, query)) {
    yield stringify(rows, { ...options, header: first, bom: first });
    first = false;
  }
}

/** Streams the devices as CSV (see `csvOptions`): every match of the list's filters, in asset tag order. */
export function sendDevicesCsv(reply: FastifyReply, db: Db, query: DeviceListQuery) {
  // Pulled as the client reads: a slow client holds one chunk in memory, never the whole export.
  const body = Readable.from(csvText(db, query), { objectMode: false });
  body.on('error', (error) => reply.log.error({ err: error }, 'CSV export failed mid-stream'));
  const day = today();
  return reply
    .header('Content-Type', CSV_CONTENT_TYPE)
    .header('Content-Disposition', contentDisposition(`inventaire-ordipratique-${day}.csv`, 'attachment'))
    .header('Cache-Control', 'private, no-store')
    .send(body);
}

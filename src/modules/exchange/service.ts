import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../db/connection.js';
import type { ExchangeEntryRow } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Actor } from '../api-keys/service.js';
import { appendEntries } from './ledger.js';
import { formatMilli, fromMilli } from './milli.js';
import type { AdjustmentInput, Entry, ExchangeSummary } from './schemas.js';
import { termsInForce, toTerms, today } from './terms.js';

/**
 * The state of the exchange with the reconditioner: terms in force today, credits earned
 * (net of devices reported missing), units received, manual adjustments and the balance
 * still owed. Sums are taken over integers of thousandths, so they are exact.
 */
export async function getExchangeSummary(db: Db): Promise<ExchangeSummary> {
  const asOf = today();
  const [terms, sums] = await Promise.all([termsInForce(db.kysely, asOf), ledgerSums(db)]);
  return { asOf, terms: toTerms(terms), ...sums };
}

/**
 * The ledger's sums: of every entry, or with `onOrBefore` of the entries dated on or before
 * that day (entries carry the business date, e.g. the dispatch or delivery date), which is the
 * balance as it stood at the end of that day.
 */
export async function ledgerSums(db: Db, onOrBefore?: string) {
  let select = db.kysely
    .selectFrom('exchange_entries')
    .select((eb) => ['type', eb.fn.sum<number>('units_milli').as('total'), eb.fn.countAll<number>().as('count')])
    .groupBy('type');
  if (onOrBefore) select = select.where('occurred_on', '<=', onOrBefore);
  const sums = await select.execute();
  const total = (type: string) => Number(sums.find((s) => s.type === type)?.total ?? 0);
  const credits = total('credit') + total('credit_reversal');
  const received = -total('receipt');
  const adjustments = total('adjustment');
  return {
    credits: fromMilli(credits),
    unitsReceived: fromMilli(received),
    adjustments: fromMilli(adjustments),
    balance: fromMilli(credits - received + adjustments),
    entryCount: sums.reduce((n, s) => n + Number(s.count), 0),
  };
}

type EntryWithTag = ExchangeEntryRow & { asset_tag: string | null };

function toEntry(row: EntryWithTag): Entry {
  return {
    id: String(row.id),
    type: row.type as Entry['type'],
    occurredOn: row.occurred_on,
    units: fromMilli(Number(row.units_milli)),
    balance: fromMilli(Number(row.balance_milli)),
    shipmentId: row.shipment_id,
    deliveryId: row.delivery_id,
    deviceId: row.device_id,
    assetTag: row.asset_tag,
    kind: row.kind as Entry['kind'],
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function selectEntries(db: Db, after: number | undefined, limit: number) {
  let select = db.kysely
    .selectFrom('exchange_entries')
    .leftJoin('devices', 'devices.id', 'exchange_entries.device_id')
    .selectAll('exchange_entries')
    .select('devices.asset_tag')
    .orderBy('exchange_entries.id')
    .limit(limit);
  if (after !== undefined) select = select.where('exchange_entries.id', '>', after);
  return select.execute();
}

export async function listEntries(db: Db, limit: number, cursor?: string) {
  const after = decodeCursor<number>(cursor, 'number');
  return toPage(await selectEntries(db, after, limit + 1), limit, (r) => Number(r.id), toEntry);
}

const CSV_COLUMNS = ['id', 'occurredOn', 'type', 'units', 'balance', 'assetTag', 'kind', 'shipmentId', 'deliveryId', 'reason', 'createdBy', 'createdAt'];

/** Spreadsheets run cells starting with these as formulas. */
const safeCell = (value: string | null) => (value && /^[=+\-@\t\r]/.test(value) ? `'${value}` : (value ?? ''));

/** The whole ledger as CSV, read page by page so memory stays flat; amounts as exact decimal text. */
export function entriesCsv(db: Db): Readable {
  async function* lines() {
    yield stringify([CSV_COLUMNS]);
    let after: number | undefined;
    for (;;) {
      const rows = await selectEntries(db, after, 1000);
      if (rows.length === 0) return;
      yield stringify(
        rows.map((r) => [
          String(r.id), r.occurred_on, r.type, formatMilli(Number(r.units_milli)), formatMilli(Number(r.balance_milli)),
          r.asset_tag ?? '', r.kind ?? '', r.shipment_id ?? '', r.delivery_id ?? '', safeCell(r.reason), safeCell(r.created_by), r.created_at,
        ]),
      );
      after = Number(rows[rows.length - 1].id);
    }
  }
  return Readable.from(lines());
}

export async function addAdjustment(db: Db, input: AdjustmentInput, actor: Actor): Promise<Entry> {
  const [row] = await inTransaction(db, async (trx) => {
    return appendEntries(trx, [{ type: 'adjustment', occurredOn: input.occurredOn ?? today(), unitsMilli: input.units, reason: input.reason }], actor);
  });
  return toEntry({ ...row, asset_tag: null });
}

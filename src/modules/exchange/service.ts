import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { csvOptions, type CsvDelimiter } from '../../shared/csv.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import type { Db } from '../../db/connection.js';
import type { ExchangeEntryRow } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Actor } from '../api-keys/service.js';
import { appendEntries, SYSTEM_REASONS } from './ledger.js';
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
    type: row.type,
    occurredOn: row.occurred_on,
    units: fromMilli(Number(row.units_milli)),
    balance: fromMilli(Number(row.balance_milli)),
    shipmentId: row.shipment_id,
    deliveryId: row.delivery_id,
    deviceId: row.device_id,
    assetTag: row.asset_tag,
    kind: row.kind,
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

const CSV_COLUMNS = ['id', 'occurredOn', 'type', 'typeLabel', 'units', 'balance', 'assetTag', 'kind', 'kindLabel', 'shipmentId', 'deliveryId', 'reason', 'createdBy', 'createdAt'];

/** What each entry is, in French, for the people who read the ledger in a spreadsheet. */
const TYPE_LABELS_FR: Record<string, string> = {
  credit: 'Crédit (appareil remis au reconditionneur)',
  credit_reversal: 'Annulation de crédit',
  receipt: 'Réception (appareil reconditionné reçu)',
  adjustment: 'Ajustement',
};

/**
 * The reasons the service writes, in French for the CSV (the API keeps the English text). Any
 * other reason is an admin's adjustment text, written as typed.
 */
const REASON_LABELS_FR = new Map<string, string>([[SYSTEM_REASONS.reportedMissing, 'Appareil non reçu par le reconditionneur']]);
const reasonFr = (row: ExchangeEntryRow) => (row.type === 'adjustment' ? row.reason : row.reason && (REASON_LABELS_FR.get(row.reason) ?? row.reason)) ?? '';

/**
 * The whole ledger as CSV, by the device export's rules (`csvOptions`: BOM, CRLF, formula-safe
 * cells, `delimiter=semicolon` with decimal commas), read page by page so memory stays flat;
 * amounts as exact decimal text, types and kinds also in French, the service's own reasons in
 * French only.
 */
export function entriesCsv(db: Db, delimiter: CsvDelimiter = 'comma'): Readable {
  // Amounts are the only numbers: passed as numbers (so a negative one is never taken for a
  // formula) and written as exact three-decimal text.
  const exact = (value: number) => formatMilli(Math.round(value * 1000));
  const options = csvOptions(delimiter, CSV_COLUMNS);
  options.cast = { number: (value) => (delimiter === 'semicolon' ? exact(value).replace('.', ',') : exact(value)) };
  const amount = (milli: number) => milli / 1000;
  async function* lines() {
    let after: number | undefined;
    let first = true;
    for (;;) {
      const rows = await selectEntries(db, after, 1000);
      if (rows.length === 0 && !first) return;
      yield stringify(
        rows.map((r) => [
          String(r.id), r.occurred_on, r.type, TYPE_LABELS_FR[r.type] ?? r.type, amount(Number(r.units_milli)), amount(Number(r.balance_milli)),
          r.asset_tag ?? '', r.kind ?? '', r.kind ? kindLabelFr(r.kind) : '', r.shipment_id ?? '', r.delivery_id ?? '', reasonFr(r), r.created_by, r.created_at,
        ]),
        { ...options, header: first, bom: first },
      );
      if (rows.length === 0) return;
      first = false;
      after = Number(rows[rows.length - 1].id);
    }
  }
  return Readable.from(lines());
}

export async function addAdjustment(db: Db, input: AdjustmentInput, actor: Actor): Promise<Entry> {
  return inTransaction(db, async (trx) => {
    const [row] = await appendEntries(trx, [{ type: 'adjustment', occurredOn: input.occurredOn ?? today(), unitsMilli: input.units, reason: input.reason }], actor);
    return toEntry({ ...row, asset_tag: null });
  });
}

import type { ExchangeEntryRow } from '../../db/schema.js';
import { nowIso, takeNumbers, type Trx } from '../../db/transaction.js';
import type { Actor } from '../api-keys/service.js';
import type { DeviceKind } from '../../shared/enums.js';
import type { EntryType } from './schemas.js';

/**
 * The reasons the service itself gives an entry (stored and answered by the API in English);
 * an adjustment's reason is the admin's own text. The ledger CSV gives each a French label.
 */
export const SYSTEM_REASONS = {
  reportedMissing: 'reported missing by the reconditioner',
} as const;

export interface NewEntry {
  type: EntryType;
  occurredOn: string;
  unitsMilli: number;
  shipmentId?: string | null;
  deliveryId?: string | null;
  deviceId?: string | null;
  kind?: DeviceKind | null;
  reason?: string | null;
}

/**
 * Appends ledger entries inside the caller's transaction, each with its running balance. The
 * ids come from the `exchange_entry` counter, whose row lock serialises writers, so the
 * previous balance read here is the latest committed one. Call after appending device events.
 */
export async function appendEntries(trx: Trx, entries: NewEntry[], actor: Actor): Promise<ExchangeEntryRow[]> {
  if (entries.length === 0) return [];
  const first = await takeNumbers(trx, 'exchange_entry', entries.length);
  const last = await trx.selectFrom('exchange_entries').select('balance_milli').orderBy('id', 'desc').executeTakeFirst();
  let balance = Number(last?.balance_milli ?? 0);
  const now = nowIso();
  const rows: ExchangeEntryRow[] = entries.map((e, index) => {
    balance += e.unitsMilli;
    return {
      id: first + index,
      type: e.type,
      occurred_on: e.occurredOn,
      units_milli: e.unitsMilli,
      balance_milli: balance,
      shipment_id: e.shipmentId ?? null,
      delivery_id: e.deliveryId ?? null,
      device_id: e.deviceId ?? null,
      kind: e.kind ?? null,
      reason: e.reason ?? null,
      created_by: actor.name,
      created_at: now,
    };
  });
  for (let i = 0; i < rows.length; i += 500) {
    await trx.insertInto('exchange_entries').values(rows.slice(i, i + 500)).execute();
  }
  return rows;
}

import type { Executor } from '../../db/transaction.js';

/** The business dates (`YYYY-MM-DD`) that bound what may be recorded of a device. */
export interface DeviceDates {
  /** The day it came into the programme: its collection's date, or its reception for a unit new from TRIRA. */
  cameOn: string | null;
  /** The day it last became ready (reconditioned in-house or received from TRIRA), if ever. */
  readyOn: string | null;
  /** The day it last came back from a home (`returnedOn`), if ever. */
  returnedOn: string | null;
}

/**
 * Read from the device events' business dates (`occurred_on`): `intake` carries the
 * collection's date, `deliver` the delivery's `receivedOn`, `recondition` the
 * `reconditionedOn`, `return` the `returnedOn`. Batched: one query per 500 devices.
 */
export async function deviceDates(db: Executor, deviceIds: string[]): Promise<Map<string, DeviceDates>> {
  const dates = new Map<string, DeviceDates>(deviceIds.map((id) => [id, { cameOn: null, readyOn: null, returnedOn: null }]));
  for (let i = 0; i < deviceIds.length; i += 500) {
    const rows = await db
      .selectFrom('device_events')
      .select((eb) => ['device_id', 'type', eb.fn.min('occurred_on').as('first'), eb.fn.max('occurred_on').as('last')])
      .where('device_id', 'in', deviceIds.slice(i, i + 500))
      .where('type', 'in', ['intake', 'deliver', 'recondition', 'return'])
      .groupBy(['device_id', 'type'])
      .execute();
    for (const row of rows) {
      const d = dates.get(row.device_id)!;
      const first = String(row.first);
      const last = String(row.last);
      if (row.type === 'intake' || row.type === 'deliver') d.cameOn = d.cameOn && d.cameOn < first ? d.cameOn : first;
      if (row.type === 'deliver' || row.type === 'recondition') d.readyOn = d.readyOn && d.readyOn > last ? d.readyOn : last;
      if (row.type === 'return') d.returnedOn = last;
    }
  }
  return dates;
}

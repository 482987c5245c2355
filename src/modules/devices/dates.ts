import type { Executor } from '../../db/transaction.js';
import { ProblemError } from '../../http/problem.js';

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

/**
 * The day the last of these devices became ready (`readyOn`), with that device's id: what an
 * installation of them may not be scheduled or carried out before. Null when none has a date.
 */
export async function lastReadyOf(db: Executor, deviceIds: string[]): Promise<{ deviceId: string; readyOn: string } | null> {
  let last: { deviceId: string; readyOn: string } | null = null;
  for (const [deviceId, d] of await deviceDates(db, deviceIds)) {
    if (d.readyOn && (!last || d.readyOn > last.readyOn)) last = { deviceId, readyOn: d.readyOn };
  }
  return last;
}

/**
 * The day from which the device has been in our hands: the day it last came back from a home,
 * or else the day it came into the programme. An action on it (reconditioning, scrapping) may
 * not be dated earlier.
 */
export function inHandSince(d: DeviceDates): { on: string; what: string } | null {
  if (d.returnedOn && (!d.cameOn || d.returnedOn > d.cameOn)) return { on: d.returnedOn, what: 'it last came back from a home' };
  return d.cameOn ? { on: d.cameOn, what: 'it came into the programme' } : null;
}

/**
 * An action on a device in our hands (reconditioning, scrapping) may not be dated before it came
 * into the programme nor before it last came back from a home: 422 naming the date's field.
 */
export async function assertInHand(db: Executor, device: { id: string; asset_tag: string }, on: string, path: string, what: string): Promise<void> {
  const bound = inHandSince((await deviceDates(db, [device.id])).get(device.id)!);
  if (bound && on < bound.on) {
    throw new ProblemError(422, `${device.asset_tag}: a ${what} cannot be dated ${on}, before ${bound.what} (${bound.on})`, {}, [
      { path, message: `before ${bound.what} on ${bound.on}` },
    ]);
  }
}

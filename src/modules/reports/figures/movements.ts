import { sql } from 'kysely';
import { COMPUTER_KINDS } from '../../devices/schemas.js';
import { monthsTable } from '../period.js';
import { addTo, type FigureGroup, type Figures } from './types.js';

/** Each figure counts the device events of one lifecycle action, by the event's business date. */
export const MOVEMENT_EVENTS = {
  shipped: 'dispatch',
  receivedReconditioned: 'deliver',
  reconditionedInHouse: 'recondition',
  installed: 'complete',
  returns: 'return',
  scrapped: 'scrap',
} as const;
export const MOVEMENT_KEYS = [...Object.keys(MOVEMENT_EVENTS), 'computersInstalled', 'otherEquipmentInstalled'] as (keyof typeof MOVEMENT_EVENTS | 'computersInstalled' | 'otherEquipmentInstalled')[];
type Key = (typeof MOVEMENT_KEYS)[number];

/**
 * Shipped to the reconditioner, received reconditioned, reconditioned in-house, installed
 * (computers and other equipment apart), returned, scrapped. Every figure counts by the date
 * the thing happened (`occurred_on`: the dispatch date, the delivery's `receivedOn`, the
 * contract's `installedOn`, the `returnedOn`), never by the day it was typed in.
 */
export const movementFigures: Figures<Key> = async (db, period) => {
  // One statement (see `monthsTable`): for each month, a range count per event type, each
  // reading only its slice of the (type, occurred_on, device_id) index with no sort (a GROUP BY
  // on a computed month would sort every event of the period). Only computers need the device's kind, so only
  // they are joined to devices (a lookup per event, the costly part, counted without a GROUP BY
  // on the kind and its sort); the other equipment
  // installed is the rest of the `complete` events, since every event has its device
  // (device_id is a non-null foreign key and kind is never null).
  const count = (type: string) =>
    sql<number>`(select count(*) from device_events where type = ${type} and occurred_on >= months.first_day and occurred_on <= months.last_day)`;
  const computersInstalled = sql<number>`(select count(*) from device_events inner join devices on devices.id = device_events.device_id
    where device_events.type = ${MOVEMENT_EVENTS.installed} and device_events.occurred_on >= months.first_day and device_events.occurred_on <= months.last_day
    and devices.kind in (${sql.join(COMPUTER_KINDS)}))`;
  const types = Object.entries(MOVEMENT_EVENTS) as [keyof typeof MOVEMENT_EVENTS, string][];
  const { rows } = await sql<Record<string, number | string>>`${monthsTable(period)}
    select month_key, ${sql.join(types.map(([key, type]) => sql`${count(type)} as ${sql.ref(key)}`))}, ${computersInstalled} as computers
    from months`.execute(db.kysely);
  const group: FigureGroup<Key> = { totals: Object.fromEntries(MOVEMENT_KEYS.map((k) => [k, 0])) as Record<Key, number>, byMonth: new Map() };
  const add = (month: string, key: Key, count: number) => {
    if (count === 0) return;
    group.totals[key] += count;
    addTo(group.byMonth, month, key, count);
  };
  for (const row of rows) {
    const month = String(row.month_key);
    for (const [key] of types) add(month, key, Number(row[key]));
    const computers = Number(row.computers);
    add(month, 'computersInstalled', computers);
    add(month, 'otherEquipmentInstalled', Number(row.installed) - computers);
  }
  return group;
};

import { monthRanges } from '../period.js';
import { addTo, type FigureGroup, type Figures } from './types.js';

/** Each figure counts the device events of one lifecycle action, by the event's time. */
export const MOVEMENT_EVENTS = {
  shipped: 'dispatch',
  receivedReconditioned: 'deliver',
  reconditionedInHouse: 'recondition',
  installed: 'complete',
  returns: 'return',
  scrapped: 'scrap',
} as const;
export const MOVEMENT_KEYS = Object.keys(MOVEMENT_EVENTS) as (keyof typeof MOVEMENT_EVENTS)[];
type Key = keyof typeof MOVEMENT_EVENTS;

/** Shipped to the reconditioner, received reconditioned, reconditioned in-house, installed, returned, scrapped. */
export const movementFigures: Figures<Key> = async (db, period) => {
  const keyOf = new Map(MOVEMENT_KEYS.map((key) => [MOVEMENT_EVENTS[key] as string, key]));
  // One range count per month rather than a GROUP BY on a computed month: each reads only
  // its slice of the (type, at) index and needs no sort.
  const months = await Promise.all(
    monthRanges(period).map(async (range) => ({
      month: range.month,
      rows: await db.kysely
        .selectFrom('device_events')
        .select((eb) => ['type', eb.fn.countAll<number>().as('count')])
        .where('type', 'in', [...keyOf.keys()])
        .where('at', '>=', range.fromAt)
        .where('at', '<', range.untilAt)
        .groupBy('type')
        .execute(),
    })),
  );
  const group: FigureGroup<Key> = { totals: Object.fromEntries(MOVEMENT_KEYS.map((k) => [k, 0])) as Record<Key, number>, byMonth: new Map() };
  for (const { month, rows } of months) {
    for (const row of rows) {
      const key = keyOf.get(row.type)!;
      group.totals[key] += Number(row.count);
      addTo(group.byMonth, month, key, Number(row.count));
    }
  }
  return group;
};

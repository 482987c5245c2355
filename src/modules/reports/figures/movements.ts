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
  const rows = await db.kysely
    .selectFrom('device_events')
    .select((eb) => ['type', eb.fn<string>('substr', ['at', eb.val(1), eb.val(7)]).as('month'), eb.fn.countAll<number>().as('count')])
    .where('type', 'in', [...keyOf.keys()])
    .where('at', '>=', period.fromAt)
    .where('at', '<', period.untilAt)
    .groupBy(['type', 'month'])
    .execute();
  const group: FigureGroup<Key> = { totals: Object.fromEntries(MOVEMENT_KEYS.map((k) => [k, 0])) as Record<Key, number>, byMonth: new Map() };
  for (const row of rows) {
    const key = keyOf.get(row.type)!;
    group.totals[key] += Number(row.count);
    addTo(group.byMonth, row.month, key, Number(row.count));
  }
  return group;
};

import { COMPUTER_KINDS } from '../../devices/schemas.js';
import { monthRanges } from '../period.js';
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

const computers = new Set<string>(COMPUTER_KINDS);

/**
 * Shipped to the reconditioner, received reconditioned, reconditioned in-house, installed
 * (computers and other equipment apart), returned, scrapped. Every figure counts by the date
 * the thing happened (`occurred_on`: the dispatch date, the delivery's `receivedOn`, the
 * contract's `installedOn`, the `returnedOn`), never by the day it was typed in.
 */
export const movementFigures: Figures<Key> = async (db, period) => {
  const keyOf = new Map(Object.entries(MOVEMENT_EVENTS).map(([key, type]) => [type as string, key as keyof typeof MOVEMENT_EVENTS]));
  // One range count per month rather than a GROUP BY on a computed month: each reads only
  // its slice of the (type, occurred_on, device_id) index and needs no sort. Only installations
  // need the device's kind, so only they are joined to devices (a lookup per event, the costly part).
  const months = await Promise.all(
    monthRanges(period).map(async (range) => {
      const [byType, installedByKind] = await Promise.all([
        db.kysely
          .selectFrom('device_events')
          .select((eb) => ['type', eb.fn.countAll<number>().as('count')])
          .where('type', 'in', [...keyOf.keys()])
          .where('occurred_on', '>=', range.from)
          .where('occurred_on', '<=', range.to)
          .groupBy('type')
          .execute(),
        db.kysely
          .selectFrom('device_events')
          .innerJoin('devices', 'devices.id', 'device_events.device_id')
          .select((eb) => ['devices.kind', eb.fn.countAll<number>().as('count')])
          .where('device_events.type', '=', MOVEMENT_EVENTS.installed)
          .where('device_events.occurred_on', '>=', range.from)
          .where('device_events.occurred_on', '<=', range.to)
          .groupBy('devices.kind')
          .execute(),
      ]);
      return { month: range.month, byType, installedByKind };
    }),
  );
  const group: FigureGroup<Key> = { totals: Object.fromEntries(MOVEMENT_KEYS.map((k) => [k, 0])) as Record<Key, number>, byMonth: new Map() };
  const add = (month: string, key: Key, count: number) => {
    group.totals[key] += count;
    addTo(group.byMonth, month, key, count);
  };
  for (const { month, byType, installedByKind } of months) {
    for (const row of byType) add(month, keyOf.get(row.type)!, Number(row.count));
    for (const row of installedByKind) add(month, computers.has(row.kind) ? 'computersInstalled' : 'otherEquipmentInstalled', Number(row.count));
  }
  return group;
};

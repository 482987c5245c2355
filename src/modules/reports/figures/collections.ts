import { sql } from 'kysely';
import type { DeviceKind } from '../../devices/schemas.js';
import { monthRanges, monthsTable } from '../period.js';
import { addTo, round3, type FigureGroup, type Figures } from './types.js';

export const COLLECTION_KEYS = ['donors', 'collections', 'devicesCollected', 'weightKgCollected'] as const;
type Key = (typeof COLLECTION_KEYS)[number];

export interface CollectedByKind {
  kind: DeviceKind;
  units: number;
  weightKg: number;
}

/** Donors who gave, collections made and devices collected (units, kg), by the collection's date. */
export const collectionFigures: Figures<Key, { collectedByKind: CollectedByKind[] }> = async (db, period) => {
  // Collections and distinct donors: over the period, and by month in one statement (see
  // `monthsTable`), counted by the database rather than listed to be counted here.
  const [whole, months] = await Promise.all([
    db.kysely
      .selectFrom('collections')
      .select((eb) => [eb.fn.countAll<number>().as('collections'), eb.fn.count<number>('donor_id').distinct().as('donors')])
      .where('collected_on', '>=', period.from)
      .where('collected_on', '<=', period.to)
      .executeTakeFirstOrThrow(),
    sql<{ month_key: string; collections: number; donors: number }>`${monthsTable(period)}
      select month_key,
        (select count(*) from collections where collected_on >= months.first_day and collected_on <= months.last_day) as collections,
        (select count(distinct donor_id) from collections where collected_on >= months.first_day and collected_on <= months.last_day) as donors
      from months`.execute(db.kysely),
  ]);
  // One query per month (see movements.ts): each reads its collections' devices from a covering index.
  const devices = (
    await Promise.all(
      monthRanges(period).map(async (range) =>
        (
          await db.kysely
            .selectFrom('collections')
            .innerJoin('devices', 'devices.collection_id', 'collections.id')
            .select((eb) => ['devices.kind', eb.fn.countAll<number>().as('units'), eb.fn.coalesce(eb.fn.sum<number>('devices.weight_kg'), eb.val(0)).as('weight')])
            .where('collections.collected_on', '>=', range.from)
            .where('collections.collected_on', '<=', range.to)
            .groupBy('devices.kind')
            .execute()
        ).map((row) => ({ ...row, month: range.month })),
      ),
    )
  ).flat();
  const group: FigureGroup<Key> = {
    totals: { donors: Number(whole.donors), collections: Number(whole.collections), devicesCollected: 0, weightKgCollected: 0 },
    byMonth: new Map(),
  };
  for (const row of months.rows) {
    if (Number(row.collections) === 0) continue;
    addTo(group.byMonth, row.month_key, 'collections', Number(row.collections));
    addTo(group.byMonth, row.month_key, 'donors', Number(row.donors));
  }

  const byKind = new Map<DeviceKind, CollectedByKind>();
  for (const row of devices) {
    const units = Number(row.units);
    const weight = Number(row.weight);
    addTo(group.byMonth, row.month, 'devicesCollected', units);
    addTo(group.byMonth, row.month, 'weightKgCollected', weight);
    group.totals.devicesCollected += units;
    group.totals.weightKgCollected += weight;
    const kind = row.kind;
    const entry = byKind.get(kind) ?? { kind, units: 0, weightKg: 0 };
    entry.units += units;
    entry.weightKg += weight;
    byKind.set(kind, entry);
  }
  group.totals.weightKgCollected = round3(group.totals.weightKgCollected);
  for (const entry of group.byMonth.values()) if (entry.weightKgCollected !== undefined) entry.weightKgCollected = round3(entry.weightKgCollected);
  const collectedByKind = [...byKind.values()]
    .map((k) => ({ ...k, weightKg: round3(k.weightKg) }))
    .sort((a, b) => b.units - a.units || a.kind.localeCompare(b.kind));
  return { ...group, collectedByKind };
};

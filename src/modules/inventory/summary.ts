import { dayInParis, now as clockNow } from '../../clock.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { DEVICE_KINDS, DEVICE_STATUSES, type DeviceKind, type DeviceStatus } from '../devices/schemas.js';
import { awaitingErasure } from './erasure.js';
import type { InventorySummary } from './schemas.js';

const DAY_MS = 86_400_000;

export async function inventorySummary(db: Db, now = clockNow()): Promise<InventorySummary> {
  const [counts, missing, readyStock, erasure, oldest] = await Promise.all([
    countsByStatusAndKind(db),
    missingAtReception(db),
    readyStockByKindAndGrade(db),
    awaitingErasure(db),
    Promise.all(DEVICE_STATUSES.map((status) => oldestInStatus(db, status))),
  ]);
  return {
    total: Object.values(counts).reduce((sum, s) => sum + s.total, 0),
    byStatus: counts,
    missingAtReception: missing,
    readyStock,
    awaitingErasure: { total: erasure.reduce((sum, r) => sum + r.count, 0), items: erasure },
    oldestByStatus: oldest
      .filter((o) => o !== undefined)
      .map((o) => ({ ...o, waitingDays: Math.max(0, Math.round((Date.parse(dayInParis(now)) - Date.parse(o.sinceOn)) / DAY_MS)) })),
  };
}

async function countsByStatusAndKind(db: Db): Promise<InventorySummary['byStatus']> {
  const rows = await db.kysely
    .selectFrom('devices')
    .select(['status', 'kind', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy(['status', 'kind'])
    .execute();
  const zeros = () => Object.fromEntries(DEVICE_KINDS.map((k) => [k, 0])) as Record<DeviceKind, number>;
  const byStatus = Object.fromEntries(DEVICE_STATUSES.map((s) => [s, { total: 0, byKind: zeros() }])) as InventorySummary['byStatus'];
  for (const row of rows) {
    const entry = byStatus[row.status];
    entry.byKind[row.kind] = Number(row.count);
    entry.total += Number(row.count);
  }
  return byStatus;
}

async function missingAtReception(db: Db): Promise<InventorySummary['missingAtReception']> {
  const rows = await db.kysely
    .selectFrom('devices')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('count')])
    .where('status', '=', 'shipped')
    .where('missing_since', 'is not', null)
    .groupBy('kind')
    .execute();
  const byKind = Object.fromEntries(DEVICE_KINDS.map((k) => [k, 0])) as Record<DeviceKind, number>;
  for (const row of rows) byKind[row.kind] = Number(row.count);
  return { total: Object.values(byKind).reduce((sum, n) => sum + n, 0), byKind };
}

async function readyStockByKindAndGrade(db: Db): Promise<InventorySummary['readyStock']> {
  const rows = await db.kysely
    .selectFrom('devices')
    .select(['kind', 'grade', (eb) => eb.fn.countAll<number>().as('count')])
    .where('status', '=', 'ready')
    .groupBy(['kind', 'grade'])
    .orderBy('kind')
    .orderBy('grade')
    .execute();
  return rows.map((r) => ({ kind: r.kind, grade: r.grade, count: Number(r.count) }));
}

/**
 * The device that has been in `status` longest, by the day it entered it (the business date, as
 * the reports count: data typed weeks later still waits from the day it happened): walks the
 * events that moved a device into that status in that order and stops at the first one that is
 * still the device's latest move. `cross join` keeps SQLite on that walk (the events'
 * `(to_status, occurred_on, id)` index): with exact statistics its planner started from every
 * device in the status and sorted (28 → 430 ms at 100,000 devices). PostgreSQL plans a cross
 * join with a join condition like any inner join.
 */
async function oldestInStatus(db: Db, status: DeviceStatus) {
  const result = await sql<{ device_id: string; asset_tag: string; at: string; occurred_on: string }>`
    select e.device_id, d.asset_tag, e.at, e.occurred_on
    from device_events e
    cross join devices d
    where d.id = e.device_id and e.to_status = ${status} and d.status = ${status}
      and (e.from_status is null or e.from_status <> e.to_status)
      and not exists (
        select 1 from device_events l
        where l.device_id = e.device_id and l.id > e.id and l.to_status is not null
          and (l.from_status is null or l.from_status <> l.to_status)
      )
    order by e.occurred_on, e.id
    limit 1`.execute(db.kysely);
  const row = result.rows[0];
  return row ? { status, deviceId: row.device_id, assetTag: row.asset_tag, since: row.at, sinceOn: String(row.occurred_on) } : undefined;
}

import { sql } from 'kysely';
import { dayInParis } from '../../clock.js';
import { forUpdate, lockEventOrder } from '../../db/locks.js';
import type { DeviceRow } from '../../db/schema.js';
import { nowIso, type Trx } from '../../db/transaction.js';
import { conflict, notFound } from '../../http/problem.js';
import type { Actor } from '../api-keys/service.js';
import type { DeviceStatus } from './schemas.js';

/**
 * The lifecycle, written once: every action that moves a device names the statuses it may
 * start from and the one it leads to. Every module moves devices through `transition`.
 */
export const TRANSITIONS = {
  dispatch: { from: ['collected', 'returned'], to: 'shipped' },
  deliver: { from: ['shipped'], to: 'ready' },
  recondition: { from: ['collected', 'returned'], to: 'ready' },
  schedule: { from: ['ready'], to: 'reserved' },
  cancel: { from: ['reserved'], to: 'ready' },
  complete: { from: ['reserved'], to: 'installed' },
  return: { from: ['installed'], to: 'returned' },
  scrap: { from: ['collected', 'ready', 'returned'], to: 'scrapped' },
} as const satisfies Record<string, { from: readonly DeviceStatus[]; to: DeviceStatus }>;

export type Action = keyof typeof TRANSITIONS;

export function allowedActions(status: string): Action[] {
  return (Object.keys(TRANSITIONS) as Action[]).filter((action) => (TRANSITIONS[action].from as readonly string[]).includes(status));
}

export function illegalTransition(device: Pick<DeviceRow, 'id' | 'asset_tag' | 'status'>, action: Action) {
  const allowed = allowedActions(device.status);
  return conflict(
    `Cannot ${action} ${device.asset_tag}: it is ${device.status}; allowed from ${device.status}: ${allowed.join(', ') || 'nothing'}`,
    { deviceId: device.id, assetTag: device.asset_tag, currentStatus: device.status, allowedActions: allowed },
  );
}

export interface NewEvent {
  deviceId: string;
  type: string;
  fromStatus: DeviceStatus | null;
  toStatus: DeviceStatus | null;
  actor: string;
  details?: Record<string, unknown> | null;
  at?: string;
  /** The business date (`YYYY-MM-DD`) the event stands for; the day of `at` in Paris by default. */
  occurredOn?: string;
}

/**
 * Appends events inside the caller's transaction. On PostgreSQL an identity value is taken
 * before commit, so ids could commit out of order and a feed reader could skip one: a
 * transaction-scoped advisory lock makes event-writing transactions commit in id order.
 * (SQLite has a single writer, so the order holds by construction.)
 */
export async function appendEvents(trx: Trx, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await lockEventOrder(trx);
  const at = nowIso();
  for (let i = 0; i < events.length; i += 1000) {
    await trx
      .insertInto('device_events')
      .values(
        events.slice(i, i + 1000).map((e) => ({
          device_id: e.deviceId,
          type: e.type,
          from_status: e.fromStatus,
          to_status: e.toStatus,
          at: e.at ?? at,
          // Paris, not UTC: an edit at 00:30 in France belongs to that day, not the one before.
          occurred_on: e.occurredOn ?? dayInParis(new Date(e.at ?? at)),
          actor: e.actor,
          data: e.details ? JSON.stringify(e.details) : null,
        })),
      )
      .execute();
  }
}

/**
 * Moves devices for one action inside the caller's transaction: checks each current status,
 * updates it only if it is still that status (so of two racing requests exactly one wins),
 * and appends one event per device. Throws 409 naming the status when a device may not move.
 * `occurredOn` is the action's business date (dispatch, receipt, installation, return date),
 * which the reports count by; it defaults to the day the action is recorded.
 */
export async function transition(
  trx: Trx,
  deviceIds: string[],
  action: Action,
  actor: Actor,
  details: Record<string, unknown> | null = null,
  extraChanges: Partial<Pick<DeviceRow, 'grade' | 'os' | 'notes'>> = {},
  occurredOn?: string,
): Promise<DeviceRow[]> {
  const rule = TRANSITIONS[action];
  const ids = [...new Set(deviceIds)].sort();
  if (ids.length === 0) return [];
  const before = await lockDevices(trx, ids);
  for (const id of ids) {
    const row = before.get(id);
    if (!row) throw notFound(`Device ${id}`);
    if (!(rule.from as readonly string[]).includes(row.status)) throw illegalTransition(row, action);
  }
  const now = nowIso();
  const moved: DeviceRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    moved.push(
      ...(await trx
        .updateTable('devices')
        .set({ ...extraChanges, status: rule.to, version: sql`version + 1`, updated_at: now })
        .where('id', 'in', chunk)
        .where('status', 'in', rule.from)
        .returningAll()
        .execute()),
    );
  }
  // Unreachable while rows are locked, but a lost race must never pass silently.
  if (moved.length !== ids.length) throw conflict(`Another request changed these devices meanwhile; retry`);
  await appendEvents(
    trx,
    moved.map((row) => ({ deviceId: row.id, type: action, fromStatus: before.get(row.id)!.status, toStatus: rule.to, actor: actor.name, details, at: now, occurredOn })),
  );
  return moved;
}

/**
 * Flags devices as not received by the reconditioner (`since`), or clears the flag (`null`)
 * when one comes back. The devices module owns the devices table: other modules ask here.
 */
export async function setMissing(trx: Trx, ids: string[], since: string | null): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await trx
      .updateTable('devices')
      .set({ missing_since: since, version: sql`version + 1`, updated_at: since ?? nowIso() })
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
  }
}

/** Sets the grade the reconditioner gave units coming back, inside the caller's transaction; returns the rows. */
export async function setGrade(trx: Trx, ids: string[], grade: DeviceRow['grade']): Promise<DeviceRow[]> {
  const rows: DeviceRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    rows.push(...(await trx.updateTable('devices').set({ grade, updated_at: nowIso() }).where('id', 'in', ids.slice(i, i + 500)).returningAll().execute()));
  }
  return rows;
}

/** Reads the devices and, on PostgreSQL, locks their rows in id order (no deadlock between two batches). */
export async function lockDevices(trx: Trx, ids: string[]): Promise<Map<string, DeviceRow>> {
  const rows: DeviceRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    rows.push(...(await forUpdate(trx, trx.selectFrom('devices').selectAll().where('id', 'in', ids.slice(i, i + 500)).orderBy('id')).execute()));
  }
  return new Map(rows.map((r) => [r.id, r]));
}

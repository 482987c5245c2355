import { sql, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../../db/connection.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Database, DeviceEventRow, DeviceRow, DeviceTable } from '../../db/schema.js';
import { cachedSqlite } from '../../db/statements.js';
import { inTransaction, nowIso, type Executor } from '../../db/transaction.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import { etagListMatches } from '../../http/negotiate.js';
import { ProblemError, conflict, notFound } from '../../http/problem.js';
import { hasControlCharacters } from '../../shared/fields.js';
import { containsPattern, lowerLike } from '../../shared/search.js';
import type { Actor } from '../api-keys/service.js';
import { appendEvents, lockDevices } from './lifecycle.js';
import {
  DATA_BEARING_KINDS,
  normaliseSerial,
  specsRefusal,
  type Device,
  type DeviceEvent,
  type DeviceKind,
  type DeviceUpdateInput,
  type ListDevicesQuery,
} from './schemas.js';

export function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    assetTag: row.asset_tag,
    kind: row.kind,
    brand: row.brand,
    model: row.model,
    serialNumber: row.serial_number,
    specs: { cpu: row.cpu, ramGb: row.ram_gb, storageGb: row.storage_gb, storageType: row.storage_type, os: row.os },
    grade: row.grade,
    weightKg: row.weight_kg,
    notes: row.notes,
    status: row.status,
    origin: row.origin,
    collectionId: row.collection_id,
    donorId: row.donor_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    missingSince: row.missing_since ?? null,
  };
}

/** Descriptive columns from an intake or a patch; undefined means "not given". */
export function descriptiveColumns(input: DeviceUpdateInput): Partial<DeviceTable> {
  const specs = input.specs;
  const columns: Partial<DeviceTable> = {
    kind: input.kind,
    brand: input.brand,
    model: input.model,
    serial_number: input.serialNumber,
    cpu: specs === null ? null : specs?.cpu,
    ram_gb: specs === null ? null : specs?.ramGb,
    storage_gb: specs === null ? null : specs?.storageGb,
    storage_type: specs === null ? null : specs?.storageType,
    os: specs === null ? null : specs?.os,
    grade: input.grade,
    weight_kg: input.weightKg,
    notes: input.notes,
  };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
}

export function etagOf(row: Pick<DeviceRow, 'version'>): string {
  return `"${row.version}"`;
}

export async function getDeviceRow(db: Executor, id: string): Promise<DeviceRow> {
  const row = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Device ${id}`);
  return row;
}

/** Throws 409 naming the live device that already holds one of these serial numbers. */
export async function assertSerialsFree(db: Executor, serials: (string | null | undefined)[], exceptId?: string): Promise<void> {
  const wanted = serials.filter((s): s is string => !!s);
  if (wanted.length === 0) return;
  const seen = new Map<string, number>();
  wanted.forEach((serial, index) => {
    if (seen.has(serial)) {
      throw new ProblemError(409, `Serial number ${serial} appears twice in this request`, { serialNumber: serial }, [
        { path: `${index}.serialNumber`, message: `same serial as item ${seen.get(serial)}` },
      ]);
    }
    seen.set(serial, index);
  });
  let query = db
    .selectFrom('devices')
    .select(['id', 'asset_tag', 'serial_number', 'status'])
    .where('serial_number', 'in', wanted)
    .where('status', '<>', 'scrapped');
  if (exceptId) query = query.where('id', '<>', exceptId);
  const holder = await query.executeTakeFirst();
  if (holder) throw serialTaken(holder);
}

function serialTaken(holder: Pick<DeviceRow, 'id' | 'asset_tag' | 'serial_number' | 'status'>) {
  return conflict(`Serial number ${holder.serial_number} is already registered as ${holder.asset_tag} (${holder.status})`, {
    serialNumber: holder.serial_number,
    assetTag: holder.asset_tag,
    deviceId: holder.id,
  });
}

/** A concurrent insert of the same serial slipped past the check: answer as the check would have. */
export async function rethrowSerialRace(db: Db, error: unknown, serials: (string | null | undefined)[]): Promise<never> {
  if (isUniqueViolation(error)) {
    const wanted = serials.filter((s): s is string => !!s);
    const holder = wanted.length
      ? await db.kysely
          .selectFrom('devices')
          .select(['id', 'asset_tag', 'serial_number', 'status'])
          .where('serial_number', 'in', wanted)
          .where('status', '<>', 'scrapped')
          .executeTakeFirst()
      : undefined;
    if (holder) throw serialTaken(holder);
    throw conflict('A concurrent request registered the same device; retry');
  }
  throw error;
}

export async function updateDevice(db: Db, id: string, patch: DeviceUpdateInput, ifMatch: string | undefined, actor: Actor) {
  const changes = descriptiveColumns(patch);
  try {
    return await inTransaction(db, async (trx) => {
      // Locked: an erasure record or a shipment scan waits for this decision (and the reverse).
      const before = (await lockDevices(trx, [id])).get(id);
      if (!before) throw notFound(`Device ${id}`);
      if (patch.kind !== undefined && patch.kind !== before.kind) await assertKindCorrectable(trx, before, patch.kind, actor);
      // The specs as they will be (`specs: null` clears them all), checked against the kind it will have.
      const next = <T>(change: T | undefined, was: T) => (change === undefined ? was : change);
      const refusal = specsRefusal(patch.kind ?? before.kind, {
        os: next(changes.os, before.os),
        storageGb: next(changes.storage_gb, before.storage_gb),
        storageType: next(changes.storage_type, before.storage_type),
      });
      if (refusal) throw new ProblemError(422, `${before.asset_tag}: ${refusal.message}`, {}, [refusal]);
      if (ifMatch !== undefined && !etagListMatches(ifMatch, etagOf(before))) {
        throw new ProblemError(412, `The device changed since you read it (now ${etagOf(before)}); read it again`, { etag: etagOf(before) });
      }
      if (changes.serial_number && changes.serial_number !== before.serial_number) {
        await assertSerialsFree(trx, [changes.serial_number], id);
      }
      const after = await trx
        .updateTable('devices')
        .set({ ...changes, version: sql`version + 1`, updated_at: nowIso() })
        .where('id', '=', id)
        .where('version', '=', before.version)
        .returningAll()
        .executeTakeFirst();
      if (!after) throw new ProblemError(412, 'The device changed while this request ran; read it again');
      const changed = Object.keys(changes).filter((column) => before[column as keyof DeviceRow] !== after[column as keyof DeviceRow]);
      // The kind decides erasure and credits: its history says what it was.
      const details = before.kind === after.kind ? { changed } : { changed, kind: { from: before.kind, to: after.kind } };
      await appendEvents(trx, [{ deviceId: id, type: 'update', fromStatus: after.status, toStatus: after.status, actor: actor.name, details }]);
      return after;
    });
  } catch (error) {
    return rethrowSerialRace(db, error, [changes.serial_number]);
  }
}


/**
 * The kind decides whether a device must be erased before reuse and what it earns at dispatch,
 * so it is a correction made at intake, not a later edit: only while the device is `collected`,
 * and not across the data-bearing line once it has an erasure record or sits in a shipment
 * (either already relied on the kind). 409 names `kind` and says why. Taking a data-bearing
 * device out of erasure (a laptop corrected to a monitor) is an administrator's correction:
 * anyone else gets 403, so the one who collects a device cannot also waive its erasure.
 */
async function assertKindCorrectable(trx: Executor, device: DeviceRow, kind: DeviceKind, actor: Actor): Promise<void> {
  const refuse = (why: string, extra: Record<string, unknown>, status = 409) =>
    new ProblemError(status, `Cannot change the kind of ${device.asset_tag} from ${device.kind} to ${kind}: ${why}`, { deviceId: device.id, assetTag: device.asset_tag, kindLocked: true, ...extra }, [
      { path: 'kind', message: why },
    ]);
  if (device.status !== 'collected') {
    throw refuse(`the kind can only be corrected while the device is collected (it is ${device.status})`, { currentStatus: device.status });
  }
  if (DATA_BEARING_KINDS.includes(device.kind) === DATA_BEARING_KINDS.includes(kind)) return;
  if (DATA_BEARING_KINDS.includes(device.kind) && actor.role !== 'admin') {
    throw refuse(`only an administrator may make a ${device.kind} a kind that is never erased`, { reason: 'role' }, 403);
  }
  const erasure = await trx.selectFrom('erasure_records').select('id').where('device_id', '=', device.id).executeTakeFirst();
  if (erasure) throw refuse('it has an erasure record, so it cannot cross between data-bearing and other kinds', { reason: 'erasure' });
  const shipment = await trx
    .selectFrom('shipment_items')
    .innerJoin('shipments', 'shipments.id', 'shipment_items.shipment_id')
    .select(['shipments.id', 'shipments.reference'])
    .where('shipment_items.device_id', '=', device.id)
    .executeTakeFirst();
  if (shipment) {
    throw refuse(`it is in shipment ${shipment.reference}, so it cannot cross between data-bearing and other kinds`, { reason: 'shipment', shipmentId: shipment.id, shipmentReference: shipment.reference });
  }
}

export async function listDevices(db: Db, query: ListDevicesQuery) {
  const after = decodeCursor<number>(query.cursor, 'number');
  let select = db.kysely.selectFrom('devices').selectAll().orderBy('asset_number').limit(query.limit + 1);
  if (after !== undefined) select = select.where('asset_number', '>', after);
  return toPage(await filterDevices(select, query).execute(), query.limit, (r) => r.asset_number, toDevice);
}

/** The list's filters, shared by the JSON pages and the CSV export. */
export function filterDevices<O>(select: SelectQueryBuilder<Database, 'devices', O>, query: Omit<ListDevicesQuery, 'limit' | 'cursor'>) {
  if (query.status) select = select.where('status', 'in', query.status);
  if (query.kind) select = select.where('kind', 'in', query.kind);
  if (query.donorId) select = select.where('donor_id', '=', query.donorId);
  if (query.collectionId) select = select.where('collection_id', '=', query.collectionId);
  if (query.q) {
    const pattern = containsPattern(normaliseSerialOrText(query.q));
    const plain = containsPattern(query.q);
    select = select.where((eb) =>
      eb.or([lowerLike('asset_tag', plain), lowerLike('serial_number', pattern), lowerLike('brand', plain), lowerLike('model', plain)]),
    );
  }
  if (query.updatedSince) {
    // As a subquery, so that the planner reads the few recent changes from the updated_at index
    // instead of walking every device in asset tag order.
    const since = query.updatedSince;
    select = select.where('asset_number', 'in', (eb) => eb.selectFrom('devices as changed').select('changed.asset_number').where('changed.updated_at', '>=', since));
  }
  return select;
}

function normaliseSerialOrText(q: string): string {
  return normaliseSerial(q) || q;
}

/**
 * Label URL (`…/d/OP-000042`), asset tag in any case, or serial number, in that order. On SQLite
 * the device comes without a promise (an unknown code throws at once): the scan route runs it per label.
 */
export function resolveCode(db: Db, rawCode: string): DeviceRow | Promise<DeviceRow> {
  let code = rawCode.trim();
  const fromUrl = /\/d\/([^/?#\s]+)\/?(?:[?#].*)?$/.exec(code);
  if (fromUrl) code = safeDecode(fromUrl[1]);
  if (hasControlCharacters(code)) throw unknownCode(rawCode);
  const tag = code.toUpperCase();
  const serial = normaliseSerial(code);
  const byTag = cachedSqlite(db, 'select * from devices where asset_tag = ?');
  const bySerial = cachedSqlite(db, `select * from devices where serial_number = ? order by status = 'scrapped', asset_number desc limit 1`);
  if (byTag && bySerial) return found((byTag.get(tag) ?? bySerial.get(serial)) as DeviceRow | undefined, rawCode);
  return (async () =>
    found(
      (await db.kysely.selectFrom('devices').selectAll().where('asset_tag', '=', tag).executeTakeFirst()) ??
        (await db.kysely
          .selectFrom('devices')
          .selectAll()
          .where('serial_number', '=', serial)
          .orderBy(sql`status = 'scrapped'`)
          .orderBy('asset_number', 'desc')
          .executeTakeFirst()),
      rawCode,
    ))();
}

function found(row: DeviceRow | undefined, rawCode: string): DeviceRow {
  if (!row) throw unknownCode(rawCode);
  return row;
}

function unknownCode(rawCode: string) {
  return new ProblemError(404, `No device has the asset tag or serial number ${JSON.stringify(rawCode.slice(0, 100))}`);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function toEvent(row: DeviceEventRow & { asset_tag: string }): DeviceEvent {
  return {
    id: String(row.id),
    deviceId: row.device_id,
    assetTag: row.asset_tag,
    type: row.type as DeviceEvent['type'],
    fromStatus: row.from_status as DeviceEvent['fromStatus'],
    toStatus: row.to_status as DeviceEvent['toStatus'],
    at: row.at,
    occurredOn: row.occurred_on,
    actor: row.actor,
    details: row.data ? (JSON.parse(row.data) as Record<string, unknown>) : null,
  };
}

/** Device events with their device's asset tag, in id (commit) order: `limit + 1` rows for `toPage`. */
export function eventsWithTag(db: Db, limit: number) {
  return db.kysely
    .selectFrom('device_events')
    .innerJoin('devices', 'devices.id', 'device_events.device_id')
    .selectAll('device_events')
    .select('devices.asset_tag')
    .orderBy('device_events.id')
    .limit(limit + 1);
}

export async function listDeviceEvents(db: Db, deviceId: string, limit: number, cursor?: string) {
  await getDeviceRow(db.kysely, deviceId);
  const after = decodeCursor<number>(cursor, 'number');
  let select = eventsWithTag(db, limit).where('device_events.device_id', '=', deviceId);
  if (after !== undefined) select = select.where('device_events.id', '>', after);
  return toPage(await select.execute(), limit, (r) => Number(r.id), toEvent);
}

/** The id of the newest device event: changes whenever any device does (every change appends one). */
export async function lastEventId(db: Db): Promise<string> {
  const row = await db.kysely.selectFrom('device_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return String(row?.id ?? 0);
}

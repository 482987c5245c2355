import type { Db } from '../../db/connection.js';
import { newId } from '../../db/ids.js';
import type { CollectionRow } from '../../db/schema.js';
import { inTransaction, nowIso, type Executor } from '../../db/transaction.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import { ProblemError, badRequest, notFound } from '../../http/problem.js';
import { assertNotFuture } from '../../shared/business-date.js';
import { containsPattern, lowerLike } from '../../shared/search.js';
import type { Actor } from '../api-keys/service.js';
import type { Donor } from '../donors/schemas.js';
import type { Collection, CreateCollection, ListCollectionsQuery } from './schemas.js';

type DonorSummary = Pick<Donor, 'id' | 'name' | 'kind'>;
type Totals = { count: number; weight: number };

function toCollection(row: CollectionRow, donor: DonorSummary, totals: Totals = { count: 0, weight: 0 }): Collection {
  return {
    id: row.id,
    donorId: row.donor_id,
    donor: { id: donor.id, name: donor.name, kind: donor.kind },
    collectedOn: row.collected_on,
    addressLine: row.address_line,
    postcode: row.postcode,
    city: row.city,
    notes: row.notes,
    deviceCount: totals.count,
    totalWeightKg: Math.round(totals.weight * 1000) / 1000,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function totalsFor(db: Executor, ids: string[]): Promise<Map<string, Totals>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('devices')
    .select((eb) => ['collection_id', eb.fn.countAll<number>().as('count'), eb.fn.sum<number | null>('weight_kg').as('weight')])
    .where('collection_id', 'in', ids)
    .groupBy('collection_id')
    .execute();
  return new Map(rows.map((r) => [r.collection_id as string, { count: Number(r.count), weight: Number(r.weight ?? 0) }]));
}

async function donorsFor(db: Executor, ids: string[]): Promise<Map<string, DonorSummary>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('donors').select(['id', 'name', 'kind']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export async function createCollection(db: Db, input: CreateCollection, actor: Actor): Promise<Collection> {
  assertNotFuture(input.collectedOn, 'collectedOn', 'A collection');
  const donor = await db.kysely.selectFrom('donors').selectAll().where('id', '=', input.donorId).executeTakeFirst();
  if (!donor) {
    throw new ProblemError(422, `Donor ${input.donorId} does not exist`, {}, [{ path: 'donorId', message: 'no such donor' }]);
  }
  const givesAddress = input.addressLine != null || input.postcode != null || input.city != null;
  const now = nowIso();
  const row: CollectionRow = {
    id: newId(),
    donor_id: donor.id,
    collected_on: input.collectedOn,
    address_line: givesAddress ? (input.addressLine ?? null) : donor.address_line,
    postcode: givesAddress ? (input.postcode ?? null) : donor.postcode,
    city: givesAddress ? (input.city ?? null) : donor.city,
    notes: input.notes ?? null,
    created_by: actor.name,
    created_at: now,
    updated_at: now,
  };
  // In a transaction: an Idempotency-Key is recorded with the work only inside one (withCommitHook).
  return inTransaction(db, async (trx) => {
    await trx.insertInto('collections').values(row).execute();
    return toCollection(row, donor);
  });
}

export async function getCollectionRow(db: Executor, id: string): Promise<CollectionRow> {
  const row = await db.selectFrom('collections').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Collection ${id}`);
  return row;
}

export async function getCollection(db: Db, id: string): Promise<Collection> {
  const row = await getCollectionRow(db.kysely, id);
  const [donors, totals] = await Promise.all([donorsFor(db.kysely, [row.donor_id]), totalsFor(db.kysely, [row.id])]);
  return toCollection(row, donors.get(row.donor_id)!, totals.get(row.id));
}

export async function listCollections(db: Db, query: Omit<ListCollectionsQuery, 'order'> & Partial<Pick<ListCollectionsQuery, 'order'>>) {
  const after = decodeCursor<string>(query.cursor, 'string');
  const newest = query.order === 'newest';
  let select = db.kysely.selectFrom('collections').selectAll('collections').limit(query.limit + 1);
  select = newest ? select.orderBy('collected_on', 'desc').orderBy('id', 'desc') : select.orderBy('id');
  if (after && newest) {
    // The cursor of the newest-first order is the last row's collection date and id.
    const [on, id] = after.split(' ');
    if (!id) throw badRequest('The cursor is not one this API gave', [{ path: 'query.cursor', message: 'invalid cursor' }]);
    select = select.where((eb) => eb.or([eb('collected_on', '<', on), eb.and([eb('collected_on', '=', on), eb('id', '<', id)])]));
  } else if (after) {
    select = select.where('id', '>', after);
  }
  if (query.q) {
    const pattern = containsPattern(query.q);
    select = select.where('donor_id', 'in', (eb) => eb.selectFrom('donors').select('donors.id').where(lowerLike('donors.name', pattern)));
  }
  if (query.deviceStatus) {
    const status = query.deviceStatus;
    select = select.where((eb) => eb.exists(eb.selectFrom('devices').select('devices.id').whereRef('devices.collection_id', '=', 'collections.id').where('devices.status', '=', status)));
  }
  if (query.donorId) select = select.where('donor_id', '=', query.donorId);
  if (query.from) select = select.where('collected_on', '>=', query.from);
  if (query.to) select = select.where('collected_on', '<=', query.to);
  const rows = await select.execute();
  const [donors, totals] = await Promise.all([
    donorsFor(db.kysely, rows.map((r) => r.donor_id)),
    totalsFor(db.kysely, rows.map((r) => r.id)),
  ]);
  return toPage(rows, query.limit, (r) => (newest ? `${r.collected_on} ${r.id}` : r.id), (r) => toCollection(r, donors.get(r.donor_id)!, totals.get(r.id)));
}

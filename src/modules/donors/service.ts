import { createHash } from 'node:crypto';
import type { Db } from '../../db/connection.js';
import { newId } from '../../db/ids.js';
import type { DonorRow, DonorTable } from '../../db/schema.js';
import { inTransaction, nowIso } from '../../db/transaction.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import { etagListMatches } from '../../http/negotiate.js';
import { notFound, ProblemError } from '../../http/problem.js';
import { containsPattern, lowerLike } from '../../shared/search.js';
import type { CreateDonor, Donor, ListDonorsQuery, UpdateDonor } from './schemas.js';

export function toDonor(row: DonorRow): Donor {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    siret: row.siret,
    addressLine: row.address_line,
    postcode: row.postcode,
    city: row.city,
    contactName: row.contact_name,
    contactEmail: row.contact_email,
    contactPhone: row.contact_phone,
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toColumns(input: Partial<CreateDonor>): Partial<DonorTable> {
  const columns: Partial<DonorTable> = {
    name: input.name,
    kind: input.kind,
    siret: input.siret,
    address_line: input.addressLine,
    postcode: input.postcode,
    city: input.city,
    contact_name: input.contactName,
    contact_email: input.contactEmail,
    contact_phone: input.contactPhone,
    notes: input.notes,
  };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
}

export async function createDonor(db: Db, input: CreateDonor): Promise<Donor> {
  const now = nowIso();
  const row = {
    id: newId(),
    siret: null,
    address_line: null,
    postcode: null,
    city: null,
    contact_name: null,
    contact_email: null,
    contact_phone: null,
    notes: null,
    ...toColumns(input),
    created_at: now,
    updated_at: now,
  } as DonorRow;
  // A transaction for one insert: an Idempotency-Key is recorded with the work only inside one (withCommitHook).
  return inTransaction(db, async (trx) => {
    await trx.insertInto('donors').values(row).execute();
    return toDonor(row);
  });
}

export async function getDonorRow(db: Db, id: string): Promise<DonorRow> {
  const row = await db.kysely.selectFrom('donors').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Donor ${id}`);
  return row;
}

export async function getDonor(db: Db, id: string): Promise<Donor> {
  return toDonor(await getDonorRow(db, id));
}

/** A donor's version for `If-Match`: its content, so any change since it was read shows. */
export function donorEtag(row: DonorRow): string {
  return `"${createHash('sha256').update(JSON.stringify(toDonor(row))).digest('base64url').slice(0, 22)}"`;
}

/** Changes a donor; with `ifMatch` (an ETag read before), a donor changed meanwhile is a 412 and nothing is written. */
export async function updateDonor(db: Db, id: string, patch: UpdateDonor, ifMatch?: string): Promise<DonorRow> {
  return inTransaction(db, async (trx) => {
    const before = await trx.selectFrom('donors').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound(`Donor ${id}`);
    if (ifMatch !== undefined && !etagListMatches(ifMatch, donorEtag(before))) {
      throw new ProblemError(412, `The donor changed since you read it (now ${donorEtag(before)}); read it again`, { etag: donorEtag(before) });
    }
    const row = await trx
      .updateTable('donors')
      .set({ ...toColumns(patch), updated_at: nowIso() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return row;
  });
}

export async function listDonors(db: Db, query: ListDonorsQuery) {
  const after = decodeCursor<string>(query.cursor, 'string');
  let select = db.kysely.selectFrom('donors').selectAll().orderBy('id').limit(query.limit + 1);
  if (after) select = select.where('id', '>', after);
  if (query.kind) select = select.where('kind', '=', query.kind);
  if (query.q) {
    const pattern = containsPattern(query.q);
    select = select.where((eb) => eb.or([lowerLike('name', pattern), lowerLike('city', pattern), lowerLike('siret', pattern)]));
  }
  return toPage(await select.execute(), query.limit, (r) => r.id, toDonor);
}

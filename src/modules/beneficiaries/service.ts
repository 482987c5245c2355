import type { Db } from '../../db/connection.js';
import { takeNumberFrom } from '../../db/counters.js';
import { newId } from '../../db/ids.js';
import type { BeneficiaryRow, BeneficiaryTable } from '../../db/schema.js';
import { inTransaction, nowIso, type Executor } from '../../db/transaction.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import { conflict, notFound } from '../../http/problem.js';
import { assertNotFuture } from '../../shared/business-date.js';
import { containsPattern, lowerLike } from '../../shared/search.js';
import type { Beneficiary, CreateBeneficiary, ListBeneficiariesQuery, UpdateBeneficiary } from './schemas.js';

export function toBeneficiary(row: BeneficiaryRow): Beneficiary {
  return {
    id: row.id,
    reference: row.reference,
    firstName: row.first_name,
    lastName: row.last_name,
    addressLine: row.address_line,
    postcode: row.postcode,
    city: row.city,
    phone: row.phone,
    email: row.email,
    neighbourhood: row.neighbourhood,
    prescriber: row.prescriber,
    trainingCompletedOn: row.training_completed_on,
    consentRecordedOn: row.consent_recorded_on,
    notes: row.notes,
    anonymisedAt: row.anonymised_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toColumns(input: UpdateBeneficiary): Partial<BeneficiaryTable> {
  const columns: Partial<BeneficiaryTable> = {
    first_name: input.firstName,
    last_name: input.lastName,
    address_line: input.addressLine,
    postcode: input.postcode,
    city: input.city,
    phone: input.phone,
    email: input.email,
    neighbourhood: input.neighbourhood,
    prescriber: input.prescriber,
    training_completed_on: input.trainingCompletedOn,
    consent_recorded_on: input.consentRecordedOn,
    notes: input.notes,
    // A date typed here is the person's own record; the training module keeps it unless attendance gives one.
    training_completed_source: input.trainingCompletedOn === undefined ? undefined : input.trainingCompletedOn ? 'manual' : null,
  };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
}

/** `B-2026-0042`: the year of registration and a per-year number from the database. */
export function formatReference(year: number, n: number): string {
  return `B-${year}-${String(n).padStart(4, '0')}`;
}

/** Dates typed on the person record what happened: neither may be after today (Paris), 422 naming the field. */
function assertDatesPast(input: UpdateBeneficiary): void {
  if (input.trainingCompletedOn) assertNotFuture(input.trainingCompletedOn, 'trainingCompletedOn', 'A training completion');
  if (input.consentRecordedOn) assertNotFuture(input.consentRecordedOn, 'consentRecordedOn', 'A consent');
}

export async function createBeneficiary(db: Db, input: CreateBeneficiary): Promise<Beneficiary> {
  assertDatesPast(input);
  return inTransaction(db, async (trx) => {
    const now = nowIso();
    const year = Number(now.slice(0, 4));
    const reference = formatReference(year, await takeNumberFrom(trx, `beneficiary:${year}`));
    const row = {
      id: newId(),
      reference,
      first_name: null,
      last_name: null,
      address_line: null,
      postcode: null,
      city: null,
      phone: null,
      email: null,
      neighbourhood: null,
      prescriber: null,
      training_completed_on: null,
      training_completed_source: null,
      consent_recorded_on: null,
      notes: null,
      ...toColumns(input),
      created_at: now,
      updated_at: now,
      anonymised_at: null,
    } satisfies BeneficiaryRow;
    await trx.insertInto('beneficiaries').values(row).execute();
    return toBeneficiary(row);
  });
}

export async function getBeneficiaryRow(db: Executor, id: string): Promise<BeneficiaryRow> {
  const row = await db.selectFrom('beneficiaries').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Beneficiary ${id}`);
  return row;
}

export async function getBeneficiary(db: Db, id: string): Promise<Beneficiary> {
  return toBeneficiary(await getBeneficiaryRow(db.kysely, id));
}

export async function updateBeneficiary(db: Db, id: string, patch: UpdateBeneficiary): Promise<Beneficiary> {
  assertDatesPast(patch);
  return inTransaction(db, async (trx) => {
    const before = await getBeneficiaryRow(trx, id);
    // Anonymisation is irreversible: no personal data may be written back.
    if (before.anonymised_at) throw conflict(`Beneficiary ${before.reference} was anonymised on ${before.anonymised_at.slice(0, 10)}; it cannot be changed`);
    const row = await trx
      .updateTable('beneficiaries')
      .set({ ...toColumns(patch), updated_at: nowIso() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toBeneficiary(row);
  });
}

export async function listBeneficiaries(db: Db, query: ListBeneficiariesQuery) {
  const after = decodeCursor<string>(query.cursor, 'string');
  let select = db.kysely.selectFrom('beneficiaries').selectAll().orderBy('id').limit(query.limit + 1);
  if (after) select = select.where('id', '>', after);
  if (query.q) {
    const pattern = containsPattern(query.q);
    select = select.where((eb) => eb.or([lowerLike('first_name', pattern), lowerLike('last_name', pattern), lowerLike('reference', pattern)]));
  }
  return toPage(await select.execute(), query.limit, (r) => r.id, toBeneficiary);
}

/**
 * The training module's word on a person's training (issue 14): `date` is the earliest cycle
 * they completed (attendance or an admin's override), or null when none is. A date worked out
 * from training replaces whatever was there; when training no longer gives one (an attendance
 * undone), the date is cleared only if training had set it: a date typed by hand stays.
 */
export async function recordTrainingCompletion(trx: Executor, beneficiaryId: string, date: string | null): Promise<void> {
  const row = await trx
    .selectFrom('beneficiaries')
    .select(['training_completed_on', 'training_completed_source'])
    .where('id', '=', beneficiaryId)
    .executeTakeFirstOrThrow();
  let next: { training_completed_on: string | null; training_completed_source: string | null } | undefined;
  if (date) next = { training_completed_on: date, training_completed_source: 'training' };
  else if (row.training_completed_source === 'training') next = { training_completed_on: null, training_completed_source: null };
  if (!next || (next.training_completed_on === row.training_completed_on && next.training_completed_source === row.training_completed_source)) return;
  await trx.updateTable('beneficiaries').set({ ...next, updated_at: nowIso() }).where('id', '=', beneficiaryId).execute();
}

/** Full names by id, for lists shown to the roles that see personal data (an anonymised person shows their reference). */
export async function namesOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.kysely.selectFrom('beneficiaries').select(['id', 'reference', 'first_name', 'last_name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, [r.first_name, r.last_name].filter(Boolean).join(' ') || r.reference]));
}

/** The person with this exact reference (any case), through the unique index: a scanned or typed dossier number. */
export async function findBeneficiaryByReference(db: Db, reference: string): Promise<Beneficiary | undefined> {
  const row = await db.kysely.selectFrom('beneficiaries').selectAll().where('reference', '=', reference.trim().toUpperCase()).executeTakeFirst();
  return row ? toBeneficiary(row) : undefined;
}

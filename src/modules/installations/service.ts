import { dayInParis, nowMs } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/connection.js';
import { takeNumberFrom } from '../../db/counters.js';
import { newId } from '../../db/ids.js';
import { forUpdate } from '../../db/locks.js';
import { inTransaction, nowIso, type Executor, type Trx } from '../../db/transaction.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import { ProblemError, badRequest, conflict, forbidden, notFound } from '../../http/problem.js';
import { assertNotFuture, today } from '../../shared/business-date.js';
import type { Actor } from '../api-keys/service.js';
import { getBeneficiaryRow } from '../beneficiaries/service.js';
import { lastReadyOf } from '../devices/dates.js';
import { transition } from '../devices/lifecycle.js';
import { resolveCode } from '../devices/service.js';
import { discardBlobs, readBlob, stageBlob } from './blobs.js';
import { renderContract } from './contract.js';
import { contractFacts, currentTemplate, factsFrom, kitFrom, PERSON_COLUMNS, personOf } from './documents.js';
import type { CompleteInput, Installation, ListInstallationsQuery, ScheduleInput } from './schemas.js';
import { decodeSignatures } from './signature-pool.js';
import {
  activeInstallationOf,
  getLightInstallation,
  installationDevices,
  loadInstallation,
  lockRow,
  selectInstallations,
  sha256,
  toInstallation,
  installationSettlements,
  type LightInstallation,
} from './store.js';

/** `2026-000042`: the year of installation and a per-year number from the database, never reused. */
export function formatContractNumber(year: number, n: number): string {
  return `${year}-${String(n).padStart(6, '0')}`;
}

/** Events name the beneficiary by reference only. */
function eventDetails(installation: Pick<LightInstallation, 'id' | 'beneficiary_reference'>, extra: Record<string, unknown> = {}) {
  return { installationId: installation.id, beneficiaryReference: installation.beneficiary_reference, ...extra };
}

export async function scheduleInstallation(db: Db, input: ScheduleInput, actor: Actor) {
  if (input.override && actor.role !== 'admin') throw forbidden('Only an admin may override the scheduling rules');
  const mainId = input.deviceId ?? (await resolveCode(db, input.code!)).id;
  const extraIds: string[] = [];
  for (const code of input.extraDevices) extraIds.push((await resolveCode(db, code)).id);
  const all = [mainId, ...extraIds];
  const repeated = all.findIndex((deviceId, i) => all.indexOf(deviceId) !== i);
  if (repeated >= 0) {
    throw badRequest('The same device appears twice in the kit', [{ path: repeated === 0 ? 'code' : `extraDevices.${repeated - 1}`, message: 'already in the kit' }]);
  }

  return inTransaction(db, async (trx) => {
    await lockRow(trx, 'beneficiaries', input.beneficiaryId);
    const beneficiary = await getBeneficiaryRow(trx, input.beneficiaryId);
    if (beneficiary.anonymised_at) throw conflict(`Beneficiary ${beneficiary.reference} is anonymised`);
    const reasons: { rule: string; detail: string }[] = [];
    if (!beneficiary.training_completed_on) reasons.push({ rule: 'training_not_completed', detail: 'has not completed the training' });
    const active = await activeInstallationOf(trx, beneficiary.id);
    if (active) reasons.push({ rule: 'active_installation', detail: `already holds installation ${active.id} (${active.status})` });
    if (reasons.length && !input.override) {
      throw conflict(`Beneficiary ${beneficiary.reference} ${reasons.map((r) => r.detail).join(' and ')}; an admin may override with a reason`, {
        beneficiaryReference: beneficiary.reference,
        rules: reasons.map((r) => r.rule),
        ...(active ? { activeInstallationId: active.id } : {}),
      });
    }

    const id = newId();
    const now = nowIso();
    // An installation recorded after the fact (scheduled on a past day) was reserved by that day
    // at the latest: dated on it, its reservation never follows its installation in the history.
    const reservedOn = input.scheduledOn < today() ? input.scheduledOn : undefined;
    await transition(trx, all, 'schedule', actor, eventDetails({ id, beneficiary_reference: beneficiary.reference }), {}, reservedOn);
    // After the move, which answers 409 for a device that is not ready; a refusal rolls it back.
    await assertKitReadyBy(trx, all, input.scheduledOn, 'scheduledOn', 'scheduled');
    await trx
      .insertInto('installations')
      .values({
        id,
        beneficiary_id: beneficiary.id,
        status: 'scheduled',
        scheduled_on: input.scheduledOn,
        accessories: JSON.stringify(input.accessories),
        override_reason: input.override && reasons.length ? input.override.reason : null,
        override_by: input.override && reasons.length ? actor.name : null,
        created_by: actor.name,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await trx
      .insertInto('installation_devices')
      .values(all.map((deviceId, i) => ({ installation_id: id, device_id: deviceId, role: i === 0 ? ('main' as const) : ('extra' as const) })))
      .execute();
    return loadInstallation(trx, id);
  });
}

async function lockScheduled(trx: Trx, id: string, action: string): Promise<LightInstallation> {
  await lockRow(trx, 'installations', id);
  const installation = await getLightInstallation(trx, id);
  if (installation.status !== 'scheduled') {
    throw conflict(`Cannot ${action} installation ${id}: it is ${installation.status}`, { currentStatus: installation.status });
  }
  return installation;
}

async function deviceIdsOf(trx: Trx, installationId: string): Promise<string[]> {
  const rows = await trx.selectFrom('installation_devices').select('device_id').where('installation_id', '=', installationId).execute();
  return rows.map((r) => r.device_id);
}

export async function cancelInstallation(db: Db, id: string, reason: string | null | undefined, actor: Actor) {
  return inTransaction(db, async (trx) => {
    const installation = await lockScheduled(trx, id, 'cancel');
    await transition(trx, await deviceIdsOf(trx, id), 'cancel', actor, eventDetails(installation));
    const now = nowIso();
    await trx.updateTable('installations').set({ status: 'cancelled', cancelled_at: now, cancel_reason: reason ?? null, updated_at: now }).where('id', '=', id).execute();
    return loadInstallation(trx, id);
  });
}

/**
 * Installs the kit and freezes the contract: the number is taken from the database, the PDF is
 * rendered once with the signature and stored with its SHA-256, the template's version and
 * wording, and the non-personal facts it states. Later downloads return these bytes.
 *
 * Rendering (and hashing the PDF) takes tens of milliseconds with a large signature, so it
 * never runs inside a write transaction, which would hold SQLite's write lock and every
 * other writer of the service for that long:
 * 1. a short transaction checks the installation is scheduled and reserves its number (kept
 *    on the row: a retry or a concurrent completion renders with the same number, none is
 *    burnt or reused);
 * 2. the contract is rendered and hashed on committed data, outside any transaction, and the
 *    signatures and the PDF written as blobs, 64 KiB per write (`stageBlob`);
 * 3. a short transaction re-checks that nothing the contract states changed (installation,
 *    person, number, kit), moves the devices and stores the number, the blobs' ids and the
 *    hash. It is a handful of statements (one read that locks and brings everything, the
 *    row's update, the devices' move), each a round trip on PostgreSQL; keep it that way.
 */
export async function completeInstallation(db: Db, id: string, input: CompleteInput, actor: Actor, config: Config) {
  // Before any number is reserved: a contract dated ahead would say "Fait à …, le …" a day that has not come.
  assertNotFuture(input.installedOn, 'installedOn', 'An installation');
  const template = currentTemplate(config);
  const year = Number(input.installedOn.slice(0, 4));
  assertSignedOnTheDay(input);
  await assertInstallable(db, id, input.installedOn);
  // Decoded in a worker before the first transaction: a refused image costs no number.
  const pngs = await decodeSignatures({ signature: input.signature, staffSignature: input.staffSignature });
  for (let attempt = 1; ; attempt++) {
    const number = await reserveContractNumber(db, id, year);
    const installation = await getLightInstallation(db.kysely, id);
    assertNotBeforeScheduled(installation, input);
    const person = personOf(await getBeneficiaryRow(db.kysely, installation.beneficiary_id));
    const final = { number, installedOn: input.installedOn, staffName: input.installedBy };
    const facts = await contractFacts(db.kysely, installation, config, final);
    const snapshot = JSON.stringify(facts);
    const signature = input.signature ? { png: pngs.signature!, signedBy: input.signature.signedBy, signedAt: input.signature.signedAt } : null;
    const staffSignature = input.staffSignature ? { png: pngs.staffSignature!, signedBy: input.staffSignature.signedBy, signedAt: input.staffSignature.signedAt } : null;
    const pdf = await renderContract(template, facts, { mode: 'final', person, signature, staffSignature });
    const hash = sha256(pdf);
    const staged = {
      signature: signature ? await stageBlob(db, id, signature.png) : null,
      staffSignature: staffSignature ? await stageBlob(db, id, staffSignature.png) : null,
      pdf: await stageBlob(db, id, pdf),
    };
    const done = await inTransaction(db, async (trx) => {
      // One read locks the installation and brings what the contract states of it and its person.
      const current = await lockForCompletion(trx, id);
      if (current.status !== 'scheduled') throw conflict(`Cannot complete installation ${id}: it is ${current.status}`, { currentStatus: current.status });
      if (current.contract_number_reserved !== number || JSON.stringify(personOf(current)) !== JSON.stringify(person)) throw new ChangedMeanwhile();
      const now = nowIso();
      // The installation's own row first: the devices' move then takes the event-order lock
      // (PostgreSQL: one for every writer of events) as late as it can, just before the commit.
      await trx
        .updateTable('installations')
        .set({
          status: 'completed',
          installed_on: input.installedOn,
          installed_by: input.installedBy,
          signed_by: signature?.signedBy ?? null,
          signed_at: signature?.signedAt ?? null,
          signature_blob: staged.signature,
          staff_signed_by: staffSignature?.signedBy ?? null,
          staff_signed_at: staffSignature?.signedAt ?? null,
          staff_signature_blob: staged.staffSignature,
          contract_number: number,
          contract_number_reserved: null,
          contract_pdf_blob: staged.pdf,
          contract_sha256: hash,
          contract_template_version: template.version,
          contract_template: template.source,
          contract_snapshot: snapshot,
          contract_frozen_at: now,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
      const details = eventDetails(current, { contractNumber: number, ...(input.earlyReason && input.installedOn < current.scheduled_on ? { earlyReason: input.earlyReason } : {}) });
      const moved = await transition(trx, current.devices.map((d) => d.id), 'complete', actor, details, {}, input.installedOn);
      // The kit as the devices stand now (the rows the move read under lock): a change while
      // the contract was rendered rolls all of this back and renders again.
      const roles = new Map(current.devices.map((d) => [d.id, d.role]));
      const stated = factsFrom(current, kitFrom(moved.map((row) => ({ ...row, role: roles.get(row.id)! }))), config, final);
      if (JSON.stringify(stated) !== snapshot) throw new ChangedMeanwhile();
      return true;
    }).catch(async (error: unknown) => {
      await discardBlobs(db, Object.values(staged));
      if (!(error instanceof ChangedMeanwhile)) throw error;
      if (attempt >= 3) throw conflict(`Installation ${id} kept changing while its contract was prepared; try again`);
      return false;
    });
    // Read back after the commit, on the reader: nothing the answer needs holds the writer.
    if (done) return loadInstallation(db.kysely, id);
  }
}

/** Something the contract states changed while it was rendered: render it again from the new state. */
class ChangedMeanwhile extends Error {}

/**
 * The installation, locked until commit (step 1 of the lock order), with its person's
 * reference and printed details and its devices with their role: one round trip.
 */
async function lockForCompletion(trx: Trx, id: string) {
  const rows = await forUpdate(
    trx,
    trx
      .selectFrom('installations')
      .innerJoin('beneficiaries', 'beneficiaries.id', 'installations.beneficiary_id')
      .innerJoin('installation_devices', 'installation_devices.installation_id', 'installations.id')
      .select(['installations.id', 'installations.status', 'installations.scheduled_on', 'installations.accessories', 'installations.contract_number_reserved'])
      .select(PERSON_COLUMNS.map((c) => `beneficiaries.${c}` as const))
      .select(['beneficiaries.reference as beneficiary_reference', 'installation_devices.device_id', 'installation_devices.role'])
      .where('installations.id', '=', id),
    'installations',
  ).execute();
  if (rows.length === 0) throw notFound(`Installation ${id}`);
  return { ...rows[0], devices: rows.map((r) => ({ id: r.device_id, role: r.role })) };
}

/**
 * The contract is signed at the installation: each signature's time, as a day in Paris, must
 * be the installation day (a contract stating a signature years before the loan, or after
 * now, would not hold). 422 names each signature's `signedAt`.
 */
function assertSignedOnTheDay(input: CompleteInput): void {
  const errors = (['signature', 'staffSignature'] as const).flatMap((field) => {
    const signedAt = input[field]?.signedAt;
    if (!signedAt) return [];
    const day = dayInParis(new Date(signedAt));
    if (day !== input.installedOn) return [{ path: `${field}.signedAt`, message: `signed on ${day} (as a day in Paris), not on the installation day (${input.installedOn})` }];
    if (Date.parse(signedAt) > nowMs() + 5 * 60 * 1000) return [{ path: `${field}.signedAt`, message: 'must not be in the future' }];
    return [];
  });
  if (errors.length) throw new ProblemError(422, `The contract is signed at the installation, on ${input.installedOn}`, {}, errors);
}

/**
 * A kit is handed over only once every device of it is ready: the scheduled day (which may be in
 * the future, or in the past back to that day) and the installation day may not come before the
 * day the last device of the kit became ready (422 naming the field). No override applies: the
 * devices were not ready.
 */
async function assertKitReadyBy(db: Executor, deviceIds: string[], on: string, path: string, what: string): Promise<void> {
  const last = await lastReadyOf(db, deviceIds);
  if (!last || on >= last.readyOn) return;
  const device = await db.selectFrom('devices').select('asset_tag').where('id', '=', last.deviceId).executeTakeFirstOrThrow();
  throw new ProblemError(422, `The installation cannot be ${what} on ${on}: ${device.asset_tag} of the kit was ready only on ${last.readyOn}`, {}, [
    { path, message: `before the kit was ready: ${device.asset_tag} on ${last.readyOn}` },
  ]);
}

/**
 * The installation day may not come before the kit was ready, nor before the person completed
 * the training (the date the installation check reads), unless an admin scheduled it by
 * override (its reason is recorded on the installation). Checked before a number is reserved.
 */
async function assertInstallable(db: Db, id: string, installedOn: string): Promise<void> {
  const installation = await getLightInstallation(db.kysely, id);
  if (installation.status !== 'scheduled') return; // the reservation answers 409
  const deviceIds = (await db.kysely.selectFrom('installation_devices').select('device_id').where('installation_id', '=', id).execute()).map((r) => r.device_id);
  await assertKitReadyBy(db.kysely, deviceIds, installedOn, 'installedOn', 'carried out');
  const trained = (await getBeneficiaryRow(db.kysely, installation.beneficiary_id)).training_completed_on;
  if (trained && installedOn < trained && !installation.override_reason) {
    throw new ProblemError(422, `The installation cannot be carried out on ${installedOn}: ${installation.beneficiary_reference} completed the training on ${trained}`, {}, [
      { path: 'installedOn', message: `before the training was completed on ${trained}` },
    ]);
  }
}

/** A completion dated before the scheduled day needs the reason it really happened earlier. */
function assertNotBeforeScheduled(installation: { scheduled_on: string }, input: CompleteInput): void {
  if (input.installedOn >= installation.scheduled_on || input.earlyReason) return;
  throw new ProblemError(422, `The installation was scheduled on ${installation.scheduled_on}: an earlier installedOn needs earlyReason`, {}, [
    { path: 'installedOn', message: `before the scheduled day (${installation.scheduled_on}); give earlyReason if it really happened earlier` },
  ]);
}

/**
 * The installation's contract number, taken in a short transaction of its own: the one
 * already reserved for it if it is of the same year, else the next of the year's counter.
 */
async function reserveContractNumber(db: Db, id: string, year: number): Promise<string> {
  return inTransaction(db, async (trx) => {
    const row = await forUpdate(trx, trx.selectFrom('installations').select(['status', 'contract_number_reserved']).where('id', '=', id)).executeTakeFirst();
    if (!row) throw notFound(`Installation ${id}`);
    if (row.status !== 'scheduled') throw conflict(`Cannot complete installation ${id}: it is ${row.status}`, { currentStatus: row.status });
    if (row.contract_number_reserved?.startsWith(`${year}-`)) return row.contract_number_reserved;
    const number = formatContractNumber(year, await takeNumberFrom(trx, `contract:${year}`));
    // Not `updated_at`: reserving changes nothing the contract states.
    await trx.updateTable('installations').set({ contract_number_reserved: number }).where('id', '=', id).execute();
    return number;
  });
}

/** The frozen bytes once completed; before that, a draft rendered from the current template. */
export async function contractPdf(db: Db, id: string, config: Config): Promise<{ bytes: Buffer; filename: string; sha256?: string }> {
  const installation = await getLightInstallation(db.kysely, id);
  if (installation.status === 'cancelled') throw conflict(`Installation ${id} was cancelled: it has no contract`, { currentStatus: 'cancelled' });
  if (installation.contract_number) {
    const row = await db.kysely.selectFrom('installations').select(['contract_pdf_blob', 'contract_sha256']).where('id', '=', id).executeTakeFirstOrThrow();
    return { bytes: await readBlob(db.kysely, row.contract_pdf_blob!), filename: `contrat-${installation.contract_number}.pdf`, sha256: row.contract_sha256 ?? undefined };
  }
  const beneficiary = await getBeneficiaryRow(db.kysely, installation.beneficiary_id);
  const bytes = await renderContract(currentTemplate(config), await contractFacts(db.kysely, installation, config), { mode: 'draft', person: personOf(beneficiary) });
  return { bytes, filename: `contrat-projet-${installation.beneficiary_reference}.pdf` };
}

export async function getInstallation(db: Db, id: string) {
  return loadInstallation(db.kysely, id);
}

export async function listInstallations(db: Db, query: ListInstallationsQuery) {
  const after = decodeCursor<string>(query.cursor, 'string');
  let select = selectInstallations(db.kysely).orderBy('installations.id').limit(query.limit + 1);
  if (after) select = select.where('installations.id', '>', after);
  if (query.status) select = select.where('installations.status', '=', query.status);
  if (query.beneficiaryId) select = select.where('installations.beneficiary_id', '=', query.beneficiaryId);
  const rows = await select.execute();
  const ids = rows.slice(0, query.limit).map((r) => r.id);
  const [devices, settlements] = await Promise.all([installationDevices(db.kysely, ids), installationSettlements(db.kysely, ids)]);
  return toPage(rows, query.limit, (r) => r.id, (r) => toInstallation(r, devices, settlements));
}

/** The newest installations in a status, newest first (ids follow creation): what a staff list shows. */
export async function recentInstallations(db: Db, status: Installation['status'], limit: number): Promise<Installation[]> {
  const rows = await selectInstallations(db.kysely).where('installations.status', '=', status).orderBy('installations.id', 'desc').limit(limit).execute();
  const ids = rows.map((r) => r.id);
  const [devices, settlements] = await Promise.all([installationDevices(db.kysely, ids), installationSettlements(db.kysely, ids)]);
  return rows.map((r) => toInstallation(r, devices, settlements));
}

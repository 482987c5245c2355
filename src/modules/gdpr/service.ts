import { sql } from 'kysely';
import { forgetAnswersAbout } from '../../http/idempotency.js';
import type { Db } from '../../db/connection.js';
import { reclaimFreedSpace } from '../../db/reclaim.js';
import type { BeneficiaryRow } from '../../db/schema.js';
import { inTransaction, nowIso, type Executor, type Trx } from '../../db/transaction.js';
import { conflict } from '../../http/problem.js';
import type { Actor } from '../api-keys/service.js';
import { deleteBlobsOf, discardBlobs, readBlob, stageBlob } from '../installations/blobs.js';
import { renderContract, type ContractFacts } from '../installations/contract.js';
import { activeInstallationOf, installationDevices, installationSettlements, lockRow, outstandingOf, selectInstallations, sha256, toInstallation } from '../installations/store.js';
import { parseContractTemplate } from '../installations/template.js';
import { getBeneficiaryRow, toBeneficiary } from '../beneficiaries/service.js';
import { redactTrainingRecord, trainingRecordOf } from '../training/gdpr.js';

/**
 * GDPR: a person's rights over what the programme holds about them. A module of its own
 * because it reads and redacts both beneficiaries and their installations, which each know
 * nothing of it.
 */

/** Right of access: the person's record, their installations and what was done to the record. */
export async function exportBeneficiary(db: Db, id: string) {
  const row = await getBeneficiaryRow(db.kysely, id);
  const installations = await selectInstallations(db.kysely).where('installations.beneficiary_id', '=', id).orderBy('installations.id').execute();
  const devices = await installationDevices(db.kysely, installations.map((i) => i.id));
  const settlements = await installationSettlements(db.kysely, installations.map((i) => i.id));
  const audit = await db.kysely.selectFrom('audit_log').selectAll().where('subject', '=', row.reference).orderBy('id').execute();
  return {
    exportedAt: nowIso(),
    beneficiary: toBeneficiary(row),
    installations: installations.map((i) => toInstallation(i, devices, settlements)),
    training: await trainingRecordOf(db.kysely, id),
    auditLog: audit.map((a) => ({ at: a.at, actor: a.actor, action: a.action, details: a.data ? (JSON.parse(a.data) as Record<string, unknown>) : null })),
  };
}

/** `73000` → `73`; overseas départements keep three digits (`97411` → `974`). */
export function departementOf(postcode: string | null): string | null {
  if (!postcode) return null;
  return postcode.startsWith('97') || postcode.startsWith('98') ? postcode.slice(0, 3) : postcode.slice(0, 2);
}

/**
 * Irreversible: the personal columns are overwritten in place (nothing kept aside), signature
 * images deleted, and each frozen contract replaced by a rendering of the same signed wording
 * and facts without the person. The audit entry names the reference only.
 *
 * The redacted contracts are rendered and written (as blobs) before the transaction, which
 * then re-checks that the person and their frozen contracts are as they were rendered from
 * (else it renders again, three times at most) and only points the installations at them.
 */
export async function anonymiseBeneficiary(db: Db, id: string, actor: Pick<Actor, 'name'>, trigger: 'request' | 'retention') {
  for (let attempt = 1; ; attempt++) {
    await assertAnonymisable(db.kysely, await getBeneficiaryRow(db.kysely, id));
    const now = nowIso();
    const frozen = await frozenContracts(db.kysely, id);
    const redacted: { id: string; blob: string; sha256: string; original: string | null }[] = [];
    const result = await (async () => {
      for (const contract of frozen) {
        const pdf = await renderRedacted(db, contract, now);
        redacted.push({ id: contract.id, blob: await stageBlob(db, contract.id, pdf), sha256: sha256(pdf), original: contract.contract_original_sha256 ?? contract.contract_sha256 });
      }
      return inTransaction(db, async (trx) => {
        await lockRow(trx, 'beneficiaries', id);
        const before = await getBeneficiaryRow(trx, id);
        await assertAnonymisable(trx, before);
        if (fingerprintOf(await frozenContracts(trx, id)) !== fingerprintOf(frozen)) return undefined;
        return eraseInTransaction(trx, before, redacted, now, actor, trigger);
      });
    })().catch(async (error: unknown) => {
      await discardBlobs(db, redacted.map((r) => r.blob));
      throw error;
    });
    if (result) {
      // A retention run reclaims once at the end, not once per person.
      if (trigger === 'request') await reclaimFreedSpace(db, PERSONAL_TABLES);
      return result;
    }
    await discardBlobs(db, redacted.map((r) => r.blob));
    if (attempt >= 3) throw conflict(`Beneficiary ${id}'s contracts kept changing while they were redacted; try again`);
  }
}

async function assertAnonymisable(db: Executor, person: BeneficiaryRow): Promise<void> {
  if (person.anonymised_at) throw conflict(`Beneficiary ${person.reference} is already anonymised`, { anonymisedAt: person.anonymised_at });
  const open = await activeInstallationOf(db, person.id);
  if (!open) return;
  const { devicesOut, accessoriesOut } = outstandingOf(open, await installationDevices(db, [open.id]), await installationSettlements(db, [open.id]));
  // Say what holds the loan open: after a return, often only an accessory that did not come back.
  const todo =
    open.status === 'scheduled'
      ? 'scheduled: cancel it'
      : devicesOut.length
        ? `in force: record the return of ${devicesOut.join(', ')}`
        : `in force: its devices are back but not ${accessoriesOut.join(', ')}; record ${accessoriesOut.length > 1 ? 'them' : 'it'} returned or written off (POST /api/v1/installations/${open.id}/accessories)`;
  throw conflict(`Beneficiary ${person.reference} has installation ${open.id} ${todo} before anonymising`, {
    installationId: open.id,
    currentStatus: open.status,
    devicesOutstanding: devicesOut,
    accessoriesOutstanding: accessoriesOut,
  });
}

type FrozenContract = Awaited<ReturnType<typeof frozenContracts>>[number];

function frozenContracts(db: Executor, beneficiaryId: string) {
  return db
    .selectFrom('installations')
    .select(['id', 'contract_sha256', 'contract_original_sha256', 'contract_template', 'contract_snapshot', 'staff_signature_blob', 'staff_signed_by', 'staff_signed_at'])
    .where('beneficiary_id', '=', beneficiaryId)
    .where('contract_snapshot', 'is not', null)
    .where('contract_redacted_at', 'is', null)
    .orderBy('id')
    .execute();
}

/** What the redacted copies were rendered from: a change to any frozen contract changes its hash. */
function fingerprintOf(contracts: FrozenContract[]): string {
  return contracts.map((c) => `${c.id}:${c.contract_sha256}`).join(',');
}

async function renderRedacted(db: Db, contract: FrozenContract, now: string): Promise<Buffer> {
  const template = parseContractTemplate(contract.contract_template!, `template frozen with installation ${contract.id}`);
  const facts = JSON.parse(contract.contract_snapshot!) as ContractFacts;
  return renderContract(template, facts, {
    mode: 'redacted',
    redactedOn: now,
    originalSha256: contract.contract_original_sha256 ?? contract.contract_sha256,
    // The lender's signature is not the borrower's personal data: the redacted copy keeps it.
    staffSignature: contract.staff_signature_blob && contract.staff_signed_by && contract.staff_signed_at
      ? { png: await readBlob(db.kysely, contract.staff_signature_blob), signedBy: contract.staff_signed_by, signedAt: contract.staff_signed_at }
      : null,
  });
}

async function eraseInTransaction(
  trx: Trx,
  before: BeneficiaryRow,
  redacted: { id: string; blob: string; sha256: string; original: string | null }[],
  now: string,
  actor: Pick<Actor, 'name'>,
  trigger: 'request' | 'retention',
) {
  const id = before.id;
  const row = await trx
    .updateTable('beneficiaries')
    .set({
      first_name: null,
      last_name: null,
      address_line: null,
      city: null,
      phone: null,
      email: null,
      notes: null,
      postcode: departementOf(before.postcode),
      anonymised_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await redactTrainingRecord(trx, id);
  await forgetAnswersAbout(trx, id);
  for (const contract of redacted) {
    await trx
      .updateTable('installations')
      .set({ contract_pdf_blob: contract.blob, contract_sha256: contract.sha256, contract_original_sha256: contract.original, contract_redacted_at: now, updated_at: now })
      .where('id', '=', contract.id)
      .execute();
  }
  // Free text typed about the person may name them: a neutral mention keeps that something was said.
  const neutral = (column: string) => sql<string | null>`case when ${sql.ref(column)} is null then null else ${NEUTRAL_MENTION} end`;
  await trx
    .updateTable('installations')
    .set({ signature_blob: null, signed_by: null, override_reason: neutral('override_reason'), cancel_reason: neutral('cancel_reason') })
    .where('beneficiary_id', '=', id)
    .execute();
  // Every blob of theirs goes (signatures, the signed contracts, a failed completion's leftovers) but what the rows now point at.
  const kept = await trx.selectFrom('installations').select(['id', 'contract_pdf_blob', 'staff_signature_blob']).where('beneficiary_id', '=', id).execute();
  await deleteBlobsOf(trx, kept.map((k) => k.id), kept.flatMap((k) => [k.contract_pdf_blob, k.staff_signature_blob]));
  await trx
    .updateTable('installation_devices')
    .set({ return_reason: neutral('return_reason'), return_condition: neutral('return_condition') })
    .where('installation_id', 'in', trx.selectFrom('installations').select('id').where('beneficiary_id', '=', id))
    .execute();
  await trx
    .updateTable('installation_accessory_settlements')
    .set({ reason: neutral('reason') })
    .where('installation_id', 'in', trx.selectFrom('installations').select('id').where('beneficiary_id', '=', id))
    .execute();
  await trx
    .insertInto('audit_log')
    .values({ at: now, actor: actor.name, action: 'anonymise', subject: row.reference, data: JSON.stringify({ trigger, contractsRedacted: redacted.length }) })
    .execute();
  return { beneficiary: toBeneficiary(row), contractsRedacted: redacted.length };
}

/** Replaces free text that may name an anonymised person. */
export const NEUTRAL_MENTION = '[supprimé lors de l’anonymisation]';

/** Where an anonymisation overwrites personal data (for `reclaimFreedSpace`). */
export const PERSONAL_TABLES = ['beneficiaries', 'installations', 'installation_blobs', 'installation_devices', 'installation_accessory_settlements'] as const;

import { sql } from 'kysely';
import { forgetAnswersAbout } from '../../http/idempotency.js';
import type { Db } from '../../db/connection.js';
import { reclaimFreedSpace } from '../../db/reclaim.js';
import { inTransaction, nowIso } from '../../db/transaction.js';
import { conflict } from '../../http/problem.js';
import type { Actor } from '../api-keys/service.js';
import { renderContract, type ContractFacts } from '../installations/contract.js';
import { activeInstallationOf, installationDevices, lockRow, selectInstallations, sha256, toInstallation } from '../installations/store.js';
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
  const audit = await db.kysely.selectFrom('audit_log').selectAll().where('subject', '=', row.reference).orderBy('id').execute();
  return {
    exportedAt: nowIso(),
    beneficiary: toBeneficiary(row),
    installations: installations.map((i) => toInstallation(i, devices)),
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
 */
export async function anonymiseBeneficiary(db: Db, id: string, actor: Pick<Actor, 'name'>, trigger: 'request' | 'retention') {
  const result = await inTransaction(db, async (trx) => {
    await lockRow(trx, 'beneficiaries', id);
    const before = await getBeneficiaryRow(trx, id);
    if (before.anonymised_at) throw conflict(`Beneficiary ${before.reference} is already anonymised`, { anonymisedAt: before.anonymised_at });
    const open = await activeInstallationOf(trx, id);
    if (open) {
      throw conflict(
        `Beneficiary ${before.reference} has installation ${open.id} ${open.status === 'scheduled' ? 'scheduled: cancel it' : 'in force: record the return'} before anonymising`,
        { installationId: open.id, currentStatus: open.status },
      );
    }
    const now = nowIso();
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

    const frozen = await trx
      .selectFrom('installations')
      .select(['id', 'contract_sha256', 'contract_original_sha256', 'contract_template', 'contract_snapshot', 'staff_signature_png', 'staff_signed_by', 'staff_signed_at'])
      .where('beneficiary_id', '=', id)
      .where('contract_snapshot', 'is not', null)
      .where('contract_redacted_at', 'is', null)
      .execute();
    for (const contract of frozen) {
      const template = parseContractTemplate(contract.contract_template!, `template frozen with installation ${contract.id}`);
      const facts = JSON.parse(contract.contract_snapshot!) as ContractFacts;
      const original = contract.contract_original_sha256 ?? contract.contract_sha256;
      const pdf = await renderContract(template, facts, {
        mode: 'redacted',
        redactedOn: now,
        originalSha256: original,
        // The lender's signature is not the borrower's personal data: the redacted copy keeps it.
        staffSignature: contract.staff_signature_png && contract.staff_signed_by && contract.staff_signed_at
          ? { png: Buffer.from(contract.staff_signature_png), signedBy: contract.staff_signed_by, signedAt: contract.staff_signed_at }
          : null,
      });
      await trx
        .updateTable('installations')
        .set({
          contract_pdf: pdf,
          contract_sha256: sha256(pdf),
          contract_original_sha256: original,
          contract_redacted_at: now,
          updated_at: now,
        })
        .where('id', '=', contract.id)
        .execute();
    }
    // Free text typed about the person may name them: a neutral mention keeps that something was said.
    const neutral = (column: string) => sql<string | null>`case when ${sql.ref(column)} is null then null else ${NEUTRAL_MENTION} end`;
    await trx
      .updateTable('installations')
      .set({ signature_png: null, signed_by: null, override_reason: neutral('override_reason'), cancel_reason: neutral('cancel_reason') })
      .where('beneficiary_id', '=', id)
      .execute();
    await trx
      .updateTable('installation_devices')
      .set({ return_reason: neutral('return_reason'), return_condition: neutral('return_condition') })
      .where('installation_id', 'in', trx.selectFrom('installations').select('id').where('beneficiary_id', '=', id))
      .execute();
    await trx
      .insertInto('audit_log')
      .values({ at: now, actor: actor.name, action: 'anonymise', subject: row.reference, data: JSON.stringify({ trigger, contractsRedacted: frozen.length }) })
      .execute();
    return { beneficiary: toBeneficiary(row), contractsRedacted: frozen.length };
  });
  // A retention run reclaims once at the end, not once per person.
  if (trigger === 'request') await reclaimFreedSpace(db, PERSONAL_TABLES);
  return result;
}

/** Replaces free text that may name an anonymised person. */
export const NEUTRAL_MENTION = '[supprimé lors de l’anonymisation]';

/** Where an anonymisation overwrites personal data (for `reclaimFreedSpace`). */
export const PERSONAL_TABLES = ['beneficiaries', 'installations', 'installation_devices'] as const;

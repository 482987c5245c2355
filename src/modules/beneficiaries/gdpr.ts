import type { Db } from '../../db/connection.js';
import { inTransaction, nowIso } from '../../db/transaction.js';
import { conflict } from '../../http/problem.js';
import type { Actor } from '../api-keys/service.js';
import { renderContract, type ContractFacts } from '../installations/contract.js';
import { activeInstallationOf, installationDevices, lockRow, selectInstallations, sha256, toInstallation } from '../installations/store.js';
import { parseContractTemplate } from '../installations/template.js';
import { redactTrainingRecord, trainingRecordOf } from '../training/gdpr.js';
import { getBeneficiaryRow, toBeneficiary } from './service.js';

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
  return inTransaction(db, async (trx) => {
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

    const frozen = await trx
      .selectFrom('installations')
      .select(['id', 'contract_sha256', 'contract_original_sha256', 'contract_template', 'contract_snapshot'])
      .where('beneficiary_id', '=', id)
      .where('contract_snapshot', 'is not', null)
      .where('contract_redacted_at', 'is', null)
      .execute();
    for (const contract of frozen) {
      const template = parseContractTemplate(contract.contract_template!, `template frozen with installation ${contract.id}`);
      const facts = JSON.parse(contract.contract_snapshot!) as ContractFacts;
      const original = contract.contract_original_sha256 ?? contract.contract_sha256;
      const pdf = await renderContract(template, facts, { mode: 'redacted', redactedOn: now, originalSha256: original });
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
    await trx.updateTable('installations').set({ signature_png: null, signed_by: null }).where('beneficiary_id', '=', id).execute();
    await trx
      .insertInto('audit_log')
      .values({ at: now, actor: actor.name, action: 'anonymise', subject: row.reference, data: JSON.stringify({ trigger, contractsRedacted: frozen.length }) })
      .execute();
    return { beneficiary: toBeneficiary(row), contractsRedacted: frozen.length };
  });
}

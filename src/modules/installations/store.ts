import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { lockParentRow } from '../../db/locks.js';
import type { InstallationRow } from '../../db/schema.js';
import type { Executor } from '../../db/transaction.js';
import { notFound } from '../../http/problem.js';
import { loanOutstanding, type AccessorySettlement } from './outstanding.js';
import type { Installation } from './schemas.js';

/** Installations in these statuses hold the kit: one person has at most one at a time. */
export const ACTIVE_STATUSES = ['scheduled', 'completed'] as const;

/** The person's installation that is scheduled or in force, if any. */
export function activeInstallationOf(db: Executor, beneficiaryId: string) {
  return db
    .selectFrom('installations')
    .select(['id', 'status', 'accessories'])
    .where('beneficiary_id', '=', beneficiaryId)
    .where('status', 'in', ACTIVE_STATUSES)
    .executeTakeFirst();
}

/** The hex SHA-256 stored beside a frozen contract (and printed by whoever checks it). */
export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Every column but the large ones (PDF, signature, template, snapshot), which only downloads read. */
export const LIGHT_COLUMNS = [
  'id', 'beneficiary_id', 'status', 'scheduled_on', 'accessories', 'override_reason', 'override_by', 'installed_on',
  'installed_by', 'signed_by', 'signed_at', 'staff_signed_by', 'staff_signed_at', 'contract_number', 'contract_sha256', 'contract_original_sha256',
  'contract_template_version', 'contract_frozen_at', 'contract_redacted_at', 'cancelled_at', 'cancel_reason', 'closed_at',
  'created_by', 'created_at', 'updated_at',
] as const;
export type LightInstallation = Pick<InstallationRow, (typeof LIGHT_COLUMNS)[number]> & { has_signature: number; beneficiary_reference: string };

export function selectInstallations(db: Executor) {
  return db
    .selectFrom('installations')
    .innerJoin('beneficiaries', 'beneficiaries.id', 'installations.beneficiary_id')
    .select(LIGHT_COLUMNS.map((c) => `installations.${c}` as const))
    .select('beneficiaries.reference as beneficiary_reference')
    .select(sql<number>`case when installations.signature_blob is null then 0 else 1 end`.as('has_signature'));
}

export async function getLightInstallation(db: Executor, id: string): Promise<LightInstallation> {
  const row = await selectInstallations(db).where('installations.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Installation ${id}`);
  return row;
}

export async function installationDevices(db: Executor, installationIds: string[]) {
  if (installationIds.length === 0) return [];
  return db
    .selectFrom('installation_devices')
    .innerJoin('devices', 'devices.id', 'installation_devices.device_id')
    .selectAll('installation_devices')
    .select(['devices.asset_tag', 'devices.kind', 'devices.serial_number', 'devices.status', 'devices.asset_number'])
    .where('installation_devices.installation_id', 'in', installationIds)
    .orderBy('installation_devices.installation_id')
    .orderBy(sql`case when installation_devices.role = 'main' then 0 else 1 end`)
    .orderBy('devices.asset_number')
    .execute();
}
type DeviceLine = Awaited<ReturnType<typeof installationDevices>>[number];

/** The accessories recorded returned or written off after the devices came back, per installation. */
export async function installationSettlements(db: Executor, installationIds: string[]) {
  if (installationIds.length === 0) return [];
  return db
    .selectFrom('installation_accessory_settlements')
    .selectAll()
    .where('installation_id', 'in', installationIds)
    .orderBy('installation_id')
    .orderBy('settled_on')
    .orderBy('accessory')
    .execute();
}
type SettlementLine = Awaited<ReturnType<typeof installationSettlements>>[number];

export const toSettlement = (s: SettlementLine): AccessorySettlement & { by: string } => ({
  accessory: s.accessory,
  outcome: s.outcome === 'written_off' ? 'writtenOff' : 'returned',
  on: s.settled_on,
  reason: s.reason,
  by: s.settled_by,
});

/** What of the loan is still out, by the one rule (`loanOutstanding`) the slip and the pages follow. */
export function outstandingOf(row: Pick<LightInstallation, 'accessories'>, devices: DeviceLine[], settlements: SettlementLine[]) {
  return loanOutstanding(
    devices.map((d) => ({ label: d.asset_tag, returned: d.returned_on !== null, accessoriesReturned: d.accessories_returned ? (JSON.parse(d.accessories_returned) as string[]) : [] })),
    JSON.parse(row.accessories) as string[],
    settlements.map(toSettlement),
  );
}

export function toInstallation(row: LightInstallation, allDevices: DeviceLine[], allSettlements: SettlementLine[]): Installation {
  const devices = allDevices.filter((d) => d.installation_id === row.id);
  const settlements = allSettlements.filter((s) => s.installation_id === row.id);
  const completed = row.status === 'completed' || row.status === 'closed';
  return {
    id: row.id,
    beneficiaryId: row.beneficiary_id,
    beneficiaryReference: row.beneficiary_reference,
    status: row.status,
    scheduledOn: row.scheduled_on,
    accessories: JSON.parse(row.accessories) as string[],
    accessoriesOutstanding: completed ? outstandingOf(row, devices, settlements).accessoriesOut : [],
    accessorySettlements: settlements.map(toSettlement),
    devices: devices.map((d) => ({
      deviceId: d.device_id,
      assetTag: d.asset_tag,
      kind: d.kind,
      serialNumber: d.serial_number,
      status: d.status,
      role: d.role,
      returnedOn: d.returned_on,
      returnReason: d.return_reason,
      returnCondition: d.return_condition,
      accessoriesReturned: d.accessories_returned ? (JSON.parse(d.accessories_returned) as string[]) : null,
    })),
    override: row.override_reason ? { reason: row.override_reason, by: row.override_by ?? '' } : null,
    installedOn: row.installed_on,
    installedBy: row.installed_by,
    signedBy: row.signed_by,
    signedAt: row.signed_at,
    staffSignedBy: row.staff_signed_by,
    staffSignedAt: row.staff_signed_at,
    hasSignature: Number(row.has_signature) === 1,
    contractNumber: row.contract_number,
    contractSha256: row.contract_sha256,
    contractOriginalSha256: row.contract_original_sha256,
    contractTemplateVersion: row.contract_template_version,
    contractFrozenAt: row.contract_frozen_at,
    contractRedactedAt: row.contract_redacted_at,
    cancelledAt: row.cancelled_at,
    cancelReason: row.cancel_reason,
    closedAt: row.closed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function loadInstallation(db: Executor, id: string): Promise<Installation> {
  const row = await getLightInstallation(db, id);
  return toInstallation(row, await installationDevices(db, [id]), await installationSettlements(db, [id]));
}

/** Locks a row until commit on PostgreSQL (SQLite transactions already hold the write lock). */
export async function lockRow(db: Executor, table: 'installations' | 'beneficiaries', id: string): Promise<void> {
  await lockParentRow(db, table, id);
}

/**
 * The installation a device is part of now (reserved or installed, not yet returned), with the
 * beneficiary's reference, and the name only when the caller may see personal data.
 */
export async function currentInstallationOfDevice(db: Executor, deviceId: string, withName: boolean) {
  const row = await db
    .selectFrom('installation_devices')
    .innerJoin('installations', 'installations.id', 'installation_devices.installation_id')
    .innerJoin('beneficiaries', 'beneficiaries.id', 'installations.beneficiary_id')
    .select(['installations.id', 'installations.status', 'installations.scheduled_on', 'installations.contract_number', 'beneficiaries.reference', 'beneficiaries.first_name', 'beneficiaries.last_name'])
    .where('installation_devices.device_id', '=', deviceId)
    .where('installation_devices.returned_on', 'is', null)
    .where('installations.status', 'in', [...ACTIVE_STATUSES])
    .orderBy('installations.created_at', 'desc')
    .executeTakeFirst();
  if (!row) return undefined;
  const name = withName ? [row.first_name, row.last_name].filter(Boolean).join(' ') || null : null;
  return { id: row.id, status: row.status, scheduledOn: row.scheduled_on, contractNumber: row.contract_number, beneficiaryReference: row.reference, beneficiaryName: name };
}

import type { Config } from '../../config.js';
import type { BeneficiaryRow, DeviceRow, InstallationDeviceRow } from '../../db/schema.js';
import type { Executor } from '../../db/transaction.js';
import { programmeIdentity } from '../../shared/identity.js';
import type { ContractFacts, ContractPerson, KitItem } from './contract.js';
import type { LightInstallation } from './store.js';
import { DEFAULT_CONTRACT_TEMPLATE, loadContractTemplate } from './template.js';

export function currentTemplate(config: Pick<Config, 'contractTemplate'>) {
  return loadContractTemplate(config.contractTemplate ?? DEFAULT_CONTRACT_TEMPLATE);
}

/** The columns of a person the contract prints. */
export const PERSON_COLUMNS = ['reference', 'first_name', 'last_name', 'address_line', 'postcode', 'city', 'phone'] as const;

export function personOf(row: Pick<BeneficiaryRow, (typeof PERSON_COLUMNS)[number]>): ContractPerson {
  return {
    fullName: [row.first_name, row.last_name].filter(Boolean).join(' ') || row.reference,
    addressLine: row.address_line,
    postcode: row.postcode,
    city: row.city,
    phone: row.phone,
  };
}

type KitRow = Pick<DeviceRow, 'asset_tag' | 'asset_number' | 'kind' | 'brand' | 'model' | 'serial_number' | 'cpu' | 'ram_gb' | 'storage_gb' | 'storage_type' | 'os' | 'grade'> & {
  role: InstallationDeviceRow['role'];
};

export async function kitOf(db: Executor, installationId: string): Promise<KitItem[]> {
  const rows = await db
    .selectFrom('installation_devices')
    .innerJoin('devices', 'devices.id', 'installation_devices.device_id')
    .select([
      'installation_devices.role', 'devices.asset_tag', 'devices.asset_number', 'devices.kind', 'devices.brand', 'devices.model',
      'devices.serial_number', 'devices.cpu', 'devices.ram_gb', 'devices.storage_gb', 'devices.storage_type', 'devices.os', 'devices.grade',
    ])
    .where('installation_devices.installation_id', '=', installationId)
    .execute();
  return kitFrom(rows);
}

/** The kit as the contract lists it (main device first, then by asset number), from rows already read. */
export function kitFrom(rows: KitRow[]): KitItem[] {
  rows = [...rows].sort((a, b) => (a.role === b.role ? Number(a.asset_number) - Number(b.asset_number) : a.role === 'main' ? -1 : 1));
  return rows.map((r) => ({
    assetTag: r.asset_tag,
    role: r.role,
    kind: r.kind,
    brand: r.brand,
    model: r.model,
    serialNumber: r.serial_number,
    cpu: r.cpu,
    ramGb: r.ram_gb,
    storageGb: r.storage_gb,
    storageType: r.storage_type,
    os: r.os,
    grade: r.grade,
  }));
}

export async function contractFacts(
  db: Executor,
  installation: LightInstallation,
  config: Pick<Config, 'retentionMonths'>,
  final?: { number: string; installedOn: string; staffName: string },
): Promise<ContractFacts> {
  return factsFrom(installation, await kitOf(db, installation.id), config, final);
}

/** What a contract states, from an installation and its kit already read. */
export function factsFrom(
  installation: Pick<LightInstallation, 'scheduled_on' | 'beneficiary_reference' | 'accessories'>,
  kit: KitItem[],
  config: Pick<Config, 'retentionMonths'>,
  final?: { number: string; installedOn: string; staffName: string },
): ContractFacts {
  return {
    number: final?.number ?? null,
    scheduledOn: installation.scheduled_on,
    installedOn: final?.installedOn ?? null,
    staffName: final?.staffName ?? null,
    beneficiaryReference: installation.beneficiary_reference,
    kit,
    accessories: JSON.parse(installation.accessories) as string[],
    retentionMonths: config.retentionMonths,
    identity: programmeIdentity(),
  };
}

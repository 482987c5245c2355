/**
 * Every list of values a database column may hold, in one place with no imports: the zod
 * schemas build their enums from these lists, `src/db/schema.ts` types its columns from them
 * (so a row's `status` is already a `DeviceStatus` and mappers need no cast), and the CHECK
 * constraints of migrations 012 and 111, frozen there, are asserted equal to `DB_ENUM_COLUMNS` by
 * test/foundation/enum-checks.test.ts.
 */
export const ROLES = ['admin', 'collector', 'reconditioner', 'installer', 'viewer', 'trainer'] as const;
export const DONOR_KINDS = ['company', 'public_body', 'association', 'other'] as const;
export const DEVICE_KINDS = ['laptop', 'desktop', 'all_in_one', 'monitor', 'tablet', 'smartphone', 'printer', 'peripheral', 'other'] as const;
export const DEVICE_STATUSES = ['collected', 'shipped', 'ready', 'reserved', 'installed', 'returned', 'scrapped'] as const;
export const GRADES = ['A', 'B', 'C', 'parts'] as const;
export const ORIGINS = ['donation', 'reconditioner'] as const;
export const STORAGE_TYPES = ['hdd', 'ssd', 'nvme', 'emmc', 'none', 'other'] as const;
export const ERASURE_METHODS = ['nist-800-88-clear', 'nist-800-88-purge', 'nist-800-88-destroy'] as const;
export const ERASURE_RESULTS = ['passed', 'failed'] as const;
export const SHIPMENT_STATUSES = ['open', 'dispatched', 'acknowledged'] as const;
export const ENTRY_TYPES = ['credit', 'credit_reversal', 'receipt', 'adjustment'] as const;
export const INSTALLATION_STATUSES = ['scheduled', 'completed', 'cancelled', 'closed'] as const;
export const INSTALLATION_DEVICE_ROLES = ['main', 'extra'] as const;
export const IDEMPOTENCY_STATES = ['committed', 'done'] as const;

export type Role = (typeof ROLES)[number];
export type DonorKind = (typeof DONOR_KINDS)[number];
export type DeviceKind = (typeof DEVICE_KINDS)[number];
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];
export type Grade = (typeof GRADES)[number];
export type Origin = (typeof ORIGINS)[number];
export type StorageType = (typeof STORAGE_TYPES)[number];
export type ErasureMethod = (typeof ERASURE_METHODS)[number];
export type ErasureResult = (typeof ERASURE_RESULTS)[number];
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];
export type EntryType = (typeof ENTRY_TYPES)[number];
export type InstallationStatus = (typeof INSTALLATION_STATUSES)[number];
export type InstallationDeviceRole = (typeof INSTALLATION_DEVICE_ROLES)[number];
export type IdempotencyState = (typeof IDEMPOTENCY_STATES)[number];

/** The columns that refuse any other value (CHECK constraints, migrations 012 and 111), by table. */
export const DB_ENUM_COLUMNS = {
  api_keys: { role: ROLES },
  donors: { kind: DONOR_KINDS },
  devices: { kind: DEVICE_KINDS, status: DEVICE_STATUSES, grade: GRADES, origin: ORIGINS, storage_type: STORAGE_TYPES },
  device_events: { from_status: DEVICE_STATUSES, to_status: DEVICE_STATUSES },
  erasure_records: { method: ERASURE_METHODS, result: ERASURE_RESULTS },
  shipments: { status: SHIPMENT_STATUSES },
  exchange_entries: { type: ENTRY_TYPES, kind: DEVICE_KINDS },
  installations: { status: INSTALLATION_STATUSES },
  installation_devices: { role: INSTALLATION_DEVICE_ROLES },
  idempotency_keys: { state: IDEMPOTENCY_STATES },
} as const;

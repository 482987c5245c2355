import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type {
  DeviceKind, DeviceStatus, DonorKind, EntryType, ErasureMethod, ErasureResult, Grade, IdempotencyState, InstallationDeviceRole, InstallationStatus, Origin, Role, ShipmentStatus, StorageType,
} from '../shared/enums.js';

/**
 * Table types, written by hand so that one interface serves SQLite and PostgreSQL:
 * times are ISO-8601 strings, dates `YYYY-MM-DD` strings, booleans 0 | 1. A column that holds
 * one of a fixed list of values is typed from that list (`src/shared/enums.ts`), the same list
 * the zod schemas and the CHECK constraints are built from.
 */
export interface Database {
  api_keys: ApiKeyTable;
  counters: CounterTable;
  donors: DonorTable;
  collections: CollectionTable;
  devices: DeviceTable;
  device_events: DeviceEventTable;
  idempotency_keys: IdempotencyKeyTable;
  beneficiaries: BeneficiaryTable;
  installations: InstallationTable;
  installation_blobs: InstallationBlobTable;
  installation_devices: InstallationDeviceTable;
  installation_accessory_settlements: InstallationAccessorySettlementTable;
  audit_log: AuditLogTable;
  erasure_records: ErasureRecordTable;
  shipments: ShipmentTable;
  shipment_items: ShipmentItemTable;
  deliveries: DeliveryTable;
  delivery_items: DeliveryItemTable;
  exchange_terms: ExchangeTermsTable;
  exchange_entries: ExchangeEntryTable;
  certificates: CertificateTable;
  staff_users: StaffUserTable;
  staff_invitations: StaffInvitationTable;
  staff_sessions: StaffSessionTable;
  sign_in_failures: SignInFailureTable;
  training_partners: TrainingPartnerTable;
  training_cycles: TrainingCycleTable;
  training_cycle_trainers: TrainingCycleTrainerTable;
  training_sessions: TrainingSessionTable;
  training_enrolments: TrainingEnrolmentTable;
  training_attendance: TrainingAttendanceTable;
  training_evaluations: TrainingEvaluationTable;
}

export interface ApiKeyTable {
  id: string;
  name: string;
  role: Role;
  key_hash: string;
  key_prefix: string;
  created_at: string;
  revoked_at: string | null;
}

export interface CounterTable {
  name: string;
  value: number;
}

export interface DonorTable {
  id: string;
  name: string;
  kind: DonorKind;
  siret: string | null;
  address_line: string | null;
  postcode: string | null;
  city: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
}

export interface CollectionTable {
  id: string;
  donor_id: string;
  collected_on: string;
  address_line: string | null;
  postcode: string | null;
  city: string | null;
  notes: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface DeviceTable {
  id: string;
  asset_number: number;
  asset_tag: string;
  kind: DeviceKind;
  brand: string | null;
  model: string | null;
  serial_number: string | null;
  cpu: string | null;
  ram_gb: number | null;
  storage_gb: number | null;
  storage_type: StorageType | null;
  os: string | null;
  grade: Grade | null;
  weight_kg: number | null;
  notes: string | null;
  status: DeviceStatus;
  origin: Origin;
  collection_id: string | null;
  donor_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** Set when the reconditioner reported the device as not received (issue 4). */
  missing_since: string | null;
}

export interface DeviceEventTable {
  id: Generated<number>;
  device_id: string;
  type: string;
  from_status: DeviceStatus | null;
  to_status: DeviceStatus | null;
  at: string;
  /** The business date the event stands for (dispatch, receipt, installation, return date); reports count by it. */
  occurred_on: string;
  actor: string;
  data: string | null;
}

export interface IdempotencyKeyTable {
  api_key_id: string;
  key: string;
  request_hash: string;
  /** `committed`: the work's transaction committed, its answer is not stored yet; `done`: replayable. */
  state: IdempotencyState;
  /** The request that wrote the row (one request may run several transactions). */
  claim_id: string | null;
  response_status: number | null;
  response_type: string | null;
  response_body: string | null;
  created_at: string;
}

export type DonorRow = Selectable<DonorTable>;
export type CollectionRow = Selectable<CollectionTable>;
export type DeviceRow = Selectable<DeviceTable>;
export type NewDevice = Insertable<DeviceTable>;
export type DeviceUpdate = Updateable<DeviceTable>;
export type DeviceEventRow = Selectable<DeviceEventTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;

export interface BeneficiaryTable {
  id: string;
  reference: string;
  first_name: string | null;
  last_name: string | null;
  address_line: string | null;
  postcode: string | null;
  city: string | null;
  phone: string | null;
  email: string | null;
  neighbourhood: string | null;
  prescriber: string | null;
  training_completed_on: string | null;
  /** 'manual' (typed by hand) or 'training' (worked out by the training module); null with no date. */
  training_completed_source: string | null;
  consent_recorded_on: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
  anonymised_at: string | null;
}

/** A part (at most BLOB_PART_BYTES) of a signature or frozen contract; a blob is its parts in order. */
export interface InstallationBlobTable {
  blob_id: string;
  part: number;
  installation_id: string;
  bytes: Buffer;
  created_at: string;
}

export interface InstallationTable {
  id: string;
  beneficiary_id: string;
  status: InstallationStatus;
  scheduled_on: string;
  /** JSON array of text. */
  accessories: string;
  override_reason: string | null;
  override_by: string | null;
  installed_on: string | null;
  installed_by: string | null;
  signed_by: string | null;
  signed_at: string | null;
  /** The blobs (installation_blobs) of the signature, the staff signature and the frozen contract. */
  signature_blob: string | null;
  staff_signed_by: string | null;
  staff_signed_at: string | null;
  staff_signature_blob: string | null;
  contract_number: string | null;
  /** Taken by a completion before it renders the contract; becomes contract_number on commit. */
  contract_number_reserved: string | null;
  contract_pdf_blob: string | null;
  contract_sha256: string | null;
  contract_original_sha256: string | null;
  contract_template_version: string | null;
  contract_template: string | null;
  contract_snapshot: string | null;
  contract_frozen_at: string | null;
  contract_redacted_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  closed_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface InstallationDeviceTable {
  installation_id: string;
  device_id: string;
  role: InstallationDeviceRole;
  returned_on: string | null;
  return_reason: string | null;
  return_condition: string | null;
  /** JSON array of text. */
  accessories_returned: string | null;
  returned_by: string | null;
}

/** A lent accessory that did not come back with the devices, recorded returned later or written off. */
export interface InstallationAccessorySettlementTable {
  installation_id: string;
  /** As written on the contract (the installation's `accessories`). */
  accessory: string;
  outcome: 'returned' | 'written_off';
  settled_on: string;
  /** Why it was written off (free text, neutralised on anonymisation); null when returned. */
  reason: string | null;
  settled_by: string;
  recorded_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  subject: string;
  data: string | null;
}

export type BeneficiaryRow = Selectable<BeneficiaryTable>;
export type InstallationRow = Selectable<InstallationTable>;
export type InstallationDeviceRow = Selectable<InstallationDeviceTable>;
export interface ErasureRecordTable {
  id: string;
  device_id: string;
  method: ErasureMethod;
  tool: string;
  performed_at: string;
  operator: string;
  result: ErasureResult;
  verification: string | null;
  /** JSON array of {serialNumber, capacityGb, type}. */
  storage: string;
  tool_report_sha256: string | null;
  notes: string | null;
  supersedes_id: string | null;
  delivery_id: string | null;
  recorded_by: string;
  created_at: string;
}

export interface ShipmentTable {
  id: string;
  reference: string;
  notes: string | null;
  status: ShipmentStatus;
  created_by: string;
  created_at: string;
  updated_at: string;
  dispatched_on: string | null;
  dispatched_at: string | null;
  dispatched_by: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  acknowledge_notes: string | null;
  /** The day the reconditioner received it (its acknowledgement's business date). */
  received_on: string | null;
}

export interface ShipmentItemTable {
  shipment_id: string;
  device_id: string;
  /** 1 while the shipment is open: a device sits in one open shipment at most. */
  is_open: number;
  missing: number;
  credits_milli: number | null;
  added_at: string;
}

export interface DeliveryTable {
  id: string;
  reference: string;
  received_on: string;
  notes: string | null;
  created_by: string;
  created_at: string;
}

export interface DeliveryItemTable {
  delivery_id: string;
  device_id: string;
  is_new: number;
  position: number;
}

export interface ExchangeTermsTable {
  id: Generated<number>;
  effective_on: string;
  /** JSON object kind → credits in thousandths. */
  credits_milli: string;
  notes: string | null;
  created_by: string;
  created_at: string;
}

export interface ExchangeEntryTable {
  id: number;
  type: EntryType;
  occurred_on: string;
  units_milli: number;
  balance_milli: number;
  shipment_id: string | null;
  delivery_id: string | null;
  device_id: string | null;
  kind: DeviceKind | null;
  reason: string | null;
  created_by: string;
  created_at: string;
}

export interface CertificateTable {
  id: string;
  number: number;
  collection_id: string;
  content_sha256: string;
  complete: number;
  device_count: number;
  issued_at: string;
}

export type ErasureRecordRow = Selectable<ErasureRecordTable>;
export type ShipmentRow = Selectable<ShipmentTable>;
export type ExchangeEntryRow = Selectable<ExchangeEntryTable>;

export interface StaffUserTable {
  id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string | null;
  active: number;
  created_at: string;
  updated_at: string;
}
export type StaffUserRow = Selectable<StaffUserTable>;

export interface StaffInvitationTable {
  token_hash: string;
  user_id: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface StaffSessionTable {
  id_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface SignInFailureTable {
  subject: string;
  at: string;
}
export interface TrainingPartnerTable {
  id: string;
  name: string;
  created_at: string;
}

export interface TrainingCycleTable {
  id: string;
  title: string;
  organiser_id: string;
  place: string;
  capacity: number;
  starts_on: string;
  ends_on: string;
  rule_kind: 'sessions' | 'hours';
  rule_min_sessions: number | null;
  rule_min_percent: number | null;
  notes: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface TrainingCycleTrainerTable {
  cycle_id: string;
  /** The trainer's identity: an API key's id (a staff user's, once the web app has accounts). */
  trainer_id: string;
}

export interface TrainingSessionTable {
  id: string;
  cycle_id: string;
  held_on: string;
  /** `HH:MM`, local time. */
  start_time: string;
  end_time: string;
  minutes: number;
  place: string | null;
  theme: string;
  trainer: string | null;
  created_at: string;
  updated_at: string;
}

export interface TrainingEnrolmentTable {
  id: string;
  cycle_id: string;
  beneficiary_id: string;
  seq: number;
  status: 'enrolled' | 'waiting' | 'withdrawn';
  prescriber: string | null;
  applied_at: string;
  placed_at: string | null;
  withdrawn_on: string | null;
  withdrawal_reason: string | null;
  attendance_completed_on: string | null;
  override_completed_on: string | null;
  override_reason: string | null;
  override_by: string | null;
  completed_on: string | null;
  created_by: string;
  updated_at: string;
}

export interface TrainingAttendanceTable {
  session_id: string;
  enrolment_id: string;
  status: 'present' | 'absent' | 'excused';
  recorded_by: string;
  recorded_at: string;
}

export interface TrainingEvaluationTable {
  enrolment_id: string;
  moment: 'start' | 'end';
  mouse_keyboard: number;
  browsing: number;
  email: number;
  online_procedures: number;
  online_safety: number;
  recorded_by: string;
  recorded_at: string;
}

export type TrainingCycleRow = Selectable<TrainingCycleTable>;
export type TrainingSessionRow = Selectable<TrainingSessionTable>;
export type TrainingEnrolmentRow = Selectable<TrainingEnrolmentTable>;

import type { Kysely } from 'kysely';
import { blob, serialKey } from './helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('beneficiaries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('address_line', 'text')
    .addColumn('postcode', 'text')
    .addColumn('city', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('neighbourhood', 'text')
    .addColumn('prescriber', 'text')
    .addColumn('training_completed_on', 'text')
    .addColumn('consent_recorded_on', 'text')
    .addColumn('notes', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('anonymised_at', 'text')
    .execute();

  await db.schema
    .createTable('installations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('beneficiary_id', 'text', (c) => c.notNull().references('beneficiaries.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scheduled_on', 'text', (c) => c.notNull())
    .addColumn('accessories', 'text', (c) => c.notNull())
    .addColumn('override_reason', 'text')
    .addColumn('override_by', 'text')
    .addColumn('installed_on', 'text')
    .addColumn('installed_by', 'text')
    .addColumn('signed_by', 'text')
    .addColumn('signed_at', 'text')
    .addColumn('signature_png', blob(db))
    .addColumn('contract_number', 'text', (c) => c.unique())
    .addColumn('contract_pdf', blob(db))
    .addColumn('contract_sha256', 'text')
    .addColumn('contract_original_sha256', 'text')
    .addColumn('contract_template_version', 'text')
    // The wording and the non-personal facts signed, so a redacted copy can be re-rendered word for word.
    .addColumn('contract_template', 'text')
    .addColumn('contract_snapshot', 'text')
    .addColumn('contract_frozen_at', 'text')
    .addColumn('contract_redacted_at', 'text')
    .addColumn('cancelled_at', 'text')
    .addColumn('cancel_reason', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('installations_beneficiary_idx').on('installations').columns(['beneficiary_id', 'status']).execute();
  await db.schema.createIndex('installations_status_idx').on('installations').columns(['status', 'id']).execute();

  await db.schema
    .createTable('installation_devices')
    .addColumn('installation_id', 'text', (c) => c.notNull().references('installations.id'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('returned_on', 'text')
    .addColumn('return_reason', 'text')
    .addColumn('return_condition', 'text')
    .addColumn('accessories_returned', 'text')
    .addColumn('returned_by', 'text')
    .addPrimaryKeyConstraint('installation_devices_pk', ['installation_id', 'device_id'])
    .execute();
  await db.schema.createIndex('installation_devices_device_idx').on('installation_devices').columns(['device_id', 'installation_id']).execute();

  // Audit trail for acts on people rather than devices (anonymisation): never personal data.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', serialKey(db))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('data', 'text')
    .execute();
  await db.schema.createIndex('audit_log_subject_idx').on('audit_log').columns(['subject', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_log', 'installation_devices', 'installations', 'beneficiaries']) {
    await db.schema.dropTable(table).execute();
  }
  await db.deleteFrom('counters').where('name', 'like', 'contract:%').execute();
  await db.deleteFrom('counters').where('name', 'like', 'beneficiary:%').execute();
}

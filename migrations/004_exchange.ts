import type { Kysely } from 'kysely';
import { serialKey } from './helpers.js';

/** Credits per kind in thousandths of a unit (exact decimals): laptop 1, monitor 0.25, … */
const INITIAL_TERMS = { laptop: 1000, desktop: 1000, all_in_one: 1000, monitor: 250, tablet: 0, smartphone: 0, printer: 0, peripheral: 0, other: 0 };

export async function up(db: Kysely<any>): Promise<void> {
  // Set when the reconditioner reports a dispatched device as not received; cleared when it turns up.
  await db.schema.alterTable('devices').addColumn('missing_since', 'text').execute();

  await db.schema
    .createTable('erasure_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('tool', 'text', (c) => c.notNull())
    .addColumn('performed_at', 'text', (c) => c.notNull())
    .addColumn('operator', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('verification', 'text')
    .addColumn('storage', 'text', (c) => c.notNull())
    .addColumn('tool_report_sha256', 'text')
    .addColumn('notes', 'text')
    .addColumn('supersedes_id', 'text', (c) => c.references('erasure_records.id'))
    .addColumn('delivery_id', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('erasure_records_device_idx').on('erasure_records').columns(['device_id', 'created_at']).execute();

  await db.schema
    .createTable('shipments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('notes', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('dispatched_on', 'text')
    .addColumn('dispatched_at', 'text')
    .addColumn('dispatched_by', 'text')
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .addColumn('acknowledge_notes', 'text')
    .execute();
  await db.schema.createIndex('shipments_status_idx').on('shipments').columns(['status', 'id']).execute();

  await db.schema
    .createTable('shipment_items')
    .addColumn('shipment_id', 'text', (c) => c.notNull().references('shipments.id'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('is_open', 'integer', (c) => c.notNull())
    .addColumn('missing', 'integer', (c) => c.notNull())
    .addColumn('credits_milli', 'bigint')
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('shipment_items_pk', ['shipment_id', 'device_id'])
    .execute();
  await db.schema.createIndex('shipment_items_device_idx').on('shipment_items').columns(['device_id', 'is_open']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('received_on', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deliveries_received_idx').on('deliveries').columns(['received_on', 'id']).execute();

  await db.schema
    .createTable('delivery_items')
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('is_new', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('delivery_items_pk', ['delivery_id', 'device_id'])
    .execute();

  await db.schema
    .createTable('exchange_terms')
    .addColumn('id', serialKey(db))
    .addColumn('effective_on', 'text', (c) => c.notNull())
    .addColumn('credits_milli', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('exchange_terms_effective_idx').on('exchange_terms').columns(['effective_on', 'id']).execute();
  await db
    .insertInto('exchange_terms')
    .values({ effective_on: '2000-01-01', credits_milli: JSON.stringify(INITIAL_TERMS), notes: 'Initial terms', created_by: 'migration', created_at: new Date().toISOString() })
    .execute();

  // The id comes from the `exchange_entry` counter, taken inside the writing transaction: it is
  // also the commit order, so each entry's stored running balance is exact.
  await db.schema
    .createTable('exchange_entries')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('occurred_on', 'text', (c) => c.notNull())
    .addColumn('units_milli', 'bigint', (c) => c.notNull())
    .addColumn('balance_milli', 'bigint', (c) => c.notNull())
    .addColumn('shipment_id', 'text')
    .addColumn('delivery_id', 'text')
    .addColumn('device_id', 'text')
    .addColumn('kind', 'text')
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('exchange_entries_type_idx').on('exchange_entries').columns(['type', 'occurred_on']).execute();

  await db.schema
    .createTable('certificates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'bigint', (c) => c.notNull().unique())
    .addColumn('collection_id', 'text', (c) => c.notNull().references('collections.id'))
    .addColumn('content_sha256', 'text', (c) => c.notNull())
    .addColumn('complete', 'integer', (c) => c.notNull())
    .addColumn('device_count', 'integer', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('certificates_content_uq').on('certificates').columns(['collection_id', 'content_sha256']).unique().execute();

  await db.insertInto('counters').values([
    { name: 'certificate', value: 0 },
    { name: 'shipment', value: 0 },
    { name: 'exchange_entry', value: 0 },
  ]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['certificates', 'exchange_entries', 'exchange_terms', 'delivery_items', 'deliveries', 'shipment_items', 'shipments', 'erasure_records']) {
    await db.schema.dropTable(table).execute();
  }
  await db.deleteFrom('counters').where('name', 'in', ['certificate', 'shipment', 'exchange_entry']).execute();
  await db.schema.alterTable('devices').dropColumn('missing_since').execute();
}

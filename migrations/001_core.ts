import { sql, type Kysely } from 'kysely';
import { float, serialKey } from './helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('counters').values({ name: 'asset_tag', value: 0 }).execute();

  await db.schema
    .createTable('donors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('siret', 'text')
    .addColumn('address_line', 'text')
    .addColumn('postcode', 'text')
    .addColumn('city', 'text')
    .addColumn('contact_name', 'text')
    .addColumn('contact_email', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('notes', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('collections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('donor_id', 'text', (c) => c.notNull().references('donors.id'))
    .addColumn('collected_on', 'text', (c) => c.notNull())
    .addColumn('address_line', 'text')
    .addColumn('postcode', 'text')
    .addColumn('city', 'text')
    .addColumn('notes', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('collections_donor_idx').on('collections').columns(['donor_id', 'id']).execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('asset_number', 'bigint', (c) => c.notNull().unique())
    .addColumn('asset_tag', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('brand', 'text')
    .addColumn('model', 'text')
    .addColumn('serial_number', 'text')
    .addColumn('cpu', 'text')
    .addColumn('ram_gb', float(db))
    .addColumn('storage_gb', float(db))
    .addColumn('storage_type', 'text')
    .addColumn('os', 'text')
    .addColumn('grade', 'text')
    .addColumn('weight_kg', float(db))
    .addColumn('notes', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('collection_id', 'text', (c) => c.references('collections.id'))
    .addColumn('donor_id', 'text', (c) => c.references('donors.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('devices_status_idx').on('devices').columns(['status', 'asset_number']).execute();
  await db.schema.createIndex('devices_kind_idx').on('devices').columns(['kind', 'asset_number']).execute();
  await db.schema.createIndex('devices_collection_idx').on('devices').columns(['collection_id', 'asset_number']).execute();
  await db.schema.createIndex('devices_donor_idx').on('devices').columns(['donor_id', 'asset_number']).execute();
  await db.schema.createIndex('devices_updated_idx').on('devices').columns(['updated_at', 'asset_number']).execute();
  await db.schema.createIndex('devices_serial_idx').on('devices').column('serial_number').execute();
  // A serial number identifies one live machine; a scrapped one may be registered again.
  await db.schema
    .createIndex('devices_live_serial_uq')
    .on('devices')
    .column('serial_number')
    .unique()
    .where(sql.ref('status'), '<>', 'scrapped')
    .execute();

  await db.schema
    .createTable('device_events')
    .addColumn('id', serialKey(db))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('data', 'text')
    .execute();
  await db.schema.createIndex('device_events_device_idx').on('device_events').columns(['device_id', 'id']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('api_key_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_type', 'text')
    .addColumn('response_body', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['api_key_id', 'key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['idempotency_keys', 'device_events', 'devices', 'collections', 'donors', 'counters', 'api_keys']) {
    await db.schema.dropTable(table).execute();
  }
}

import { sql, type Kysely } from 'kysely';
import { blob } from './helpers.js';

/**
 * Signatures and frozen contracts move out of the installation row into parts of at most
 * 64 KiB, each written in a transaction of its own before the completion's transaction, which
 * then only points at them: writing (and, on SQLite, fsyncing) a megabyte inside the
 * completion's transaction held every other writer of the service for tens of milliseconds.
 */
const BLOBS = [
  ['signature_png', 'signature_blob'],
  ['staff_signature_png', 'staff_signature_blob'],
  ['contract_pdf', 'contract_pdf_blob'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('installation_blobs')
    .addColumn('blob_id', 'text', (c) => c.notNull())
    .addColumn('part', 'integer', (c) => c.notNull())
    // Whose blob it is, referenced yet or not: anonymisation erases them all, the sweep the unreferenced.
    .addColumn('installation_id', 'text', (c) => c.notNull().references('installations.id'))
    .addColumn('bytes', blob(db), (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('installation_blobs_pk', ['blob_id', 'part'])
    .execute();
  await db.schema.createIndex('installation_blobs_installation_idx').on('installation_blobs').column('installation_id').execute();
  for (const [, pointer] of BLOBS) await db.schema.alterTable('installations').addColumn(pointer, 'text').execute();
  for (const [column, pointer] of BLOBS) {
    // Existing bytes become a one-part blob whose id is derived from the row and column.
    await sql`insert into installation_blobs (blob_id, part, installation_id, bytes, created_at)
      select id || ${`:${column}`}, 0, id, ${sql.ref(column)}, updated_at from installations where ${sql.ref(column)} is not null`.execute(db);
    await sql`update installations set ${sql.ref(pointer)} = id || ${`:${column}`} where ${sql.ref(column)} is not null`.execute(db);
    await db.schema.alterTable('installations').dropColumn(column).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [column, pointer] of BLOBS) {
    await db.schema.alterTable('installations').addColumn(column, blob(db)).execute();
    const rows = await db.selectFrom('installations').select(['id', pointer]).where(pointer, 'is not', null).execute();
    for (const row of rows) {
      const parts = await db.selectFrom('installation_blobs').select('bytes').where('blob_id', '=', row[pointer]).orderBy('part').execute();
      await db.updateTable('installations').set({ [column]: Buffer.concat(parts.map((p) => Buffer.from(p.bytes))) }).where('id', '=', row.id).execute();
    }
    await db.schema.alterTable('installations').dropColumn(pointer).execute();
  }
  await db.schema.dropTable('installation_blobs').execute();
}

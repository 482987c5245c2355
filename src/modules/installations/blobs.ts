import { sql } from 'kysely';
import { nowIso } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { newId } from '../../db/ids.js';
import type { Executor, Trx } from '../../db/transaction.js';

/**
 * Signatures and frozen contracts are stored apart from the installation row, in parts of at
 * most BLOB_PART_BYTES, each inserted in a write of its own *before* the transaction that
 * changes the installation: that transaction then only stores the blob's id. Writing a
 * megabyte (a 500 KB signature and the contract that embeds it) inside it held SQLite's write
 * lock (and PostgreSQL's event-order lock) for its write and fsync, 50 ms and more; a part
 * holds it for a few milliseconds. `npm run bench:completion` measures it.
 *
 * A blob that no installation ends up pointing at (a completion that failed after staging,
 * a crash) is deleted by `sweepOrphanBlobs` after an hour, and by anonymisation at once: it
 * may be a person's signature.
 */
export const BLOB_PART_BYTES = 64 * 1024;
const ORPHAN_AFTER_MS = 3600 * 1000;
const POINTERS = ['signature_blob', 'staff_signature_blob', 'contract_pdf_blob'] as const;

/** Writes `bytes` as a new blob of the installation, part by part; returns its id. */
export async function stageBlob(db: Db, installationId: string, bytes: Buffer): Promise<string> {
  const blobId = newId();
  const createdAt = nowIso();
  for (let part = 0; part === 0 || part * BLOB_PART_BYTES < bytes.length; part++) {
    const chunk = bytes.subarray(part * BLOB_PART_BYTES, (part + 1) * BLOB_PART_BYTES);
    await db.kysely.insertInto('installation_blobs').values({ blob_id: blobId, part, installation_id: installationId, bytes: chunk, created_at: createdAt }).execute();
  }
  return blobId;
}

/** Best effort after a failure: the sweep catches what this misses. */
export async function discardBlobs(db: Db, blobIds: (string | null)[]): Promise<void> {
  const ids = blobIds.filter((id): id is string => id !== null);
  if (ids.length === 0) return;
  await db.kysely.deleteFrom('installation_blobs').where('blob_id', 'in', ids).execute().catch(() => undefined);
}

export async function readBlob(db: Executor, blobId: string): Promise<Buffer> {
  const parts = await db.selectFrom('installation_blobs').select('bytes').where('blob_id', '=', blobId).orderBy('part').execute();
  return Buffer.concat(parts.map((p) => Buffer.from(p.bytes)));
}

/** Inside a transaction: deletes every blob of these installations but the ones to keep. */
export async function deleteBlobsOf(trx: Trx, installationIds: string[], keep: (string | null)[]): Promise<void> {
  if (installationIds.length === 0) return;
  const kept = keep.filter((id): id is string => id !== null);
  let query = trx.deleteFrom('installation_blobs').where('installation_id', 'in', installationIds);
  if (kept.length > 0) query = query.where('blob_id', 'not in', kept);
  await query.execute();
}

/** Deletes the blobs older than an hour that no installation points at. */
export async function sweepOrphanBlobs(db: Db): Promise<number> {
  const before = new Date(Date.parse(nowIso()) - ORPHAN_AFTER_MS).toISOString();
  const result = await db.kysely
    .deleteFrom('installation_blobs')
    .where('created_at', '<', before)
    .where(sql<boolean>`not exists (select 1 from installations where ${sql.join(
      POINTERS.map((p) => sql`installations.${sql.ref(p)} = installation_blobs.blob_id`),
      sql` or `,
    )})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

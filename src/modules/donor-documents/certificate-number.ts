import type { Db } from '../../db/connection.js';
import { isUniqueViolation } from '../../db/errors.js';
import { newId } from '../../db/ids.js';
import { inTransaction, nowIso, takeNumbers } from '../../db/transaction.js';
import { notFound } from '../../http/problem.js';

export const formatCertificateNumber = (n: number) => `CE-${String(n).padStart(6, '0')}`;

export interface IssuedCertificate {
  number: number;
  issuedAt: string;
}

/**
 * The certificate number for this content: the same content keeps its number (and date);
 * changed content (another device erased) gets the next number from the database counter.
 */
export async function certificateFor(db: Db, collectionId: string, sha256: string, complete: boolean, deviceCount: number): Promise<IssuedCertificate> {
  const existing = () =>
    db.kysely.selectFrom('certificates').select(['number', 'issued_at']).where('collection_id', '=', collectionId).where('content_sha256', '=', sha256).executeTakeFirst();
  const found = await existing();
  if (found) return { number: Number(found.number), issuedAt: found.issued_at };
  try {
    return await inTransaction(db, async (trx) => {
      const number = await takeNumbers(trx, 'certificate', 1);
      const issuedAt = nowIso();
      await trx
        .insertInto('certificates')
        .values({ id: newId(), number, collection_id: collectionId, content_sha256: sha256, complete: complete ? 1 : 0, device_count: deviceCount, issued_at: issuedAt })
        .execute();
      return { number, issuedAt };
    });
  } catch (error) {
    // Two first downloads at once: the other one numbered it.
    const raced = isUniqueViolation(error) ? await existing() : undefined;
    if (raced) return { number: Number(raced.number), issuedAt: raced.issued_at };
    throw error;
  }
}

export async function getCertificate(db: Db, numberText: string) {
  const match = /^(?:CE-)?0*(\d{1,12})$/i.exec(numberText.trim());
  const row = match
    ? await db.kysely.selectFrom('certificates').selectAll().where('number', '=', Number(match[1])).executeTakeFirst()
    : undefined;
  if (!row) throw notFound(`Certificate ${numberText}`);
  return {
    number: formatCertificateNumber(Number(row.number)),
    collectionId: row.collection_id,
    contentSha256: row.content_sha256,
    complete: row.complete === 1,
    deviceCount: row.device_count,
    issuedAt: row.issued_at,
  };
}

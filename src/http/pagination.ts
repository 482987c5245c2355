import { z } from 'zod';
import { hasControlCharacters } from '../shared/fields.js';
import { badRequest } from './problem.js';

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Items per page (max 500)'),
  cursor: z.string().max(200).optional().describe('The `nextCursor` of the previous page'),
});

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  });
}

/** Cursors are opaque to clients: the last row's sort key, base64url-encoded. */
export function encodeCursor(key: string | number): string {
  return Buffer.from(JSON.stringify([key])).toString('base64url');
}

export function decodeCursor<T extends string | number>(cursor: string | undefined, type: 'string' | 'number'): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [key] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    // Numbers must be safe integers: PostgreSQL refuses 1.5 or Infinity for a bigint.
    // Strings must be text PostgreSQL accepts: a forged cursor holding NUL was a 500 there.
    if (typeof key === 'string' && type === 'string' && !hasControlCharacters(key) && key.length <= 200) return key as T;
    if (typeof key === 'number' && type === 'number' && Number.isSafeInteger(key)) return key as T;
  } catch {
    // fall through to the answer below
  }
  throw badRequest('The cursor is not one this API gave', [{ path: 'query.cursor', message: 'invalid cursor' }]);
}

/** Rows were fetched with `limit + 1`: the extra one only says there is a next page. */
export function toPage<Row, Item>(rows: Row[], limit: number, keyOf: (row: Row) => string | number, map: (row: Row) => Item) {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return {
    items: pageRows.map(map),
    nextCursor: hasMore ? encodeCursor(keyOf(pageRows[pageRows.length - 1])) : null,
  };
}

import { sql, type Expression, type SqlBool } from 'kysely';

/** `%term%` with LIKE's wildcards escaped, lower-cased for a case-insensitive match on both databases. */
export function containsPattern(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function lowerLike(column: string, pattern: string): Expression<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}

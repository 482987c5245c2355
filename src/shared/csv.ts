import type { Options } from 'csv-stringify';
import { z } from 'zod';

export const CSV_DELIMITERS = { comma: ',', semicolon: ';' } as const;
export type CsvDelimiter = keyof typeof CSV_DELIMITERS;

/** The `delimiter` query field of every CSV answer. */
export const csvDelimiterField = z
  .enum(['comma', 'semicolon'])
  .default('comma')
  .describe('CSV only: `semicolon` (with decimal commas) for a French Excel');

/**
 * RFC 4180 (CRLF, quotes doubled) in UTF-8 with a BOM so that Excel reads accents right. A cell
 * holding a line break is quoted whatever the break (csv-stringify quotes only the record
 * delimiter, CRLF, so a lone LF in a note split the row and its second line escaped the
 * formula guard). Cells starting with = + - @ tab or CR get a leading apostrophe so that a
 * spreadsheet never runs them as formulas. With `;` as delimiter numbers take a decimal comma,
 * as a French Excel expects.
 */
export function csvOptions(delimiter: CsvDelimiter, columns: string[]): Options {
  const decimalComma = delimiter === 'semicolon';
  return {
    bom: true,
    header: true,
    columns,
    delimiter: CSV_DELIMITERS[delimiter],
    record_delimiter: 'windows',
    quoted_match: /[\r\n]/,
    escape_formulas: true,
    cast: { number: (value) => (decimalComma ? String(value).replace('.', ',') : String(value)) },
  };
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

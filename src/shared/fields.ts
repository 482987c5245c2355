import { z } from 'zod';

// Field rules shared by every module's schemas: one definition, one error message.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** True when the text holds a control character (no stored value does; PostgreSQL refuses NUL). */
export function hasControlCharacters(text: string): boolean {
  return CONTROL.test(text);
}
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Nothing a reader would see: whitespace (U+00A0 and the other Unicode spaces included) and
 * invisible format characters (category Cf: U+200B zero-width space, U+200C/D joiners, U+2060
 * word joiner, U+FEFF, bidi marks…), which String.prototype.trim leaves in place.
 */
const BLANK = /^[\s\p{Cf}]*$/u;

/** True when the text shows nothing: empty, whitespace or invisible format characters only. */
export function isBlank(text: string): boolean {
  return BLANK.test(text);
}

/** One line of text: trimmed, not blank (invisible characters count as blank), no control characters. */
export const line = (max = 200) =>
  z
    .string()
    .trim()
    .min(1, { message: 'must not be empty', abort: true })
    .refine((s) => !isBlank(s), { message: 'must not be empty', abort: true })
    .max(max)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters');

/** Free text such as notes: line breaks allowed. */
export const text = (max = 2000) =>
  z.string().trim().max(max).refine((s) => !CONTROL_BUT_NEWLINES.test(s), 'must not contain control characters');

/** Dates this API accepts: no record of the programme falls outside, and a year 0 or 9999 only breaks arithmetic. */
export const MIN_DATE = '2000-01-01';
export const MAX_DATE = '2100-12-31';
const inRange = (day: string) => day >= MIN_DATE && day <= MAX_DATE;
const RANGE_MESSAGE = `must be between ${MIN_DATE} and ${MAX_DATE}`;

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), { message: 'not a real date', abort: true })
  .refine(inRange, { message: RANGE_MESSAGE, abort: true })
  .meta({ format: 'date', example: '2026-11-23' });

/** In answers: values as stored, once the request rules below have normalised them. */
export const storedEmail = z.string().meta({ format: 'email', example: 'contact@example.fr' });
export const storedPhone = z.string().meta({ pattern: '^0[1-9](?: \\d{2}){4}$', example: '04 79 96 86 00' });
export const storedSiret = z.string().meta({ pattern: '^\\d{14}$', example: '21730065600014' });
export const storedPostcode = z.string().meta({ pattern: '^\\d{5}$', example: '73000' });

/** An instant in an answer (ISO-8601, UTC). */
export const timestamp = z.string().meta({ format: 'date-time', example: '2026-11-23T09:30:00.000Z' });

/** A calendar day in an answer (YYYY-MM-DD). */
export const day = z.string().meta({ format: 'date', example: '2026-11-23' });

/** An instant with its offset; compared by its UTC day with the same range as dates. */
export const isoDateTime = z.iso
  .datetime({ offset: true })
  // Runs even when the format check failed: an unparsable string is left to that check's message.
  .refine((s) => Number.isNaN(Date.parse(s)) || inRange(new Date(s).toISOString().slice(0, 10)), { message: RANGE_MESSAGE, abort: true })
  .meta({ example: '2026-11-23T09:30:00Z' });

export const id = z.string().min(1).max(64).regex(/^[0-9a-z]+$/, 'not an id of this API');
export const idParams = z.object({ id });

export const postcode = z
  .string()
  .trim()
  .regex(/^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$/, 'expected a French postcode (5 digits)')
  .meta({ example: '73000' });

export const email = z.string().trim().max(254).pipe(z.email('expected an e-mail address')).meta({ format: 'email', example: 'contact@example.fr' });

// Separators a person types between digits; the national 0 may follow +33 in brackets.
const SEP = String.raw`[\s.\-()]*`;
const PHONE = new RegExp(String.raw`^${SEP}(?:(?:\+|00)${SEP}3${SEP}3${SEP}(?:\(0\)${SEP})?|0${SEP})[1-9](?:${SEP}\d){8}${SEP}$`);

/** French phone numbers, stored in the usual national layout `04 79 96 86 00`. */
export const phone = z
  .string()
  .max(30)
  .regex(PHONE, 'expected a French phone number such as 04 79 96 86 00')
  .trim()
  // "+33 (0)4 79 …" is common: the national 0 in brackets goes with the country code.
  .transform((s) => s.replace(/\(0\)/, '').replace(/[\s.\-()]/g, '').replace(/^(?:\+|00)33/, '0'))
  .refine((s) => /^0[1-9]\d{8}$/.test(s), 'expected a French phone number such as 04 79 96 86 00')
  .transform((s) => s.replace(/(\d{2})(?=\d)/g, '$1 '))
  .meta({ example: '04 79 96 86 00' });

/** Luhn checksum; La Poste's establishments (SIREN 356000000) but its head office use their own rule. */
export function isValidSiret(siret: string): boolean {
  if (!/^\d{14}$/.test(siret)) return false;
  if (siret.startsWith('356000000') && siret !== '35600000000048') return [...siret].reduce((sum, d) => sum + Number(d), 0) % 5 === 0;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let digit = Number(siret[13 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

export const siret = z
  .string()
  .regex(/^(?:\s*\d){14}\s*$/, 'expected 14 digits')
  .transform((s) => s.replace(/\s/g, ''))
  .refine((s) => /^\d{14}$/.test(s), { message: 'expected 14 digits', abort: true })
  .refine(isValidSiret, 'checksum does not match: check the digits')
  .meta({ example: '21730065600014', description: 'SIRET: 14 digits (spaces allowed) whose Luhn checksum holds (La Poste’s establishments: digit sum a multiple of 5)' });

/** Optional on create, clearable with null on update. */
export const optional = <T extends z.ZodType>(schema: T) => schema.nullish();

/** A search term from a query string: no control characters (PostgreSQL refuses NUL in text). */
export const searchTerm = (max = 100) =>
  z.string().trim().max(max).refine((s) => !CONTROL.test(s), 'must not contain control characters');

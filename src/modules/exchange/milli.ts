import { z } from 'zod';

/**
 * Exchange amounts are exact decimals held as integers of thousandths: 0.25 monitor credit is
 * 250, and sums of thousands of entries never drift. Decimals enter as text or a JSON number
 * and are parsed digit by digit, never multiplied as floats.
 */
export function parseMilli(value: number | string): number | undefined {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = /^([+-])?(\d{1,9})(?:\.(\d{1,3}))?$/.exec(text);
  if (!match) return undefined;
  const milli = Number(match[2]) * 1000 + Number((match[3] ?? '').padEnd(3, '0'));
  return match[1] === '-' ? -milli : milli;
}

/** For JSON answers: the nearest double prints as the exact decimal (1234.567). */
export const fromMilli = (milli: number) => milli / 1000;

/** For CSV and documents: exact text with three decimals, `-12.250`. */
export function formatMilli(milli: number): string {
  const sign = milli < 0 ? '-' : '';
  const abs = Math.abs(milli);
  return `${sign}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
}

/** A decimal with at most three decimals, as a number or a string; parsed to thousandths. */
export const decimalUnits = z
  .union([z.number(), z.string().max(20).regex(/^\s*[+-]?\d{1,9}(?:\.\d{1,3})?\s*$/, 'expected a decimal with at most three decimals')])
  .describe('An exact decimal with at most three decimals, as a number or a string (`"0.25"`)')
  .transform((value, ctx) => {
    const milli = parseMilli(value);
    if (milli === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a decimal with at most 3 decimals, e.g. 0.25' });
      return z.NEVER;
    }
    return milli;
  })
  .meta({ example: 0.25 });

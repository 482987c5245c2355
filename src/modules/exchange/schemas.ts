import { csvDelimiterField } from '../../shared/csv.js';
import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.js';
import { day, isoDate, line, optional, text, timestamp } from '../../shared/fields.js';
import { DEVICE_KINDS } from '../devices/schemas.js';
import { decimalUnits } from './milli.js';
import { ENTRY_TYPES, type EntryType } from '../../shared/enums.js';

export { ENTRY_TYPES, type EntryType };

const creditsByKindInput = z
  .partialRecord(z.enum(DEVICE_KINDS), decimalUnits.refine((m) => m >= 0, 'must not be negative'))
  .describe('Credits earned per shipped device of each kind; kinds not listed earn nothing');

export const termsInputSchema = z.strictObject({
  creditsByKind: creditsByKindInput,
  effectiveOn: isoDate.optional().describe('First dispatch date these terms apply to; today by default'),
  notes: optional(text(1000)),
});
export type TermsInput = z.infer<typeof termsInputSchema>;

export const termsSchema = z
  .object({
    id: z.string(),
    effectiveOn: day,
    creditsByKind: z.partialRecord(z.enum(DEVICE_KINDS), z.number()).describe('Credits per shipped device of each kind; kinds not listed earn nothing'),
    notes: z.string().nullable(),
    createdBy: z.string(),
    createdAt: timestamp,
  })
  .meta({ id: 'ExchangeTerms' });
export type Terms = z.infer<typeof termsSchema>;

export const summarySchema = z
  .object({
    asOf: day,
    terms: termsSchema.describe('The terms in force today'),
    credits: z.number().describe('Credits earned by dispatched devices, net of devices reported missing'),
    unitsReceived: z.number().describe('Units delivered by the reconditioner'),
    adjustments: z.number(),
    balance: z.number().describe('credits − unitsReceived + adjustments: units still owed by the reconditioner'),
    entryCount: z.number().int(),
  })
  .meta({ id: 'ExchangeSummary' });
export type ExchangeSummary = z.infer<typeof summarySchema>;

export const entrySchema = z
  .object({
    id: z.string(),
    type: z.enum(ENTRY_TYPES),
    occurredOn: day,
    units: z.number().describe('Signed: credits and positive adjustments add, units received subtract'),
    balance: z.number().describe('Running balance after this entry'),
    shipmentId: z.string().nullable(),
    deliveryId: z.string().nullable(),
    deviceId: z.string().nullable(),
    assetTag: z.string().nullable(),
    kind: z.enum(DEVICE_KINDS).nullable(),
    reason: z.string().nullable(),
    createdBy: z.string(),
    createdAt: timestamp,
  })
  .meta({ id: 'ExchangeEntry' });
export type Entry = z.infer<typeof entrySchema>;

export const entriesQuerySchema = pageQuerySchema.extend({ delimiter: csvDelimiterField });

export const adjustmentInputSchema = z.strictObject({
  units: decimalUnits.refine((m) => m !== 0, 'must not be zero').describe('Signed units: positive adds to the balance owed, negative takes off'),
  reason: line(500),
  occurredOn: isoDate.optional().describe('Today by default'),
});
export type AdjustmentInput = z.infer<typeof adjustmentInputSchema>;

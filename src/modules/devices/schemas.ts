import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.js';
import { day, id, isoDate, isoDateTime, line, optional, searchTerm, text, timestamp } from '../../shared/fields.js';
import { DEVICE_KINDS, DEVICE_STATUSES, GRADES, ORIGINS, STORAGE_TYPES, type DeviceStatus } from '../../shared/enums.js';

export { DEVICE_KINDS, DEVICE_STATUSES, GRADES, ORIGINS, STORAGE_TYPES, type DeviceStatus };
/** Every event a device's history holds: intake, update, one per lifecycle action, erasure, missing. */
export const EVENT_TYPES = ['intake', 'update', 'dispatch', 'deliver', 'recondition', 'schedule', 'cancel', 'complete', 'return', 'scrap', 'erasure', 'missing'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Kinds the programme counts as computers ("ordinateurs") in its figures. */
export const COMPUTER_KINDS: readonly DeviceKind[] = ['laptop', 'desktop', 'all_in_one'];
/** Kinds that hold user data, so must be erased before reuse. */
export const DATA_BEARING_KINDS: readonly DeviceKind[] = ['laptop', 'desktop', 'all_in_one', 'tablet', 'smartphone'];

export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Trimmed, upper-cased, inner spaces removed: what a scanner, a label and a person type all match. */
export function normaliseSerial(serial: string): string {
  return serial.trim().toUpperCase().replace(/\s+/g, '');
}

export const serialNumber = z
  .string()
  .max(100)
  .transform(normaliseSerial)
  .refine((s) => s.length > 0, 'must not be empty')
  .refine((s) => /^[\x21-\x7e]+$/.test(s), 'only letters, digits and ASCII punctuation')
  .meta({ example: '5CG1234XYZ' });

export const specsSchema = z.strictObject({
  cpu: optional(line(120)).meta({ example: 'Intel Core i5-8350U' }),
  ramGb: optional(z.number().min(0).max(4096)),
  storageGb: optional(z.number().min(0).max(1_000_000)),
  storageType: optional(z.enum(STORAGE_TYPES)),
  os: optional(line(120)).meta({ example: 'Linux Mint 22' }),
});

export const intakeDeviceSchema = z
  .strictObject({
    kind: z.enum(DEVICE_KINDS),
    brand: optional(line(100)).meta({ example: 'HP' }),
    model: optional(line(100)).meta({ example: 'EliteBook 840 G5' }),
    serialNumber: optional(serialNumber),
    specs: optional(specsSchema),
    grade: optional(z.enum(GRADES)),
    weightKg: optional(z.number().min(0).max(500)),
    notes: optional(text()),
  })
  .meta({ id: 'DeviceIntake' });
export type DeviceIntake = z.infer<typeof intakeDeviceSchema>;

/** Kinds that run no operating system of their own: an `os` on them is a typing mistake. */
export const KINDS_WITHOUT_OS: readonly DeviceKind[] = ['monitor', 'printer', 'peripheral'];
export const osRefused = (kind: string | undefined, os: string | null | undefined) => !!os && KINDS_WITHOUT_OS.includes(kind as DeviceKind);
export const osRefusedMessage = (kind: string) => `a ${kind} has no operating system; leave os out`;

type SpecsInput = { os?: string | null; storageGb?: number | null; storageType?: string | null } | null | undefined;

/**
 * What a device of this kind may not carry, as a field error: a system on a monitor, printer or
 * peripheral, and storage on any kind that is not erased. A computer recorded as a monitor (or as
 * `other`) with its disk would otherwise go to a home without an erasure.
 */
export function specsRefusal(kind: DeviceKind, specs: SpecsInput): { path: string; message: string } | null {
  if (osRefused(kind, specs?.os)) return { path: 'specs.os', message: osRefusedMessage(kind) };
  if (DATA_BEARING_KINDS.includes(kind)) return null;
  for (const field of ['storageGb', 'storageType'] as const) {
    if (specs?.[field] != null) return { path: `specs.${field}`, message: `a device of kind ${kind} is not erased, so it holds no storage; leave ${field} out (a device with a disk to erase is a computer, a tablet or a smartphone)` };
  }
  return null;
}

/** Adds the "no OS nor storage on a monitor or peripheral" rule to a device shape (kept apart so the shape can still be extended). */
export function withSpecsRule<T extends z.ZodType<{ kind: DeviceKind; specs?: SpecsInput }>>(schema: T) {
  return schema.superRefine((device, ctx) => {
    const refusal = specsRefusal(device.kind, device.specs);
    if (refusal) ctx.addIssue({ code: 'custom', path: refusal.path.split('.'), message: refusal.message });
  });
}

export const MAX_BATCH = 500;
/** One device taken in, with the kind's rules: what the API and the web intake grid both check. */
export const checkedIntakeSchema = withSpecsRule(intakeDeviceSchema);
export const intakeBodySchema = z.union([checkedIntakeSchema, z.array(checkedIntakeSchema).min(1).max(MAX_BATCH)]);

export const updateDeviceSchema = intakeDeviceSchema
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'give at least one field to change');
export type DeviceUpdateInput = z.infer<typeof updateDeviceSchema>;

export const deviceSchema = z
  .object({
    id: z.string(),
    assetTag: z.string().meta({ example: 'OP-000042' }),
    kind: z.enum(DEVICE_KINDS),
    brand: z.string().nullable(),
    model: z.string().nullable(),
    serialNumber: z.string().nullable(),
    specs: z.object({
      cpu: z.string().nullable(),
      ramGb: z.number().nullable(),
      storageGb: z.number().nullable(),
      storageType: z.enum(STORAGE_TYPES).nullable(),
      os: z.string().nullable(),
    }),
    grade: z.enum(GRADES).nullable(),
    weightKg: z.number().nullable(),
    notes: z.string().nullable(),
    status: z.enum(DEVICE_STATUSES),
    origin: z.enum(ORIGINS),
    collectionId: z.string().nullable(),
    donorId: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    missingSince: timestamp.nullable().describe('When the reconditioner reported this device as not received; null otherwise'),
  })
  .meta({ id: 'Device' });
export type Device = z.infer<typeof deviceSchema>;

/**
 * One value or several of an enum in a query string: `status=ready,reserved` or
 * `status=ready&status=reserved` (what generated clients send for an array).
 */
const csv = <T extends readonly [string, ...string[]]>(values: T) => {
  const value = `(?:${values.join('|')})`;
  // The split comes after the union: a transform inside a branch would hide it from the document.
  return z
    .union([
      z.array(z.enum(values)).min(1),
      z.string().regex(new RegExp(`^[\\s,]*${value}(?:\\s*,[\\s,]*${value})*[\\s,]*$`), `expected one or more of ${values.join(', ')}, comma-separated`),
    ])
    .transform((v) => (typeof v === 'string' ? (v.split(',').map((s) => s.trim()).filter(Boolean) as T[number][]) : v));
};

export const listDevicesQuerySchema = pageQuerySchema.extend({
  status: csv(DEVICE_STATUSES).optional().describe('One status or several, comma-separated'),
  kind: csv(DEVICE_KINDS).optional().describe('One kind or several, comma-separated'),
  donorId: id.optional(),
  collectionId: id.optional(),
  q: searchTerm(100).optional().describe('Part of the asset tag, serial number, brand or model'),
  updatedSince: isoDateTime
    .transform((s) => new Date(s).toISOString())
    .optional()
    .describe('Only devices changed at or after this instant (ISO-8601)'),
});
export type ListDevicesQuery = z.infer<typeof listDevicesQuerySchema>;

export const scrapSchema = z.strictObject({
  reason: line(500),
  scrappedOn: isoDate.optional().describe('The day it went to recycling (today by default; not in the future, nor before the device came into the programme or last came back from a home); reports count by it'),
  notes: optional(text()),
  destructionCertificate: optional(line(100)).describe(
    "Reference of the recycler's certificate of destruction; a data-bearing device without a passing Purge or Destroy on record needs it",
  ),
});
export type ScrapInput = z.infer<typeof scrapSchema>;

export const eventSchema = z
  .object({
    id: z.string().describe('Also the change feed cursor'),
    deviceId: z.string(),
    assetTag: z.string(),
    type: z.enum(EVENT_TYPES),
    fromStatus: z.enum(DEVICE_STATUSES).nullable(),
    toStatus: z.enum(DEVICE_STATUSES).nullable(),
    at: timestamp.describe('When it was recorded'),
    occurredOn: day.describe('The business date it stands for (dispatch, receipt, installation, return, collection or scrapping date; for an erasure, the day it was performed, in Paris); reports count by it'),
    actor: z.string(),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'DeviceEvent' });
export type DeviceEvent = z.infer<typeof eventSchema>;

export const codeParams = z.object({
  code: z.string().min(1).max(500).describe('Asset tag, serial number or the whole label URL (URL-encoded)'),
});

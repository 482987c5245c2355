import { nowMs } from '../../clock.js';
import { z } from 'zod';
import { id, isoDateTime, line, optional, text, timestamp } from '../../shared/fields.js';
import { STORAGE_TYPES } from '../devices/schemas.js';
import { ERASURE_METHODS, ERASURE_RESULTS } from '../../shared/enums.js';

/** The Clear / Purge / Destroy categories of NIST SP 800-88 (Rev. 2, September 2025). */
export { ERASURE_METHODS, ERASURE_RESULTS };
export type ErasureMethod = (typeof ERASURE_METHODS)[number];

/** Methods that let media leave the donor's control for reuse (a Clear does not). */
export const QUALIFYING_METHODS: readonly ErasureMethod[] = ['nist-800-88-purge', 'nist-800-88-destroy'];

const FUTURE_SKEW_MS = 5 * 60 * 1000;

export const storageMediumSchema = z.strictObject({
  serialNumber: optional(line(100)),
  capacityGb: optional(z.number().min(0).max(1_000_000)),
  type: optional(z.enum(STORAGE_TYPES)),
});

export const erasureInputSchema = z
  .strictObject({
    method: z.enum(ERASURE_METHODS),
    tool: line(200).meta({ example: 'Blancco Drive Eraser 7.14' }),
    performedAt: isoDateTime.refine((s) => Date.parse(s) <= nowMs() + FUTURE_SKEW_MS, 'must not be in the future'),
    operator: line(120),
    result: z.enum(ERASURE_RESULTS),
    verification: optional(text(1000)).describe('How the result was verified (e.g. full-read verification, sampling)'),
    storage: z.array(storageMediumSchema).max(32).default([]),
    toolReportSha256: optional(z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hexadecimal digits').transform((s) => s.toLowerCase())),
    notes: optional(text()),
    supersedes: optional(id).describe('Id of an earlier record of the same device that this one corrects'),
  });
export type ErasureInput = z.infer<typeof erasureInputSchema>;

export const erasureSchema = z
  .object({
    id: z.string(),
    deviceId: z.string(),
    method: z.enum(ERASURE_METHODS),
    standard: z.string().describe('The method in words, e.g. "NIST SP 800-88 Rev. 2 — Purge"'),
    tool: z.string(),
    performedAt: timestamp,
    operator: z.string(),
    result: z.enum(ERASURE_RESULTS),
    verification: z.string().nullable(),
    storage: z.array(z.object({ serialNumber: z.string().nullable(), capacityGb: z.number().nullable(), type: z.enum(STORAGE_TYPES).nullable() })),
    toolReportSha256: z.string().nullable(),
    notes: z.string().nullable(),
    supersedesId: z.string().nullable(),
    supersededById: z.string().nullable(),
    counts: z.boolean().describe('True for the one record that counts: the latest passing one not superseded'),
    deliveryId: z.string().nullable().describe("Set when the record is the reconditioner's attestation on a delivery"),
    recordedBy: z.string(),
    createdAt: timestamp,
  })
  .meta({ id: 'Erasure' });
export type Erasure = z.infer<typeof erasureSchema>;

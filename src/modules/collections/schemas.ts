import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.js';
import { DEVICE_STATUSES } from '../../shared/device-statuses.js';
import { day, id, isoDate, line, optional, postcode, searchTerm, storedPostcode, text, timestamp } from '../../shared/fields.js';
import { DONOR_KINDS } from '../donors/schemas.js';

export const createCollectionSchema = z.strictObject({
  donorId: id,
  collectedOn: isoDate,
  addressLine: optional(line(200)).describe("Where the machines were picked up; defaults to the donor's address"),
  postcode: optional(postcode),
  city: optional(line(100)),
  notes: optional(text()),
});
export type CreateCollection = z.infer<typeof createCollectionSchema>;

export const collectionSchema = z
  .object({
    id: z.string(),
    donorId: z.string(),
    donor: z.object({ id: z.string(), name: z.string(), kind: z.enum(DONOR_KINDS) }),
    collectedOn: day,
    addressLine: z.string().nullable(),
    postcode: storedPostcode.nullable(),
    city: z.string().nullable(),
    notes: z.string().nullable(),
    deviceCount: z.number().int(),
    totalWeightKg: z.number(),
    createdBy: z.string(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Collection' });
export type Collection = z.infer<typeof collectionSchema>;

export const listCollectionsQuerySchema = pageQuerySchema.extend({
  donorId: id.optional(),
  from: isoDate.optional().describe('Collected on or after'),
  to: isoDate.optional().describe('Collected on or before'),
  q: searchTerm(100).optional().describe("Part of the donor's name"),
  deviceStatus: z.enum(DEVICE_STATUSES).optional().describe('Only collections holding at least one device in this status (e.g. `collected`: devices still at the depot)'),
  order: z.enum(['id', 'newest']).default('id').describe('`id` (default): oldest record first; `newest`: latest collection date first'),
});
export type ListCollectionsQuery = z.infer<typeof listCollectionsQuerySchema>;

import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.js';
import { day, isoDate, line, optional, text, timestamp } from '../../shared/fields.js';
import { deviceSchema, intakeDeviceSchema } from '../devices/schemas.js';
import { erasureInputSchema } from '../erasure/schemas.js';

const attestation = optional(erasureInputSchema.omit({ supersedes: true })).describe("The reconditioner's erasure attestation for this unit");

export const returnedItemSchema = z.strictObject({
  code: z.string().trim().min(1).max(500).describe('A device we shipped, back reconditioned: asset tag, serial or label URL'),
  erasure: attestation,
});
export const newUnitSchema = intakeDeviceSchema.extend({ erasure: attestation });

export const createDeliverySchema = z.strictObject({
  receivedOn: isoDate,
  reference: line(100).describe("The reconditioner's delivery note number"),
  notes: optional(text()),
  items: z.array(z.union([returnedItemSchema, newUnitSchema])).min(1).max(500),
});
export type CreateDelivery = z.infer<typeof createDeliverySchema>;

export const deliverySummarySchema = z
  .object({
    id: z.string(),
    reference: z.string(),
    receivedOn: day,
    notes: z.string().nullable(),
    itemCount: z.number().int(),
    newUnits: z.number().int(),
    returnedUnits: z.number().int(),
    createdBy: z.string(),
    createdAt: timestamp,
  })
  .meta({ id: 'DeliverySummary' });

export const deliverySchema = deliverySummarySchema
  .extend({ items: z.array(z.object({ isNew: z.boolean(), device: deviceSchema })) })
  .meta({ id: 'Delivery' });
export type Delivery = z.infer<typeof deliverySchema>;
export type DeliverySummary = z.infer<typeof deliverySummarySchema>;

export const listDeliveriesQuerySchema = pageQuerySchema;

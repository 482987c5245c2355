import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.js';
import { day, isoDate, line, optional, text, timestamp } from '../../shared/fields.js';
import { GRADES, deviceSchema, intakeDeviceSchema, withSpecsRule } from '../devices/schemas.js';
import { erasureInputSchema } from '../erasure/schemas.js';

const attestation = optional(erasureInputSchema.omit({ supersedes: true })).describe(
  "The reconditioner's erasure attestation for this unit. Its `performedAt`, taken as a day in Europe/Paris, may not be after the delivery's `receivedOn` (the reconditioner erases before handing a unit over) nor, for a returning unit, before the day the unit was dispatched (422 naming `items.N.erasure.performedAt`)",
);

export const returnedItemSchema = z.strictObject({
  code: z.string().trim().min(1).max(500).describe('A device we shipped, back reconditioned: asset tag, serial or label URL'),
  erasure: attestation,
  grade: optional(z.enum(GRADES)).describe('The grade the reconditioner gave the unit; kept as it was when absent'),
});
export const newUnitSchema = withSpecsRule(intakeDeviceSchema.extend({ erasure: attestation }));

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

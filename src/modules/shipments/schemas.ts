import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.js';
import { day, id, isoDate, line, optional, text, timestamp } from '../../shared/fields.js';
import { DEVICE_KINDS, DEVICE_STATUSES } from '../devices/schemas.js';
import { SHIPMENT_STATUSES } from '../../shared/enums.js';

export { SHIPMENT_STATUSES };
export const ITEM_OUTCOMES = ['added', 'already_in_shipment', 'not_found', 'not_eligible'] as const;

export const createShipmentSchema = z.strictObject({
  reference: optional(line(60)).describe('Your reference; `EXP-<year>-<n>` from a database counter when omitted'),
  notes: optional(text()),
});
export type CreateShipment = z.infer<typeof createShipmentSchema>;

const code = z.string().trim().min(1).max(500);
export const addItemsSchema = z.strictObject({
  codes: z.array(code).min(1).max(500).describe('Scanned codes: asset tag, serial number or label URL'),
});

export const dispatchSchema = z
  .strictObject({ dispatchedOn: isoDate.optional().describe('Handover date (today by default); credits use the terms in force that day') })
  .nullish();

export const acknowledgeSchema = z
  .strictObject({
    missing: z.array(code).max(500).default([]).describe('Codes of devices that did not arrive'),
    receivedOn: isoDate.optional().describe('The day the reconditioner received the shipment (today in Paris by default); not in the future, not before its dispatch. The missing devices’ credit reversals and events are dated by it'),
    notes: optional(text()),
  })
  .nullish();

export const shipmentItemSchema = z.object({
  deviceId: z.string(),
  assetTag: z.string(),
  kind: z.enum(DEVICE_KINDS),
  brand: z.string().nullable(),
  model: z.string().nullable(),
  serialNumber: z.string().nullable(),
  weightKg: z.number().nullable(),
  status: z.enum(DEVICE_STATUSES),
  missing: z.boolean(),
  credits: z.number().nullable().describe('Credits earned by this device at dispatch'),
  addedAt: timestamp,
});
export type ShipmentItem = z.infer<typeof shipmentItemSchema>;

export const shipmentSummarySchema = z
  .object({
    id: z.string(),
    reference: z.string(),
    notes: z.string().nullable(),
    status: z.enum(SHIPMENT_STATUSES),
    itemCount: z.number().int(),
    missingCount: z.number().int(),
    totalWeightKg: z.number(),
    credits: z.number().nullable(),
    dispatchedOn: day.nullable(),
    dispatchedAt: timestamp.nullable(),
    dispatchedBy: z.string().nullable(),
    receivedOn: day.nullable().describe('The day the reconditioner received it, as acknowledged'),
    acknowledgedAt: timestamp.nullable(),
    acknowledgedBy: z.string().nullable(),
    acknowledgeNotes: z.string().nullable(),
    createdBy: z.string(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'ShipmentSummary' });
export type ShipmentSummary = z.infer<typeof shipmentSummarySchema>;

export const shipmentSchema = shipmentSummarySchema.extend({ items: z.array(shipmentItemSchema) }).meta({ id: 'Shipment' });
export type Shipment = z.infer<typeof shipmentSchema>;

export const itemResultSchema = z.object({
  code: z.string(),
  outcome: z.enum(ITEM_OUTCOMES),
  deviceId: z.string().nullable(),
  assetTag: z.string().nullable(),
  status: z.enum(DEVICE_STATUSES).nullable(),
  reason: z.string().nullable().describe('Why a device is not eligible'),
  shipmentId: z.string().nullable().describe('For a device already in another open shipment: that shipment'),
});
export type ItemResult = z.infer<typeof itemResultSchema>;

export const addItemsResultSchema = z.object({ results: z.array(itemResultSchema), shipment: shipmentSummarySchema });

export const listShipmentsQuerySchema = pageQuerySchema.extend({ status: z.enum(SHIPMENT_STATUSES).optional() });
export type ListShipmentsQuery = z.infer<typeof listShipmentsQuerySchema>;

export const itemParams = z.object({ id, deviceId: id });

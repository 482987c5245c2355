import { z } from 'zod';
import { csvDelimiterField } from '../../shared/csv.js';
import { day, timestamp } from '../../shared/fields.js';
import { DATA_BEARING_KINDS, DEVICE_KINDS, DEVICE_STATUSES, GRADES, eventSchema, listDevicesQuerySchema } from '../devices/schemas.js';

/** The device list's query, plus how to write the CSV answer. */
export const deviceListQuerySchema = listDevicesQuerySchema.extend({
  format: z.enum(['json', 'csv']).optional().describe('`csv` streams every matching device as CSV (same as `Accept: text/csv`)'),
  delimiter: csvDelimiterField,
});
export type DeviceListQuery = z.infer<typeof deviceListQuerySchema>;

const countsByKind = z.record(z.enum(DEVICE_KINDS), z.number().int());

export const inventorySummarySchema = z
  .object({
    total: z.number().int(),
    byStatus: z
      .record(z.enum(DEVICE_STATUSES), z.object({ total: z.number().int(), byKind: countsByKind }))
      .describe('Every status, each with its count by kind (zeros included)'),
    missingAtReception: z
      .object({ total: z.number().int(), byKind: countsByKind })
      .describe('Shipped devices the reconditioner reported missing at reception (also counted in `byStatus.shipped`)'),
    readyStock: z
      .array(z.object({ kind: z.enum(DEVICE_KINDS), grade: z.enum(GRADES).nullable(), count: z.number().int() }))
      .describe('Devices ready to install, by kind and grade (grade null: not graded yet)'),
    awaitingErasure: z
      .object({
        total: z.number().int(),
        items: z.array(z.object({ kind: z.enum(DATA_BEARING_KINDS as [string, ...string[]]), status: z.enum(['collected', 'returned']), count: z.number().int() })),
      })
      .describe('Data-bearing devices collected or returned with no erasure recorded since'),
    oldestByStatus: z
      .array(
        z.object({
          status: z.enum(DEVICE_STATUSES),
          deviceId: z.string(),
          assetTag: z.string(),
          since: timestamp.describe('When the move into its current status was recorded'),
          sinceOn: day.describe('The day it entered its current status (the business date: a dispatch date, a reception, an installation day…), by which it is chosen'),
          waitingDays: z.number().int().describe('Whole days from `sinceOn` to today (Paris)'),
        }),
      )
      .describe('For each status that holds devices, the one that has waited longest in it'),
  })
  .meta({ id: 'InventorySummary' });
export type InventorySummary = z.infer<typeof inventorySummarySchema>;

export const feedQuerySchema = z.object({
  after: z
    .string()
    .regex(/^\d{1,15}$/, 'an event cursor')
    .optional()
    .describe('The `nextCursor` (or any event `cursor`) already processed; omit to start from the first event'),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Events per page (max 500, like every list)'),
});

export const feedEventSchema = eventSchema.extend({ cursor: z.string().describe('Pass as `after` to read what follows') }).meta({ id: 'FeedEvent' });

export const feedPageSchema = z
  .object({
    items: z.array(feedEventSchema),
    nextCursor: z
      .string()
      .describe('Never null: on the last page it is where to poll from next (the same value when nothing new has happened)'),
    hasMore: z.boolean().describe('True when more events follow right now'),
  })
  .meta({ id: 'FeedPage' });

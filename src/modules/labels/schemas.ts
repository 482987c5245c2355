import { z } from 'zod';
import { MAX_LABELS_CEILING } from '../../config.js';
import { id } from '../../shared/fields.js';
import { DEVICE_KINDS } from '../devices/schemas.js';
import { DEFAULT_FORMAT, FORMAT_IDS } from './formats.js';

/** The body's own bound on lists; the real cap is LABELS_MAX (5,000 by default), checked by the service. */
export const MAX_LABELS = MAX_LABELS_CEILING;

const format = z.enum(FORMAT_IDS).default(DEFAULT_FORMAT).describe('Label stock; see GET /labels/formats');
const offset = (axis: string) =>
  z.coerce.number().min(-10).max(10).default(0).describe(`Shifts the whole print ${axis}, in millimetres (−10 to 10), to compensate a printer`);
const startPosition = z.coerce
  .number()
  .int()
  .min(1)
  .max(65)
  .default(1)
  .describe('First free label on a partly used sheet (1 = top left, then left to right, top to bottom)');

const placement = {
  format,
  startPosition,
  offsetXMm: offset('right'),
  offsetYMm: offset('down'),
};

export const labelRequestSchema = z
  .strictObject({
    assetTags: z.array(z.string().trim().min(1).max(50)).min(1).max(MAX_LABELS).optional().meta({ example: ['OP-000042', 'OP-000043'] }),
    deviceIds: z.array(id).min(1).max(MAX_LABELS).optional(),
    collectionId: id.optional().describe('Every device of the collection, in asset-tag order'),
    copies: z.number().int().min(1).max(20).default(1).describe('Labels per device, printed side by side'),
    ...placement,
  })
  .refine((body) => [body.assetTags, body.deviceIds, body.collectionId].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of assetTags, deviceIds or collectionId',
  })
  .meta({ id: 'LabelRequest' });
export type LabelRequest = z.infer<typeof labelRequestSchema>;

export const deviceLabelQuerySchema = z.object(placement);
export type DeviceLabelQuery = z.infer<typeof deviceLabelQuerySchema>;

export const calibrationQuerySchema = z.object({ format, offsetXMm: placement.offsetXMm, offsetYMm: placement.offsetYMm });

export const labelFormatSchema = z
  .object({
    id: z.enum(FORMAT_IDS),
    name: z.string(),
    stock: z.string().describe('What to buy or load, in French'),
    kind: z.enum(['sheet', 'roll']),
    pageWidthMm: z.number(),
    pageHeightMm: z.number(),
    columns: z.number().int(),
    rows: z.number().int(),
    labelsPerPage: z.number().int(),
    labelWidthMm: z.number(),
    labelHeightMm: z.number(),
    marginTopMm: z.number().describe('Page top edge to the top of the first row'),
    marginLeftMm: z.number().describe('Page left edge to the left of the first column'),
    pitchXMm: z.number().describe('Left edge of a label to the left edge of the next one'),
    pitchYMm: z.number().describe('Top edge of a label to the top edge of the one below'),
    content: z.enum(['full', 'compact']).describe('compact: QR code and asset tag only'),
    default: z.boolean(),
  })
  .meta({ id: 'LabelFormat' });

export const labelFormatsSchema = z.object({ items: z.array(labelFormatSchema) });

export const assetTagParams = z.object({ assetTag: z.string().min(1).max(500) });

/** What the page a label opens tells anyone: the device, the programme, whom to call. Nothing more. */
export const publicDeviceSchema = z.object({
  assetTag: z.string(),
  kind: z.enum(DEVICE_KINDS),
  kindLabel: z.string(),
  brand: z.string().nullable(),
  model: z.string().nullable(),
  programme: z.object({ name: z.string(), coordinator: z.string(), website: z.string().nullable() }),
  foundPhone: z.string(),
  message: z.string(),
});
export type PublicDevice = z.infer<typeof publicDeviceSchema>;

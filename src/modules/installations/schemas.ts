import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.js';
import { day, id, isoDate, isoDateTime, line, optional, text, timestamp } from '../../shared/fields.js';
import { DEVICE_KINDS, DEVICE_STATUSES } from '../devices/schemas.js';
import { signatureImagePng } from './signature.js';
import { INSTALLATION_DEVICE_ROLES, INSTALLATION_STATUSES, type InstallationStatus } from '../../shared/enums.js';

export { INSTALLATION_STATUSES, type InstallationStatus };

const code = z.string().trim().min(1).max(500).describe('Asset tag, serial number or label URL');

export const scheduleSchema = z
  .strictObject({
    code: code.optional().describe('The main device: asset tag, serial number or label URL (or give deviceId)'),
    deviceId: id.optional(),
    beneficiaryId: id,
    scheduledOn: isoDate.describe('The day planned: in the future, or in the past back to the day the last device of the kit became ready'),
    accessories: z.array(line(100)).max(30).default([]).meta({ example: ['chargeur', 'souris', 'sacoche'] }),
    extraDevices: z.array(code).max(20).default([]).describe('Further devices of the kit (e.g. a monitor), each by code'),
    override: z
      .strictObject({ reason: line(500) })
      .optional()
      .describe('Admin only: schedule despite unfinished training or an active installation; the reason is recorded'),
  })
  .refine((b) => (b.code === undefined) !== (b.deviceId === undefined), { message: 'give either code or deviceId', path: ['code'] });
export type ScheduleInput = z.infer<typeof scheduleSchema>;

export const signatureSchema = z.strictObject({
  imagePng: signatureImagePng().describe('The signature drawn on the tablet: a PNG image, base64-encoded (at most 512 KiB and 2,000,000 pixels, e.g. 2,000 × 1,000; no side over 4,000 × 2,000)'),
  signedBy: line(200).describe('Who signed on the tablet'),
  signedAt: isoDateTime.describe('When it was signed: as a day in Paris, the installation day (installedOn), and not in the future (422 naming signature.signedAt or staffSignature.signedAt)'),
});

export const completeSchema = z
  .strictObject({
    installedOn: isoDate.describe('Not in the future, nor before the kit was ready or the person completed the training (unless scheduled by override)'),
    installedBy: line(200).describe('The BLÉ staff member, printed in the signature block').meta({ example: 'Julien Morel' }),
    signature: signatureSchema.optional().describe("The borrower's signature"),
    staffSignature: signatureSchema.optional().describe('The signature of the BLÉ staff member who installs, for the lender'),
    earlyReason: optional(line(500)).describe('Why the installation took place before its scheduled day; required when installedOn is earlier than scheduledOn'),
  });
export type CompleteInput = z.infer<typeof completeSchema>;

export const cancelSchema = z.strictObject({ reason: optional(text(500)) });

export const returnSchema = z
  .strictObject({
    returnedOn: isoDate.describe('Not in the future, nor before the installation day'),
    reason: line(500).meta({ example: 'fin du prêt' }),
    condition: line(500).describe('State of the returned equipment').meta({ example: 'bon état, rayure sur le capot' }),
    accessoriesReturned: z.array(line(100)).max(30).default([]),
    scope: z.enum(['kit', 'device']).default('kit').describe('`kit`: every device of the loan still out; `device`: this one only'),
    receivedBy: optional(line(200)).describe('The BLÉ staff member who takes the equipment back (the API key name otherwise)'),
  });
export type ReturnInput = z.infer<typeof returnSchema>;

export const settleAccessoriesSchema = z
  .strictObject({
    settledOn: isoDate.describe('The day the accessories came back or were given up on; not in the future (as a day in Paris) nor before the installation'),
    returned: z.array(line(100)).max(30).default([]).describe('Accessories lent and still out that came back today'),
    writtenOff: z
      .array(z.strictObject({ accessory: line(100), reason: line(500).meta({ example: 'perdue lors du déménagement' }) }))
      .max(30)
      .default([])
      .describe('Accessories lent and still out that will not come back, each with the reason (printed on the return slip)'),
    receivedBy: optional(line(200)).describe('The BLÉ staff member who records it (the API key name otherwise)'),
  })
  .refine((b) => b.returned.length + b.writtenOff.length > 0, { message: 'name at least one accessory, returned or written off', path: ['returned'] });
export type SettleAccessoriesInput = z.infer<typeof settleAccessoriesSchema>;

export const accessorySettlementSchema = z.object({
  accessory: z.string(),
  outcome: z.enum(['returned', 'writtenOff']),
  on: day,
  reason: z.string().nullable().describe('Why it was written off; null when returned'),
  by: z.string(),
});

export const installationDeviceSchema = z.object({
  deviceId: z.string(),
  assetTag: z.string(),
  kind: z.enum(DEVICE_KINDS),
  serialNumber: z.string().nullable(),
  status: z.enum(DEVICE_STATUSES),
  role: z.enum(INSTALLATION_DEVICE_ROLES),
  returnedOn: day.nullable(),
  returnReason: z.string().nullable(),
  returnCondition: z.string().nullable(),
  accessoriesReturned: z.array(z.string()).nullable(),
});

export const installationSchema = z
  .object({
    id: z.string(),
    beneficiaryId: z.string(),
    beneficiaryReference: z.string(),
    status: z.enum(INSTALLATION_STATUSES),
    scheduledOn: day,
    accessories: z.array(z.string()),
    accessoriesOutstanding: z.array(z.string()).describe('Accessories lent, as on the contract, neither back nor written off: while any is listed (or a device is out) the loan stays `completed`'),
    accessorySettlements: z.array(accessorySettlementSchema).describe('Accessories recorded returned or written off after the devices came back'),
    devices: z.array(installationDeviceSchema),
    override: z.object({ reason: z.string(), by: z.string() }).nullable(),
    installedOn: day.nullable(),
    installedBy: z.string().nullable(),
    signedBy: z.string().nullable(),
    signedAt: timestamp.nullable(),
    staffSignedBy: z.string().nullable().describe("The lender's signatory on the tablet"),
    staffSignedAt: timestamp.nullable(),
    hasSignature: z.boolean(),
    contractNumber: z.string().nullable(),
    contractSha256: z.string().nullable().describe('Of the PDF as downloaded now'),
    contractOriginalSha256: z.string().nullable().describe('Of the signed PDF, kept after a redaction'),
    contractTemplateVersion: z.string().nullable(),
    contractFrozenAt: timestamp.nullable(),
    contractRedactedAt: timestamp.nullable(),
    cancelledAt: timestamp.nullable(),
    cancelReason: z.string().nullable().describe('Why a cancelled installation was called off, as given at cancellation'),
    closedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Installation' });
export type Installation = z.infer<typeof installationSchema>;

export const listInstallationsQuerySchema = pageQuerySchema.extend({
  status: z.enum(INSTALLATION_STATUSES).optional(),
  beneficiaryId: id.optional(),
});
export type ListInstallationsQuery = z.infer<typeof listInstallationsQuerySchema>;

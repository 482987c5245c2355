import { z } from 'zod';
import { timestamp } from '../../shared/fields.js';
import { DEVICE_KINDS } from '../devices/schemas.js';

export const impactSchema = z
  .object({
    donorId: z.string(),
    donorName: z.string(),
    devicesGiven: z.number().int(),
    reused: z.number().int().describe('Installed in a home (completed installation), now or before'),
    reconditioned: z.number().int().describe('Made ready for reuse, in-house or by the reconditioner'),
    shippedToReconditioner: z.number().int().describe('Handed to the reconditioner, earning exchange credits'),
    recycled: z.number().int().describe('Scrapped: sent to recycling'),
    householdsEquipped: z.number().int().describe('Distinct beneficiaries who received one of these devices'),
    totalWeightKg: z.number(),
    weightDivertedKg: z.number().describe('Weight of the devices given that did not end as waste (all but the scrapped ones)'),
    recycledWeightKg: z.number(),
    byKind: z.partialRecord(z.enum(DEVICE_KINDS), z.number().int()).describe('Devices given, by kind (kinds given none are left out)'),
  })
  .meta({ id: 'DonorImpact' });
export type DonorImpact = z.infer<typeof impactSchema>;

export const certificateRecordSchema = z
  .object({
    number: z.string(),
    collectionId: z.string(),
    contentSha256: z.string(),
    complete: z.boolean(),
    deviceCount: z.number().int(),
    issuedAt: timestamp,
  })
  .meta({ id: 'ErasureCertificateRecord' });

export const certificateParams = z.object({ number: z.string().min(1).max(20).describe('e.g. CE-000042') });

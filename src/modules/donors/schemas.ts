import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.js';
import { email, line, optional, phone, postcode, searchTerm, siret, storedEmail, storedPhone, storedPostcode, storedSiret, text, timestamp } from '../../shared/fields.js';
import { DONOR_KINDS } from '../../shared/enums.js';

export { DONOR_KINDS };

const donorFields = {
  name: line(200).meta({ example: 'Savoie Technolac SAS' }),
  kind: z.enum(DONOR_KINDS),
  siret: optional(siret),
  addressLine: optional(line(200)),
  postcode: optional(postcode),
  city: optional(line(100)),
  contactName: optional(line(200)),
  contactEmail: optional(email),
  contactPhone: optional(phone),
  notes: optional(text()),
};

export const createDonorSchema = z.strictObject(donorFields);
export const updateDonorSchema = z
  .strictObject({ ...donorFields, name: donorFields.name.optional(), kind: donorFields.kind.optional() })
  .refine((patch) => Object.keys(patch).length > 0, 'give at least one field to change');
export type CreateDonor = z.infer<typeof createDonorSchema>;
export type UpdateDonor = z.infer<typeof updateDonorSchema>;

export const donorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(DONOR_KINDS),
    siret: storedSiret.nullable(),
    addressLine: z.string().nullable(),
    postcode: storedPostcode.nullable(),
    city: z.string().nullable(),
    contactName: z.string().nullable(),
    contactEmail: storedEmail.nullable(),
    contactPhone: storedPhone.nullable(),
    notes: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Donor' });
export type Donor = z.infer<typeof donorSchema>;

export const listDonorsQuerySchema = pageQuerySchema.extend({
  q: searchTerm(100).optional().describe('Part of the name, city or SIRET'),
  kind: z.enum(DONOR_KINDS).optional(),
});
export type ListDonorsQuery = z.infer<typeof listDonorsQuerySchema>;

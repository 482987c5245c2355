import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.js';
import { day, email, isoDate, line, optional, phone, postcode, searchTerm, storedEmail, storedPhone, text, timestamp } from '../../shared/fields.js';

const beneficiaryFields = {
  firstName: line(100).meta({ example: 'Aïcha' }),
  lastName: line(100).meta({ example: 'Benali' }),
  addressLine: line(200).meta({ example: '12 rue du Bon Pasteur, bât. C' }),
  postcode: postcode,
  city: line(100).meta({ example: 'Chambéry' }),
  phone: optional(phone),
  email: optional(email),
  neighbourhood: optional(line(100)).describe('Priority neighbourhood (QPV)').meta({ example: 'Les Hauts de Chambéry' }),
  prescriber: optional(line(200)).describe('The structure that referred the person').meta({ example: 'CCAS de Chambéry' }),
  trainingCompletedOn: optional(isoDate),
  consentRecordedOn: optional(isoDate),
  notes: optional(text()),
};

export const createBeneficiarySchema = z.strictObject(beneficiaryFields);
export const updateBeneficiarySchema = z
  .strictObject(beneficiaryFields)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'give at least one field to change');
export type CreateBeneficiary = z.infer<typeof createBeneficiarySchema>;
export type UpdateBeneficiary = z.infer<typeof updateBeneficiarySchema>;

export const beneficiarySchema = z
  .object({
    id: z.string(),
    reference: z.string().meta({ example: 'B-2026-0042' }),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    addressLine: z.string().nullable(),
    postcode: z.string().nullable().describe('Reduced to the département once anonymised'),
    city: z.string().nullable(),
    phone: storedPhone.nullable(),
    email: storedEmail.nullable(),
    neighbourhood: z.string().nullable(),
    prescriber: z.string().nullable(),
    trainingCompletedOn: day.nullable(),
    consentRecordedOn: day.nullable(),
    notes: z.string().nullable(),
    anonymisedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Beneficiary' });
export type Beneficiary = z.infer<typeof beneficiarySchema>;

export const listBeneficiariesQuerySchema = pageQuerySchema.extend({
  q: searchTerm(100).optional().describe('Part of the name or the reference'),
});
export type ListBeneficiariesQuery = z.infer<typeof listBeneficiariesQuerySchema>;

export const anonymisationSchema = z
  .object({
    beneficiary: beneficiarySchema,
    contractsRedacted: z.number().int().describe('Frozen contracts replaced by a redacted rendering'),
  })
  .meta({ id: 'Anonymisation' });

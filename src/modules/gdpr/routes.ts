import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WRITERS } from '../../http/roles.js';
import { idParams, timestamp } from '../../shared/fields.js';
import { anonymisationSchema, beneficiarySchema } from '../beneficiaries/schemas.js';
import { installationSchema } from '../installations/schemas.js';
import { trainingRecordSchema } from '../training/schemas.js';
import { anonymiseBeneficiary, exportBeneficiary } from './service.js';

const exportSchema = z
  .object({
    exportedAt: timestamp,
    beneficiary: beneficiarySchema,
    installations: z.array(installationSchema),
    training: z.array(trainingRecordSchema).describe('Cycles applied to, attendance and self-assessments'),
    auditLog: z.array(z.object({ at: timestamp, actor: z.string(), action: z.string(), details: z.record(z.string(), z.unknown()).nullable() })),
  })
  .meta({ id: 'BeneficiaryExport' });

/** Right of access and right to erasure, under the beneficiaries' paths. */
export async function gdprRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['beneficiaries'];
  const roles = WRITERS.beneficiaries;

  app.get('/beneficiaries/:id/export', {
    config: { roles },
    schema: { operationId: 'exportBeneficiary', tags, summary: 'Everything held about the person (GDPR right of access)', params: idParams, response: { 200: exportSchema } },
  }, async (request) => exportBeneficiary(app.db, request.params.id));

  app.post('/beneficiaries/:id/anonymise', {
    config: { roles },
    schema: {
      operationId: 'anonymiseBeneficiary',
      tags,
      summary: 'Anonymise irreversibly (GDPR right to erasure)',
      description:
        'Removes names, contacts, address line and city, notes and signature images; reduces the postcode to the département; replaces each frozen contract with a redacted rendering. ' +
        'Keeps the reference, the device history and the contract record. Refused (409) while a loan is scheduled or in force.',
      params: idParams,
      response: { 200: anonymisationSchema },
    },
  }, async (request) => anonymiseBeneficiary(app.db, request.params.id, request.actor, 'request'));
}

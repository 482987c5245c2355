import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageSchema } from '../../http/pagination.js';
import { WRITERS } from '../../http/roles.js';
import { idParams, timestamp } from '../../shared/fields.js';
import { installationSchema } from '../installations/schemas.js';
import { trainingRecordSchema } from '../training/schemas.js';
import { anonymiseBeneficiary, exportBeneficiary } from './gdpr.js';
import { anonymisationSchema, beneficiarySchema, createBeneficiarySchema, listBeneficiariesQuerySchema, updateBeneficiarySchema } from './schemas.js';
import { createBeneficiary, getBeneficiary, listBeneficiaries, updateBeneficiary } from './service.js';

const exportSchema = z
  .object({
    exportedAt: timestamp,
    beneficiary: beneficiarySchema,
    installations: z.array(installationSchema),
    training: z.array(trainingRecordSchema).describe('Cycles applied to, attendance and self-assessments'),
    auditLog: z.array(z.object({ at: timestamp, actor: z.string(), action: z.string(), details: z.record(z.string(), z.unknown()).nullable() })),
  })
  .meta({ id: 'BeneficiaryExport' });

export async function beneficiaryRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['beneficiaries'];
  const roles = WRITERS.beneficiaries;

  app.post('/beneficiaries', {
    config: { roles },
    schema: { operationId: 'createBeneficiary', tags, summary: 'Register a trainee (personal data: installer and admin only)', body: createBeneficiarySchema, response: { 201: beneficiarySchema } },
  }, async (request, reply) => reply.code(201).send(await createBeneficiary(app.db, request.body)));

  app.get('/beneficiaries', {
    config: { roles },
    schema: { operationId: 'listBeneficiaries', tags, summary: 'List beneficiaries', querystring: listBeneficiariesQuerySchema, response: { 200: pageSchema(beneficiarySchema) } },
  }, async (request) => listBeneficiaries(app.db, request.query));

  app.get('/beneficiaries/:id', {
    config: { roles },
    schema: { operationId: 'getBeneficiary', tags, summary: 'Get a beneficiary', params: idParams, response: { 200: beneficiarySchema } },
  }, async (request) => getBeneficiary(app.db, request.params.id));

  app.patch('/beneficiaries/:id', {
    config: { roles },
    schema: { operationId: 'updateBeneficiary', tags, summary: 'Change a beneficiary (not once anonymised)', params: idParams, body: updateBeneficiarySchema, response: { 200: beneficiarySchema } },
  }, async (request) => updateBeneficiary(app.db, request.params.id, request.body));

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

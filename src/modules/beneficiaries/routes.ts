import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { pageSchema } from '../../http/pagination.js';
import { WRITERS } from '../../http/roles.js';
import { idParams } from '../../shared/fields.js';
import { beneficiarySchema, createBeneficiarySchema, listBeneficiariesQuerySchema, updateBeneficiarySchema } from './schemas.js';
import { createBeneficiary, getBeneficiary, listBeneficiaries, updateBeneficiary } from './service.js';

export async function beneficiaryRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['beneficiaries'];
  const roles = WRITERS.beneficiaries;

  app.post('/beneficiaries', {
    // Replayed answers carry the person's data: anonymising forgets them (forgetAnswersAbout).
    config: { roles, idempotent: true },
    schema: { operationId: 'createBeneficiary', tags, summary: 'Register a trainee (personal data: installer and admin only)', description: '`trainingCompletedOn` and `consentRecordedOn` may not be after today, as a day in Paris (422 naming the field).', body: createBeneficiarySchema, response: { 201: beneficiarySchema } },
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
    schema: { operationId: 'updateBeneficiary', tags, summary: 'Change a beneficiary (not once anonymised)', description: '`trainingCompletedOn` and `consentRecordedOn` may not be after today, as a day in Paris (422 naming the field).', params: idParams, body: updateBeneficiarySchema, response: { 200: beneficiarySchema } },
  }, async (request) => updateBeneficiary(app.db, request.params.id, request.body));
}

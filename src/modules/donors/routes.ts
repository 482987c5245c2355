import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { WRITERS } from '../../http/roles.js';
import { pageSchema } from '../../http/pagination.js';
import { idParams } from '../../shared/fields.js';
import { createDonorSchema, donorSchema, listDonorsQuerySchema, updateDonorSchema } from './schemas.js';
import { createDonor, getDonor, listDonors, updateDonor } from './service.js';

export async function donorRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['donors'];

  app.post('/donors', {
    config: { roles: WRITERS.donors, idempotent: true },
    schema: { operationId: 'createDonor', tags, summary: 'Register a donor', body: createDonorSchema, response: { 201: donorSchema } },
  }, async (request, reply) => reply.code(201).send(await createDonor(app.db, request.body)));

  app.get('/donors', {
    schema: { operationId: 'listDonors', tags, summary: 'List donors', querystring: listDonorsQuerySchema, response: { 200: pageSchema(donorSchema) } },
  }, async (request) => listDonors(app.db, request.query));

  app.get('/donors/:id', {
    schema: { operationId: 'getDonor', tags, summary: 'Get a donor', params: idParams, response: { 200: donorSchema } },
  }, async (request) => getDonor(app.db, request.params.id));

  app.patch('/donors/:id', {
    config: { roles: WRITERS.donors },
    schema: { operationId: 'updateDonor', tags, summary: 'Change a donor', params: idParams, body: updateDonorSchema, response: { 200: donorSchema } },
  }, async (request) => updateDonor(app.db, request.params.id, request.body));
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isNotModified, sendNotModified } from '../../http/negotiate.js';
import { WRITERS } from '../../http/roles.js';
import { pageSchema } from '../../http/pagination.js';
import { idParams } from '../../shared/fields.js';
import { createDonorSchema, donorSchema, listDonorsQuerySchema, updateDonorSchema } from './schemas.js';
import { createDonor, donorEtag, getDonorRow, listDonors, toDonor, updateDonor } from './service.js';

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
    schema: { operationId: 'getDonor', tags, summary: 'Get a donor (with an ETag)', params: idParams, response: { 200: donorSchema, 304: z.null() } },
  }, async (request, reply) => {
    const row = await getDonorRow(app.db, request.params.id);
    const etag = donorEtag(row);
    reply.header('ETag', etag).header('Cache-Control', 'private, no-cache');
    if (isNotModified(request, etag)) return sendNotModified(reply);
    return toDonor(row);
  });

  app.patch('/donors/:id', {
    config: { roles: WRITERS.donors },
    schema: {
      operationId: 'updateDonor',
      tags,
      summary: 'Change a donor',
      description: 'Send the ETag you read as `If-Match`: a donor changed meanwhile answers 412.',
      params: idParams,
      headers: z.object({ 'if-match': z.string().max(200).optional() }),
      body: updateDonorSchema,
      response: { 200: donorSchema },
    },
  }, async (request, reply) => {
    const row = await updateDonor(app.db, request.params.id, request.body, request.headers['if-match']);
    return reply.header('ETag', donorEtag(row)).send(toDonor(row));
  });
}

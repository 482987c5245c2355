import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { WRITERS } from '../../http/roles.js';
import { pageSchema } from '../../http/pagination.js';
import { idParams } from '../../shared/fields.js';
import { collectionSchema, createCollectionSchema, listCollectionsQuerySchema } from './schemas.js';
import { createCollection, getCollection, listCollections } from './service.js';

export async function collectionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['collections'];

  app.post('/collections', {
    config: { roles: WRITERS.collections, idempotent: true },
    schema: { operationId: 'createCollection', tags, summary: 'Record a collection at a donor', description: '`collectedOn` may not be after today, as a day in Paris (422 naming `collectedOn`).', body: createCollectionSchema, response: { 201: collectionSchema } },
  }, async (request, reply) => reply.code(201).send(await createCollection(app.db, request.body, request.actor)));

  app.get('/collections', {
    schema: { operationId: 'listCollections', tags, summary: 'List collections', querystring: listCollectionsQuerySchema, response: { 200: pageSchema(collectionSchema) } },
  }, async (request) => listCollections(app.db, request.query));

  app.get('/collections/:id', {
    schema: { operationId: 'getCollection', tags, summary: 'Get a collection with its device count and weight', params: idParams, response: { 200: collectionSchema } },
  }, async (request) => getCollection(app.db, request.params.id));
}

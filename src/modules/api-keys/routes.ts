import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WRITERS } from '../../http/roles.js';
import { idParams } from '../../shared/fields.js';
import { apiKeySchema, createApiKeySchema, createdApiKeySchema } from './schemas.js';
import { createApiKey, listApiKeys, revokeApiKey } from './service.js';

export async function apiKeyRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['api keys'];
  const config = { roles: WRITERS.admin };

  app.post('/api-keys', {
    config,
    schema: { operationId: 'createApiKey', tags, summary: 'Create an API key (the secret is shown once)', body: createApiKeySchema, response: { 201: createdApiKeySchema } },
  }, async (request, reply) => reply.code(201).header('Cache-Control', 'no-store').send(await createApiKey(app.db, request.body)));

  app.get('/api-keys', {
    config,
    schema: { operationId: 'listApiKeys', tags, summary: 'List API keys (never their secrets)', response: { 200: z.object({ items: z.array(apiKeySchema) }) } },
  }, async () => ({ items: await listApiKeys(app.db) }));

  app.delete('/api-keys/:id', {
    config,
    schema: { operationId: 'revokeApiKey', tags, summary: 'Revoke an API key, at once', params: idParams, response: { 204: z.null() } },
  }, async (request, reply) => {
    await revokeApiKey(app.db, request.params.id);
    return reply.code(204).send(null);
  });
}

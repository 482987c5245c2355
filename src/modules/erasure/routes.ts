import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WRITERS } from '../../http/roles.js';
import { idParams } from '../../shared/fields.js';
import { erasureInputSchema, erasureSchema } from './schemas.js';
import { listErasures, recordErasure } from './service.js';

export async function erasureRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['erasure'];

  app.post('/devices/:id/erasure', {
    config: { roles: WRITERS.erasure, idempotent: true },
    schema: {
      operationId: 'recordErasure',
      tags,
      summary: 'Record a data erasure (immutable; a correction is a new record that supersedes)',
      description: 'Several records per device are kept (a failed pass, then a passing one); the latest passing one not superseded counts. The device keeps its status; an `erasure` event joins its history. `performedAt`, as a day in Paris, may not come before the device came into the programme (its collection, or its reception for a unit new from TRIRA) nor before it last came back from a home (422 naming `performedAt`); after a return, only a record performed on or after the return day can clear the device.',
      params: idParams,
      body: erasureInputSchema,
      response: { 201: erasureSchema },
    },
  }, async (request, reply) => reply.code(201).send(await recordErasure(app.db, request.params.id, request.body, request.actor)));

  app.get('/devices/:id/erasures', {
    schema: { operationId: 'listErasures', tags, summary: "A device's erasure records, oldest first", params: idParams, response: { 200: z.object({ items: z.array(erasureSchema) }) } },
  }, async (request) => ({ items: await listErasures(app.db, request.params.id) }));
}

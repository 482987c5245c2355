import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { WRITERS } from '../../http/roles.js';
import { pageSchema } from '../../http/pagination.js';
import { idParams } from '../../shared/fields.js';
import { createDeliverySchema, deliverySchema, deliverySummarySchema, listDeliveriesQuerySchema } from './schemas.js';
import { createDelivery, getDelivery, listDeliveries } from './service.js';

export async function deliveryRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['deliveries'];

  app.post('/deliveries', {
    config: { roles: WRITERS.deliveries, idempotent: true },
    schema: {
      operationId: 'receiveDelivery',
      tags,
      summary: 'Receive reconditioned computers (all or nothing)',
      description: 'An item is `{code}` — a device we shipped, back reconditioned — or a new unit (intake shape) that gets an asset tag with `origin: reconditioner`. All become `ready`. `receivedOn` may not be after today, as a day in Paris (422 naming `receivedOn`). Each item may carry `erasure`, the reconditioner’s attestation, dated (as a day in Paris) no later than `receivedOn` and, for a returning unit, no earlier than its dispatch: otherwise 422 naming `items.N.erasure.performedAt`. Its `erasure` event is dated by `performedAt` (Paris day) and comes before the unit’s `deliver` event.',
      body: createDeliverySchema,
      response: { 201: deliverySchema },
    },
  }, async (request, reply) => reply.code(201).send(await createDelivery(app.db, request.body, request.actor, app.config.assetTagPrefix)));

  app.get('/deliveries', {
    schema: { operationId: 'listDeliveries', tags, summary: 'List deliveries', querystring: listDeliveriesQuerySchema, response: { 200: pageSchema(deliverySummarySchema) } },
  }, async (request) => listDeliveries(app.db, request.query.limit, request.query.cursor));

  app.get('/deliveries/:id', {
    schema: { operationId: 'getDelivery', tags, summary: 'A delivery with its devices', params: idParams, response: { 200: deliverySchema } },
  }, async (request) => getDelivery(app.db.kysely, request.params.id));
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { WRITERS } from '../../http/roles.js';
import { idParams } from '../../shared/fields.js';
import { deviceSchema } from '../devices/schemas.js';
import { toDevice } from '../devices/service.js';
import { reconditionSchema } from './schemas.js';
import { reconditionDevice } from './service.js';

export async function reconditioningRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post('/devices/:id/recondition', {
    config: { roles: WRITERS.recondition },
    schema: {
      operationId: 'reconditionDevice',
      tags: ['devices'],
      summary: 'Recondition in-house (collected or returned → ready)',
      description: 'A data-bearing device (laptop, desktop, all-in-one, tablet, smartphone) needs a passing Purge erasure record — or a Destroy of storage that was replaced — as the record that counts; otherwise 409 says what is missing. A Clear alone does not qualify. `reconditionedOn` may be neither after today (Paris day) nor before the device came into the programme (its collection, or its reception from TRIRA) or last came back from a home (422 naming `reconditionedOn`).',
      params: idParams,
      body: reconditionSchema,
      response: { 200: deviceSchema },
    },
  }, async (request) => toDevice(await reconditionDevice(app.db, request.params.id, request.body, request.actor)));
}

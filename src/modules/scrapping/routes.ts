import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { WRITERS } from '../../http/roles.js';
import { idParams } from '../../shared/fields.js';
import { deviceSchema, scrapSchema } from '../devices/schemas.js';
import { toDevice } from '../devices/service.js';
import { scrapDevice } from './service.js';

/** Scrapping: its own module, like reconditioning, because it reads the erasure records. */
export async function scrappingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['devices'];

  app.post('/devices/:id/scrap', {
    config: { roles: WRITERS.scrap },
    schema: { operationId: 'scrapDevice', tags, summary: 'Scrap a device (sent to recycling)', description: 'A data-bearing device without a passing Purge or Destroy since it last left a home needs the recycler\'s destruction certificate reference: otherwise 409 naming `destructionCertificate`. `scrappedOn` may be neither after today (Paris day) nor before the device came into the programme or last came back from a home (422 naming `scrappedOn`); the donor\'s erasure certificate prints it as the destruction date.', params: idParams, body: scrapSchema, response: { 200: deviceSchema } },
  }, async (request) => toDevice(await scrapDevice(app.db, request.params.id, request.body, request.actor)));
}

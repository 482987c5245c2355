import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentEtag, isNotModified, preferredType, sendNotModified } from '../../http/negotiate.js';
import { pageSchema } from '../../http/pagination.js';
import { deviceSchema } from '../devices/schemas.js';
import { listDevices } from '../devices/service.js';
import { sendDevicesCsv } from './csv.js';
import { readFeed } from './feed.js';
import { deviceListQuerySchema, feedPageSchema, feedQuerySchema, inventorySummarySchema } from './schemas.js';
import { inventorySummary } from './summary.js';

export async function inventoryRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  // The device list lives here with its CSV form and filters: devices know nothing of the inventory.
  app.get('/devices', {
    config: { csv: true },
    schema: {
      operationId: 'listDevices',
      tags: ['devices'],
      summary: 'List devices (JSON pages, or every match as CSV)',
      description: 'With `Accept: text/csv` or `format=csv`, streams every matching device as CSV (UTF-8 with BOM, RFC 4180); `cursor` and `limit` are then ignored.',
      querystring: deviceListQuerySchema,
      response: { 200: pageSchema(deviceSchema) },
    },
  }, async (request, reply) => {
    if (preferredType(request, ['application/json', 'text/csv']) === 'text/csv') return sendDevicesCsv(reply, app.db, request.query);
    return listDevices(app.db, request.query);
  });

  app.get('/inventory/summary', {
    schema: {
      operationId: 'getInventorySummary',
      tags: ['inventory'],
      summary: 'Stock at a glance (with an ETag)',
      description: 'Counts by status and kind, ready stock by kind and grade, devices awaiting erasure, the oldest device in each status. Send the ETag back as `If-None-Match`: 304 while nothing changed.',
      response: { 200: inventorySummarySchema, 304: z.null() },
    },
  }, async (request, reply) => {
    const summary = await inventorySummary(app.db);
    const etag = contentEtag(JSON.stringify(summary));
    reply.header('ETag', etag).header('Cache-Control', 'private, no-cache');
    if (isNotModified(request, etag)) return sendNotModified(reply);
    return summary;
  });

  app.get('/events', {
    schema: {
      operationId: 'listEvents',
      tags: ['inventory'],
      summary: 'Change feed: every device event, in commit order',
      description:
        'Start without `after`, then pass each page’s `nextCursor` as `after`. Events come in the order they were committed, none missed or repeated, even under concurrent writes. `nextCursor` is never null: when `hasMore` is false, wait and poll again with it.',
      querystring: feedQuerySchema,
      response: { 200: feedPageSchema },
    },
  }, async (request) => readFeed(app.db, request.query.after, request.query.limit));
}

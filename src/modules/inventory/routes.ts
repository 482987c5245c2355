import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentEtag, isNotModified, sendNotModified } from '../../http/negotiate.js';
import { readFeed } from './feed.js';
import { feedPageSchema, feedQuerySchema, inventorySummarySchema } from './schemas.js';
import { inventorySummary } from './summary.js';

export async function inventoryRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

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

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WRITERS } from '../../http/roles.js';
import { pageSchema } from '../../http/pagination.js';
import { prefersCsv } from './accept.js';
import { adjustmentInputSchema, entriesQuerySchema, entrySchema, summarySchema, termsInputSchema, termsSchema } from './schemas.js';
import { addAdjustment, entriesCsv, getExchangeSummary, listEntries } from './service.js';
import { listTerms, setTerms } from './terms.js';

export async function exchangeRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['exchange'];

  app.get('/exchange', {
    schema: { operationId: 'getExchangeSummary', tags, summary: 'Terms in force, credits earned, units received, adjustments and balance', response: { 200: summarySchema } },
  }, async () => getExchangeSummary(app.db));

  app.get('/exchange/terms', {
    schema: { operationId: 'listExchangeTerms', tags, summary: 'Every terms change, oldest first', response: { 200: z.object({ items: z.array(termsSchema) }) } },
  }, async () => ({ items: await listTerms(app.db) }));

  app.put('/exchange/terms', {
    config: { roles: WRITERS.exchangeTerms },
    schema: {
      operationId: 'setExchangeTerms',
      tags,
      summary: 'Change the terms (dated and kept)',
      description: 'Credits use the terms in force on each dispatch date. A change may not take effect on or before a dispatch date already credited (409).',
      body: termsInputSchema,
      response: { 200: termsSchema },
    },
  }, async (request) => setTerms(app.db, request.body, request.actor));

  app.get('/exchange/entries', {
    config: { csv: true },
    schema: {
      operationId: 'listExchangeEntries',
      tags,
      summary: 'Every ledger entry with its running balance',
      description: 'Oldest first, cursor-paginated. With `Accept: text/csv`, the whole ledger as CSV (amounts as exact decimals).',
      querystring: entriesQuerySchema,
      response: { 200: pageSchema(entrySchema) },
    },
  }, async (request, reply) => {
    if (prefersCsv(request.headers.accept)) {
      return reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', 'attachment; filename="exchange-entries.csv"')
        .send(entriesCsv(app.db) as never);
    }
    return listEntries(app.db, request.query.limit, request.query.cursor);
  });

  app.post('/exchange/adjustments', {
    config: { roles: WRITERS.exchangeTerms, idempotent: true },
    schema: { operationId: 'adjustExchangeBalance', tags, summary: 'Adjust the balance by hand, with a reason', body: adjustmentInputSchema, response: { 201: entrySchema } },
  }, async (request, reply) => reply.code(201).send(await addAdjustment(app.db, request.body, request.actor)));
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { sendProblem } from '../../http/problem.js';

export async function healthRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const config = { public: true };
  const tags = ['health'];

  app.get('/health', {
    config,
    schema: { operationId: 'getHealth', tags, summary: 'The process is up', security: [], response: { 200: z.object({ status: z.literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/ready', {
    config: { ...config, responseHeaders: { 503: { 'Retry-After': 'Seconds to wait before asking again' } } },
    // Ready or not, nothing more: which database runs behind is no business of an anonymous caller.
    schema: { operationId: 'getReadiness', tags, summary: 'The database answers', security: [], response: { 200: z.object({ status: z.literal('ready') }) } },
  }, async (request, reply) => {
    try {
      await sql`select 1`.execute(app.db.kysely);
      return { status: 'ready' as const };
    } catch (error) {
      request.log.warn({ err: error }, 'database not reachable');
      return sendProblem(reply.header('Retry-After', '5'), 503, 'The database is not reachable');
    }
  });
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeviceRow } from '../../db/schema.js';
import { WRITERS } from '../../http/roles.js';
import { pageQuerySchema, pageSchema } from '../../http/pagination.js';
import { idParams } from '../../shared/fields.js';
import { isNotModified, sendNotModified } from '../../http/negotiate.js';
import { intakeDevices } from './intake.js';
import {
  codeParams,
  deviceSchema,
  eventSchema,
  intakeBodySchema,
  updateDeviceSchema,
} from './schemas.js';
import { etagOf, getDeviceRow, listDeviceEvents, resolveCode, toDevice, updateDevice } from './service.js';

/** One device sent, one device answered; an array sent, `{items}` answered (also what an idempotent replay sends). */
function intakeAnswer(rows: DeviceRow[], body: unknown) {
  return Array.isArray(body) ? { items: rows.map(toDevice) } : toDevice(rows[0]);
}

export async function deviceRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['devices'];

  app.post('/collections/:id/devices', {
    config: { roles: WRITERS.intake, idempotent: { body: (rows: DeviceRow[], request) => intakeAnswer(rows, request.body) } },
    schema: {
      operationId: 'intakeDevices',
      tags,
      summary: 'Register collected devices (one, or up to 500 at once: all or nothing)',
      description: 'Each device gets the next asset tag. Send `Idempotency-Key` so that a repeated scan creates nothing twice.',
      params: idParams,
      body: intakeBodySchema,
      response: { 201: z.union([deviceSchema, z.object({ items: z.array(deviceSchema) })]).describe('Created: the device, or `{items}` when an array was sent') },
    },
  }, async (request, reply) => {
    const items = Array.isArray(request.body) ? request.body : [request.body];
    const rows = await intakeDevices(app.db, request.params.id, items, request.actor, app.config.assetTagPrefix);
    return reply.code(201).send(intakeAnswer(rows, request.body));
  });

  app.get('/devices/:id', {
    schema: { operationId: 'getDevice', tags, summary: 'Get a device (with an ETag)', params: idParams, response: { 200: deviceSchema, 304: z.null() } },
  }, async (request, reply) => {
    const row = await getDeviceRow(app.db.kysely, request.params.id);
    const etag = etagOf(row);
    reply.header('ETag', etag).header('Cache-Control', 'private, no-cache');
    if (isNotModified(request, etag)) return sendNotModified(reply);
    return toDevice(row);
  });

  app.patch('/devices/:id', {
    config: { roles: WRITERS.deviceEdit },
    schema: {
      operationId: 'updateDevice',
      tags,
      summary: 'Change descriptive fields (never the status)',
      description: 'Send the ETag you read as `If-Match`: a device changed meanwhile answers 412.',
      params: idParams,
      headers: z.object({ 'if-match': z.string().max(200).optional() }),
      body: updateDeviceSchema,
      response: { 200: deviceSchema },
    },
  }, async (request, reply) => {
    const row = await updateDevice(app.db, request.params.id, request.body, request.headers['if-match'], request.actor);
    return reply.header('ETag', etagOf(row)).send(toDevice(row));
  });

  app.get('/devices/:id/events', {
    schema: { operationId: 'listDeviceEvents', tags, summary: "A device's history, oldest first", params: idParams, querystring: pageQuerySchema, response: { 200: pageSchema(eventSchema) } },
  }, async (request) => listDeviceEvents(app.db, request.params.id, request.query.limit, request.query.cursor));


  app.get('/scan/:code', {
    // A code is whatever was scanned or typed (a name by mistake): never in a log line.
    config: { logRouteNotPath: true },
    schema: { operationId: 'scanDevice', tags, summary: 'Find a device by asset tag, serial number or label URL', params: codeParams, response: { 200: deviceSchema } },
  }, (request) => {
    // Not async: on SQLite the answer is sent without a promise.
    const row = resolveCode(app.db, request.params.code);
    return row instanceof Promise ? row.then(toDevice) : toDevice(row);
  });
}

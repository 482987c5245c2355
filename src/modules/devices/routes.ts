import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WRITERS } from '../../http/roles.js';
import { pageQuerySchema, pageSchema } from '../../http/pagination.js';
import { idParams } from '../../shared/fields.js';
import { isNotModified, preferredType, sendNotModified } from '../../http/negotiate.js';
import { sendDevicesCsv } from '../inventory/csv.js';
import { deviceListQuerySchema } from '../inventory/schemas.js';
import { intakeDevices } from './intake.js';
import {
  codeParams,
  deviceSchema,
  eventSchema,
  intakeBodySchema,
  scrapSchema,
  updateDeviceSchema,
} from './schemas.js';
import { etagOf, getDeviceRow, listDeviceEvents, listDevices, resolveCode, scrapDevice, toDevice, updateDevice } from './service.js';

export async function deviceRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['devices'];

  app.post('/collections/:id/devices', {
    config: { roles: WRITERS.intake, idempotent: true },
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
    const batch = Array.isArray(request.body);
    const items = Array.isArray(request.body) ? request.body : [request.body];
    const rows = await intakeDevices(app.db, request.params.id, items, request.actor, app.config.assetTagPrefix);
    return reply.code(201).send(batch ? { items: rows.map(toDevice) } : toDevice(rows[0]));
  });

  app.get('/devices', {
    config: { csv: true },
    schema: {
      operationId: 'listDevices',
      tags,
      summary: 'List devices (JSON pages, or every match as CSV)',
      description: 'With `Accept: text/csv` or `format=csv`, streams every matching device as CSV (UTF-8 with BOM, RFC 4180); `cursor` and `limit` are then ignored.',
      querystring: deviceListQuerySchema,
      response: { 200: pageSchema(deviceSchema) },
    },
  }, async (request, reply) => {
    if (preferredType(request, ['application/json', 'text/csv']) === 'text/csv') return sendDevicesCsv(reply, app.db, request.query);
    return listDevices(app.db, request.query);
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

  app.post('/devices/:id/scrap', {
    config: { roles: WRITERS.scrap },
    schema: { operationId: 'scrapDevice', tags, summary: 'Scrap a device (sent to recycling)', params: idParams, body: scrapSchema, response: { 200: deviceSchema } },
  }, async (request) => toDevice(await scrapDevice(app.db, request.params.id, request.body, request.actor)));

  app.get('/scan/:code', {
    schema: { operationId: 'scanDevice', tags, summary: 'Find a device by asset tag, serial number or label URL', params: codeParams, response: { 200: deviceSchema } },
  }, (request) => {
    // Not async: on SQLite the answer is sent without a promise.
    const row = resolveCode(app.db, request.params.code);
    return row instanceof Promise ? row.then(toDevice) : toDevice(row);
  });
}

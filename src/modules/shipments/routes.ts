import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WRITERS } from '../../http/roles.js';
import { pageSchema } from '../../http/pagination.js';
import { pdfResponse } from '../../http/openapi.js';
import { sendPdfBuffer } from '../../pdf/send.js';
import { idParams } from '../../shared/fields.js';
import { acknowledgeShipment } from './acknowledge.js';
import { dispatchShipment } from './dispatch.js';
import { addItems, removeItem } from './items.js';
import { renderManifest } from './manifest.js';
import {
  acknowledgeSchema,
  addItemsResultSchema,
  addItemsSchema,
  createShipmentSchema,
  dispatchSchema,
  itemParams,
  listShipmentsQuerySchema,
  shipmentSchema,
  shipmentSummarySchema,
} from './schemas.js';
import { createShipment, getShipment, listShipments } from './service.js';

export async function shipmentRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['shipments'];

  app.post('/shipments', {
    config: { roles: WRITERS.shipments, idempotent: true },
    schema: { operationId: 'createShipment', tags, summary: 'Open a shipment to the reconditioner', body: createShipmentSchema, response: { 201: shipmentSummarySchema } },
  }, async (request, reply) => reply.code(201).send(await createShipment(app.db, request.body, request.actor)));

  app.get('/shipments', {
    schema: { operationId: 'listShipments', tags, summary: 'List shipments', querystring: listShipmentsQuerySchema, response: { 200: pageSchema(shipmentSummarySchema) } },
  }, async (request) => listShipments(app.db, request.query));

  app.get('/shipments/:id', {
    schema: { operationId: 'getShipment', tags, summary: 'A shipment with its devices', params: idParams, response: { 200: shipmentSchema } },
  }, async (request) => getShipment(app.db, request.params.id));

  app.post('/shipments/:id/items', {
    config: { roles: WRITERS.shipments, idempotent: true },
    schema: {
      operationId: 'addShipmentItems',
      tags,
      summary: 'Add scanned devices; answers per code',
      description: 'Each code is `added`, `already_in_shipment`, `not_found` or `not_eligible` (with the device status and why). A bad code never blocks the good ones; scanning twice is harmless. A device sits in one open shipment at most.',
      params: idParams,
      body: addItemsSchema,
      response: { 200: addItemsResultSchema },
    },
  }, async (request) => addItems(app.db, request.params.id, request.body.codes));

  app.delete('/shipments/:id/items/:deviceId', {
    config: { roles: WRITERS.shipments },
    schema: { operationId: 'removeShipmentItem', tags, summary: 'Take a device out of an open shipment', params: itemParams, response: { 204: z.null() } },
  }, async (request, reply) => {
    await removeItem(app.db, request.params.id, request.params.deviceId);
    return reply.code(204).send(null);
  });

  app.post('/shipments/:id/dispatch', {
    config: { roles: WRITERS.shipments },
    schema: {
      operationId: 'dispatchShipment',
      tags,
      summary: 'Dispatch: every device turns shipped and the shipment freezes',
      description: 'One transaction. An empty shipment, or one already dispatched, is 409; so is a device that cannot be shipped any more (409 names it). Credits use the terms in force on `dispatchedOn`, which may not be after today (Paris day) nor before a device of the shipment was in our hands: collected (or received new from the reconditioner) and back from any home it was lent to (422 naming `dispatchedOn`, with the device and that day in the detail).',
      params: idParams,
      body: dispatchSchema,
      response: { 200: shipmentSummarySchema },
    },
  }, async (request) => dispatchShipment(app.db, request.params.id, request.body?.dispatchedOn, request.actor));

  app.post('/shipments/:id/acknowledge', {
    config: { roles: WRITERS.acknowledge },
    schema: {
      operationId: 'acknowledgeShipment',
      tags,
      summary: 'The reconditioner confirms receipt, listing any device that did not arrive',
      description: 'Missing devices are flagged (`missingSince` on the device, `missing` on the item), get a `missing` event, and their credits are reversed, dated by `receivedOn` (today in Paris by default). `receivedOn` may not be after today in Paris nor before the dispatch (422 naming `receivedOn`).',
      params: idParams,
      body: acknowledgeSchema,
      response: { 200: shipmentSummarySchema },
    },
  }, async (request) => acknowledgeShipment(app.db, request.params.id, { missing: [], ...request.body }, request.actor));

  app.get('/shipments/:id/manifest.pdf', {
    schema: { operationId: 'getShipmentManifestPdf', tags, summary: 'The handover slip (PDF, French)', params: idParams, response: { 200: pdfResponse() } },
  }, async (request, reply) => {
    const { bytes, filename } = await renderManifest(app.db, request.params.id);
    return sendPdfBuffer(reply, bytes, filename);
  });
}

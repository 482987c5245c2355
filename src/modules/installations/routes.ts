import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { pageSchema } from '../../http/pagination.js';
import { WRITERS } from '../../http/roles.js';
import { pdfResponse } from '../../http/openapi.js';
import { sendPdfBuffer } from '../../pdf/send.js';
import { idParams } from '../../shared/fields.js';
import { sweepOrphanBlobs } from './blobs.js';
import { returnDevice, returnReceiptPdf, settleAccessories } from './returns.js';
import { cancelSchema, completeSchema, installationSchema, listInstallationsQuerySchema, returnSchema, scheduleSchema, settleAccessoriesSchema } from './schemas.js';
import { cancelInstallation, completeInstallation, contractPdf, getInstallation, listInstallations, scheduleInstallation } from './service.js';

export async function installationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['installations'];
  const roles = WRITERS.installations;

  // Blobs a failed or crashed completion left behind may hold a signature: swept on start and hourly.
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = () => sweepOrphanBlobs(app.db).catch((err: unknown) => app.log.warn({ err }, 'blob sweep failed'));
  app.addHook('onReady', async () => {
    await sweep();
    sweeper = setInterval(sweep, 3600 * 1000).unref();
  });
  app.addHook('onClose', async () => clearInterval(sweeper));

  app.post('/installations', {
    config: { roles, idempotent: true },
    schema: {
      operationId: 'scheduleInstallation',
      tags,
      summary: 'Schedule a home installation: reserves the whole kit',
      description:
        'Refused with 409 when a device is not ready, the beneficiary has not completed the training, or already holds an active installation. ' +
        'An admin may override the last two with `override.reason`, which is recorded. ' +
        '`scheduledOn` may be in the future, and in the past only back to the day the last device of the kit became ready (reconditioned or received from TRIRA): earlier, 422 naming `scheduledOn`, which no override lifts.',
      body: scheduleSchema,
      response: { 201: installationSchema },
    },
  }, async (request, reply) => reply.code(201).send(await scheduleInstallation(app.db, request.body, request.actor)));

  app.get('/installations', {
    config: { roles },
    schema: { operationId: 'listInstallations', tags, summary: 'List installations', querystring: listInstallationsQuerySchema, response: { 200: pageSchema(installationSchema) } },
  }, async (request) => listInstallations(app.db, request.query));

  app.get('/installations/:id', {
    config: { roles },
    schema: { operationId: 'getInstallation', tags, summary: 'Get an installation', params: idParams, response: { 200: installationSchema } },
  }, async (request) => getInstallation(app.db, request.params.id));

  // Not idempotent-replayed: the stored answer would keep the signer's name past an anonymisation.
  // A repeated completion is answered 409 instead.
  app.post('/installations/:id/complete', {
    config: { roles },
    schema: {
      operationId: 'completeInstallation',
      tags,
      summary: 'Record the installation: devices installed, contract numbered and frozen',
      description: '`installedOn` may not be after today, as a day in Paris, nor before the day the last device of the kit became ready, nor before the person\'s `trainingCompletedOn` unless an admin scheduled the installation by override; before the scheduled day it needs `earlyReason` (422 naming `installedOn`; no contract number is taken). The optional tablet signature is drawn into the contract. The final PDF is rendered once; every later download returns the same bytes.',
      params: idParams,
      body: completeSchema,
      response: { 200: installationSchema },
    },
  }, async (request) => completeInstallation(app.db, request.params.id, request.body, request.actor, app.config));

  app.post('/installations/:id/cancel', {
    config: { roles },
    schema: { operationId: 'cancelInstallation', tags, summary: 'Cancel a scheduled installation: the kit is ready again', params: idParams, body: cancelSchema, response: { 200: installationSchema } },
  }, async (request) => cancelInstallation(app.db, request.params.id, request.body.reason, request.actor));

  app.get('/installations/:id/contract.pdf', {
    config: { roles, responseHeaders: { 200: { ETag: 'Once signed: the SHA-256 (hex) of the frozen contract, quoted; absent on a draft' } } },
    schema: {
      operationId: 'getContractPdf',
      tags,
      summary: 'The loan contract: a draft marked PROJET before completion, then the frozen signed copy',
      params: idParams,
      response: { 200: pdfResponse() },
    },
  }, async (request, reply) => {
    const contract = await contractPdf(app.db, request.params.id, app.config);
    if (contract.sha256) reply.header('ETag', `"${contract.sha256}"`);
    return sendPdfBuffer(reply, contract.bytes, contract.filename);
  });

  app.get('/installations/:id/return-receipt.pdf', {
    config: { roles },
    schema: {
      operationId: 'getReturnReceiptPdf',
      tags,
      summary: 'The return slip for what came back',
      description:
        'Lists every device and accessory lent and, for each, whether it came back (and when), was written off (with the reason) or is still out. ' +
        'It says the loan is closed exactly when the installation is `closed`; otherwise it names what is still out. 409 before anything came back.',
      params: idParams,
      response: { 200: pdfResponse() },
    },
  }, async (request, reply) => {
    const receipt = await returnReceiptPdf(app.db, request.params.id);
    return sendPdfBuffer(reply, receipt.bytes, receipt.filename);
  });

  app.post('/devices/:id/return', {
    config: { roles },
    schema: {
      operationId: 'returnDevice',
      tags: ['devices', ...tags],
      summary: 'Take back a loaned kit, or one device of it (installed → returned)',
      description:
        'The installation becomes `closed` once nothing lent is still out: every device back and every accessory lent back (ticked in `accessoriesReturned` ' +
        'with any device returned) or settled later through `settleAccessories`. While a lent accessory is missing the loan stays `completed` ' +
        '(`accessoriesOutstanding` names it): the person cannot be anonymised nor lent another kit without an admin override. ' +
        '`returnedOn` may be neither after today (Paris day) nor before the installation day (422 naming `returnedOn`).',
      params: idParams,
      body: returnSchema,
      response: { 200: installationSchema },
    },
  }, async (request) => returnDevice(app.db, request.params.id, request.body, request.actor));

  app.post('/installations/:id/accessories', {
    config: { roles },
    schema: {
      operationId: 'settleAccessories',
      tags,
      summary: 'Record lent accessories that came back later, or write them off with a reason',
      description:
        'Each accessory named must be lent (as on the contract, case and accents ignored) and still out: otherwise 422 naming `returned.N` or `writtenOff.N.accessory`. ' +
        '`settledOn` may not be in the future (as a day in Paris) nor before the installation (422 naming it). 409 unless the installation is `completed`. ' +
        'Once every device is back and every accessory back or written off, the installation is `closed`; the return slip prints each write-off with its reason.',
      params: idParams,
      body: settleAccessoriesSchema,
      response: { 200: installationSchema },
    },
  }, async (request) => settleAccessories(app.db, request.params.id, request.body, request.actor));
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { WRITERS } from '../../http/roles.js';
import { pdfResponse } from '../../http/openapi.js';
import { sendPdf } from '../../pdf/send.js';
import { idParams } from '../../shared/fields.js';
import { createLabelDocument, drawCalibration, drawLabels, labelDocumentTitle } from './render.js';
import { calibrationQuerySchema, deviceLabelQuerySchema, labelFormatsSchema, labelRequestSchema } from './schemas.js';
import { checkedFormat, deviceLabelContent, listFormats, prepareLabels } from './service.js';

export async function labelRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['labels'];

  app.post('/labels', {
    config: { roles: WRITERS.labels },
    schema: {
      operationId: 'printLabels',
      tags,
      summary: 'Print QR asset labels (PDF)',
      description:
        'Give exactly one of `assetTags`, `deviceIds` or `collectionId`. Unknown tags or ids are a 422 naming them, and nothing is printed. ' +
        'The PDF streams as it is drawn.',
      body: labelRequestSchema,
      response: { 200: pdfResponse('The labels, streamed as they are drawn') },
    },
  }, async (request, reply) => {
    const job = await prepareLabels(app.db, app.config.publicUrl, request.body, app.config.limits.labelsMax);
    const doc = createLabelDocument(job.format, labelDocumentTitle(job.count));
    return sendPdf(reply, doc, job.filename, () => drawLabels(doc, job.format, job.contents, job));
  });

  app.get('/devices/:id/label.pdf', {
    config: { roles: WRITERS.labels },
    schema: { operationId: 'getDeviceLabelPdf', tags, summary: "One device's label (PDF)", params: idParams, querystring: deviceLabelQuerySchema, response: { 200: pdfResponse() } },
  }, async (request, reply) => {
    const format = checkedFormat(request.query.format, request.query.startPosition);
    const content = await deviceLabelContent(app.db, app.config.publicUrl, request.params.id);
    const doc = createLabelDocument(format, labelDocumentTitle(1));
    return sendPdf(reply, doc, `etiquette-${content.assetTag}.pdf`, () => drawLabels(doc, format, [content], request.query));
  });

  app.get('/labels/formats', {
    schema: { operationId: 'listLabelFormats', tags, summary: 'Label formats and their geometry (millimetres, from the top-left corner of the page)', response: { 200: labelFormatsSchema } },
  }, async () => listFormats());

  app.get('/labels/calibration.pdf', {
    schema: {
      operationId: 'getLabelCalibrationPdf',
      tags,
      summary: "Calibration page: every label's outline and number, with millimetre rulers",
      description: 'Print it on plain paper, lay it over a sheet of labels, and send the shift you measure as `offsetXMm`/`offsetYMm` with your label requests.',
      querystring: calibrationQuerySchema,
      response: { 200: pdfResponse() },
    },
  }, async (request, reply) => {
    const format = checkedFormat(request.query.format);
    const doc = createLabelDocument(format, `Calibrage ${format.name}`);
    return sendPdf(reply, doc, `calibrage-${format.id}.pdf`, () => drawCalibration(doc, format, request.query));
  });
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { pdfResponse } from '../../http/openapi.js';
import { sendPdfBuffer } from '../../pdf/send.js';
import { idParams } from '../../shared/fields.js';
import { getCertificate } from './certificate-number.js';
import { renderErasureCertificate } from './erasure-certificate.js';
import { donorImpact } from './impact.js';
import { renderCollectionReceipt } from './receipt.js';
import { certificateParams, certificateRecordSchema, impactSchema } from './schemas.js';

const pdf = { response: { 200: pdfResponse() } };

export async function donorDocumentRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['donor documents'];

  app.get('/collections/:id/receipt.pdf', {
    schema: { operationId: 'getCollectionReceiptPdf', tags, summary: 'Attestation of collection (PDF, French)', params: idParams, ...pdf },
  }, async (request, reply) => {
    const { bytes, filename } = await renderCollectionReceipt(app.db, request.params.id);
    return sendPdfBuffer(reply, bytes, filename);
  });

  app.get('/collections/:id/erasure-certificate.pdf', {
    config: {
      responseHeaders: {
        200: { 'X-Certificate-Number': 'The certificate’s number', 'X-Content-SHA256': 'SHA-256 (hex) of the certified content, as printed on the certificate' },
      },
    },
    schema: {
      operationId: 'getErasureCertificatePdf',
      tags,
      summary: 'Certificate of data erasure (PDF, French)',
      description: 'Numbered from a database counter (the same content keeps its number); "partiel" until every data-bearing device has a passing erasure. The SHA-256 of the certified content is printed and returned in `X-Content-SHA256`.',
      params: idParams,
      ...pdf,
    },
  }, async (request, reply) => {
    const { bytes, filename, number, sha256 } = await renderErasureCertificate(app.db, request.params.id);
    reply.header('X-Certificate-Number', number).header('X-Content-SHA256', sha256);
    return sendPdfBuffer(reply, bytes, filename);
  });

  app.get('/erasure-certificates/:number', {
    schema: { operationId: 'verifyErasureCertificate', tags, summary: 'Check a certificate: its number, collection and content SHA-256', params: certificateParams, response: { 200: certificateRecordSchema } },
  }, async (request) => getCertificate(app.db, request.params.number));

  app.get('/donors/:id/impact', {
    schema: { operationId: 'getDonorImpact', tags, summary: "What became of a donor's machines", params: idParams, response: { 200: impactSchema } },
  }, async (request) => donorImpact(app.db, request.params.id));
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { preferredType } from '../../http/negotiate.js';
import { pdfResponse } from '../../http/openapi.js';
import { REPORT_READERS } from '../../http/roles.js';
import { sendPdfBuffer } from '../../pdf/send.js';
import { sendReportCsv } from './csv.js';
import { toPeriod } from './period.js';
import { reportFilename, reportPdf } from './pdf.js';
import { reportQuerySchema, reportSchema } from './schemas.js';
import { programmeReport } from './service.js';

export async function reportRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['reports'];

  app.get('/reports/summary', {
    config: { csv: true, roles: REPORT_READERS },
    schema: {
      operationId: 'getProgrammeReport',
      tags,
      summary: 'The programme’s figures for a period, and by month',
      description: 'JSON by default; CSV with `Accept: text/csv` or `format=csv` (one figure a line: `month`, `metric`, `breakdown`, `value`). No personal data.',
      querystring: reportQuerySchema,
      response: { 200: reportSchema },
    },
  }, async (request, reply) => {
    const report = await programmeReport(app.db, toPeriod(request.query.from, request.query.to));
    if (preferredType(request, ['application/json', 'text/csv']) === 'text/csv') {
      return sendReportCsv(reply, report, request.query.delimiter);
    }
    return report;
  });

  app.get('/reports/summary.pdf', {
    config: { roles: REPORT_READERS },
    schema: {
      operationId: 'getProgrammeReportPdf',
      tags,
      summary: 'The programme’s figures as a one-page French PDF, for the funder’s report',
      querystring: reportQuerySchema.pick({ from: true, to: true }),
      response: { 200: pdfResponse() },
    },
  }, async (request, reply) => {
    const report = await programmeReport(app.db, toPeriod(request.query.from, request.query.to));
    return sendPdfBuffer(reply, await reportPdf(report), reportFilename(report, 'pdf'));
  });
}

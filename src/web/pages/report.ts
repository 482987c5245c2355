import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '../../http/problem.js';
import { REPORT_READERS } from '../../http/roles.js';
import { sendPdfBuffer } from '../../pdf/send.js';
import { sendReportCsv } from '../../modules/reports/csv.js';
import { monthPeriod } from '../../modules/reports/period.js';
import { exchangeSentence, reportFilename, reportPdf } from '../../modules/reports/pdf.js';
import { reportMonthsQuerySchema, type ProgrammeReport } from '../../modules/reports/schemas.js';
import { programmeReport } from '../../modules/reports/service.js';
import { figureTables, headlineFigures } from '../../modules/reports/wording.js';
import { frLongDate, sentenceStart } from '../../shared/french.js';
import { programmeIdentity } from '../../shared/identity.js';
import { formInput } from '../form.js';
import { fieldErrorsOf, zodFieldErrors, type FieldErrors } from '../messages.js';

const FIELDS = ['from', 'to', 'delimiter'] as const;
// Reports cost as much from a page as from the API: the same per-person limits, on every route.
const config = { web: { roles: REPORT_READERS }, expensive: true };

type Asked = { report: ProgrammeReport; delimiter: 'comma' | 'semicolon' } | { errors: FieldErrors; message?: string };

/**
 * The programme report for the staff who read it through the API: the period in whole months,
 * the figures on the page, the PDF and the CSV served under the session by the API's own service
 * and renderers.
 */
export async function reportPages(app: FastifyInstance) {
  /** The report for the period asked for, or the French errors to show beside its fields. */
  async function asked(request: FastifyRequest): Promise<Asked> {
    const parsed = reportMonthsQuerySchema.safeParse(formInput(request.query, FIELDS));
    if (!parsed.success) {
      // The delimiter comes from the download links, not from a field: said above the form.
      const { delimiter, ...errors } = zodFieldErrors(parsed.error);
      return { errors, message: delimiter && 'Séparateur inconnu pour le CSV : utilisez l’un des liens de téléchargement.' };
    }
    try {
      const period = monthPeriod(parsed.data.from, parsed.data.to);
      return { report: await programmeReport(app.db, period), delimiter: parsed.data.delimiter };
    } catch (error) {
      if (error instanceof ProblemError && error.status === 400) return { errors: fieldErrorsOf(error.errors) };
      throw error;
    }
  }

  function render(request: FastifyRequest, reply: FastifyReply, asked: Asked) {
    const typed = formInput(request.query, ['from', 'to']);
    if ('errors' in asked) return reply.code(422).page('report', { title: 'Rapport', values: typed, errors: asked.errors, message: asked.message });
    const { report } = asked;
    const months = { from: report.period.from.slice(0, 7), to: report.period.to.slice(0, 7) };
    const query = (extra: Record<string, string> = {}) => new URLSearchParams({ ...months, ...extra }).toString();
    return reply.page('report', {
      title: `Rapport du ${frLongDate(report.period.from)} au ${frLongDate(report.period.to)}`,
      values: { ...months, ...typed },
      errors: {},
      period: { from: frLongDate(report.period.from), to: frLongDate(report.period.to) },
      headline: headlineFigures(report),
      tables: figureTables(report),
      exchange: sentenceStart(exchangeSentence(report.exchange.balance, report.exchange.asOf, programmeIdentity().reconditioner)),
      links: {
        pdf: `/rapport.pdf?${query()}`,
        csvFrench: `/rapport.csv?${query({ delimiter: 'semicolon' })}`,
        csv: `/rapport.csv?${query()}`,
      },
    });
  }

  app.get('/rapport', { config }, async (request, reply) => render(request, reply, await asked(request)));
  // The names people tried first (user trial).
  for (const alias of ['/rapports', '/bilan']) app.get(alias, { config: { web: config.web } }, async (_request, reply) => reply.redirect('/rapport', 301));

  app.get('/rapport.pdf', { config }, async (request, reply) => {
    const result = await asked(request);
    if ('errors' in result) return render(request, reply, result);
    return sendPdfBuffer(reply, await reportPdf(result.report), reportFilename(result.report, 'pdf'));
  });

  app.get('/rapport.csv', { config }, async (request, reply) => {
    const result = await asked(request);
    if ('errors' in result) return render(request, reply, result);
    return sendReportCsv(reply, result.report, result.delimiter);
  });
}

import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';
import { contentDisposition } from '../../pdf/send.js';
import { CSV_CONTENT_TYPE, csvOptions, type CsvDelimiter } from '../../shared/csv.js';
import { reportFilename } from './pdf.js';
import { REPORT_FIGURES, type ProgrammeReport } from './schemas.js';

/** The report's CSV as a download (API and web app alike). */
export function sendReportCsv(reply: FastifyReply, report: ProgrammeReport, delimiter: CsvDelimiter) {
  return reply
    .header('Content-Type', CSV_CONTENT_TYPE)
    .header('Content-Disposition', contentDisposition(reportFilename(report, 'csv'), 'attachment'))
    // A string with its own content type is sent as is; a route's JSON schema does not apply.
    .send(reportCsv(report, delimiter) as never);
}

/**
 * The report in long form, one figure a line, so that new figures add lines, never columns:
 * `month` is `YYYY-MM` or `total`; `breakdown` is a device kind for the by-kind figures and
 * the neighbourhood (empty: not recorded) for `installationsByNeighbourhood`, whose values may be
 * "< 5" or "masked" as in the JSON. The exchange figures are as of the period's last day.
 */
export function reportCsv(report: ProgrammeReport, delimiter: CsvDelimiter): string {
  const rows: (string | number)[][] = [];
  for (const figure of REPORT_FIGURES) rows.push(['total', figure, '', report.totals[figure]]);
  for (const k of report.collectedByKind) {
    rows.push(['total', 'devicesCollected', k.kind, k.units], ['total', 'weightKgCollected', k.kind, k.weightKg]);
  }
  const { credits, unitsReceived, adjustments, balance } = report.exchange;
  rows.push(
    ['total', 'exchangeCredits', '', credits],
    ['total', 'exchangeUnitsReceived', '', unitsReceived],
    ['total', 'exchangeAdjustments', '', adjustments],
    ['total', 'exchangeBalance', '', balance],
  );
  for (const n of report.installationsByNeighbourhood) rows.push(['total', 'installationsByNeighbourhood', n.neighbourhood ?? '', n.installations]);
  for (const n of report.peopleTrainedByNeighbourhood) rows.push(['total', 'peopleTrainedByNeighbourhood', n.neighbourhood ?? '', n.people]);
  for (const n of report.peopleAttendedByNeighbourhood) rows.push(['total', 'peopleAttendedByNeighbourhood', n.neighbourhood ?? '', n.people]);
  for (const month of report.byMonth) {
    for (const figure of REPORT_FIGURES) rows.push([month.month, figure, '', month[figure]]);
  }
  return stringify(rows, csvOptions(delimiter, ['month', 'metric', 'breakdown', 'value']));
}

import { now as clockNow } from '../../clock.js';
import { createPdf, mm } from '../../pdf/document.js';
import { renderPdf } from '../../pdf/send.js';
import { weightCell } from '../../pdf/kind-totals.js';
import { drawHeader, drawTable, frDate, frNumber, MIN_FONT_SIZE } from '../../pdf/layout.js';
import { agree, frLongDate, frMonth } from '../../shared/french.js';
import { inSentence, programmeIdentity, type Party } from '../../shared/identity.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { MASKED } from './figures/neighbourhoods.js';
import { drawHeadline } from './headline-pdf.js';
import type { ProgrammeReport } from './schemas.js';
import { figureTables, type FigureLine } from './wording.js';

/** Past this, the neighbourhood table ends with a line pointing at the CSV, so the page stays one. */
const MAX_NEIGHBOURHOOD_ROWS = 9;

const MONTHS = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];

/** The chart's series: what the funder asks about, collected in and installed out. */
const SERIES = [
  { key: 'devicesCollected', label: 'Appareils collectés', color: '#4a7fb5' },
  { key: 'receivedReconditioned', label: 'Reçus reconditionnés', color: '#9bbf4a' },
  { key: 'computersInstalled', label: 'Ordinateurs installés à domicile', color: '#e0883a' },
] as const;

export function reportFilename(report: ProgrammeReport, extension: string): string {
  return `bilan-ordipratique-${report.period.from}-${report.period.to}.${extension}`;
}

/** The report as its one-page French PDF (API and web app alike). */
export function reportPdf(report: ProgrammeReport): Promise<Buffer> {
  return renderPdf(createReportPdf(report), (doc) => drawReport(doc, report));
}

/** One A4 page: the headline figures, the others in tables, by kind and place, a monthly bar chart drawn in vector. */
export function createReportPdf(report: ProgrammeReport): PDFKit.PDFDocument {
  return createPdf({ title: `Bilan Ordi’Pratique du ${frDate(report.period.from)} au ${frDate(report.period.to)}` });
}

export function drawReport(doc: PDFKit.PDFDocument, report: ProgrammeReport, today = clockNow()): void {
  const identity = programmeIdentity();
  const left = doc.page.margins.left;
  drawHeader(
    doc,
    identity.coordinator,
    `Bilan du programme ${identity.programmeName}`,
    `Période du ${frDate(report.period.from)} au ${frDate(report.period.to)} · édité le ${frDate(today.toISOString())}`,
  );

  // The three figures the fund asks for lead; every other figure once, in two readable tables.
  drawHeadline(doc, report);
  const gap = mm(8);
  const half = (contentWidth(doc) - gap) / 2;
  const right = left + half + gap;
  const figureColumns = (title: string) => [{ header: title, width: half - mm(24) }, { header: 'Nombre', width: mm(24), align: 'right' as const }];
  const top = doc.y;
  const [people, devices] = figureTables(report);
  const rows = (lines: FigureLine[]) => lines.map((l) => [l.label, l.value]);
  const belowPeople = drawTable(doc, figureColumns(people.title), rows(people.lines), { left });
  doc.y = top;
  const belowDevices = drawTable(doc, figureColumns(devices.title), rows(devices.lines), { left: right });
  doc.font('regular').fontSize(9).fillColor('black')
    .text(`Échange d’appareils avec ${inSentence(identity.reconditioner)} : ${exchangeSentence(report.exchange.balance, report.exchange.asOf, identity.reconditioner)}`, left, Math.max(belowPeople, belowDevices) + mm(1), { width: contentWidth(doc) });
  doc.moveDown(0.8);

  // Two small tables side by side: collected by kind, installations by neighbourhood.
  const tablesHead = doc.y;
  doc.font('bold').fontSize(11).text('Appareils collectés par type', left, tablesHead, { width: half, lineBreak: false });
  doc.font('bold').fontSize(11).text('Installations par quartier', right, tablesHead, { width: half, lineBreak: false });
  const tablesTop = tablesHead + mm(6);
  const kinds = report.collectedByKind.length
    ? report.collectedByKind.map((k) => [kindLabelFr(k.kind, 2), frNumber(k.units, 0), weightCell(k.weightKg)])
    : [['Aucun appareil collecté', '', '']];
  doc.y = tablesTop;
  const belowKinds = drawTable(doc, [{ header: 'Type', width: half - mm(44) }, { header: 'Unités', width: mm(18), align: 'right' }, { header: 'Poids (kg)', width: mm(26), align: 'right' }], kinds);
  const all = report.installationsByNeighbourhood;
  const shown = all.length > MAX_NEIGHBOURHOOD_ROWS ? all.slice(0, MAX_NEIGHBOURHOOD_ROWS - 1) : all;
  const places = all.length
    ? shown.map((n) => [n.neighbourhood ?? 'Non renseigné', n.installations === MASKED ? 'masqué' : typeof n.installations === 'number' ? frNumber(n.installations, 0) : n.installations])
    : [[placesEmptyReason(report), '']];
  if (shown.length < all.length) places.push([`… et ${all.length - shown.length} autres quartiers (voir l’export CSV)`, '']);
  doc.y = tablesTop;
  const belowPlaces = drawTable(doc, [{ header: 'Quartier', width: half - mm(26) }, { header: 'Installations', width: mm(26), align: 'right' }], places, { left: right });
  doc.font('regular').fontSize(MIN_FONT_SIZE).fillColor('#555555').text(placesNote(report), right, belowPlaces - mm(1), { width: half });
  doc.fillColor('black');
  doc.y = Math.max(belowKinds, doc.y + mm(2));

  // The chart takes the rest of the page; on a new page when less than a readable height is left.
  const footer = doc.page.height - doc.page.margins.bottom - mm(8);
  if (footer - doc.y < MIN_CHART_HEIGHT + mm(8)) {
    drawFunding(doc, identity.funding);
    doc.addPage();
  }
  doc.moveDown(0.3);
  doc.font('bold').fontSize(11).fillColor('black').text('Mois par mois', left, doc.y);
  doc.moveDown(0.3);
  drawMonthlyChart(doc, report, doc.y, Math.min(mm(95), footer - mm(2) - doc.y));
  drawFunding(doc, identity.funding);
}

/** Below this the bars of 36 months cannot be told apart. */
const MIN_CHART_HEIGHT = mm(50);

function drawFunding(doc: PDFKit.PDFDocument, funding: string): void {
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  doc.font('regular').fontSize(8).fillColor('#555555')
    .text(funding, doc.page.margins.left, doc.page.height - bottom - mm(6), { width: contentWidth(doc), align: 'center', lineBreak: false })
    .fillColor('black');
  doc.page.margins.bottom = bottom;
}

/**
 * The exchange balance as a sentence: who owes whom how many units, never a negative number.
 * Positive: the reconditioner still owes units for the devices it received.
 */
export function exchangeSentence(balance: number, asOf: string, reconditioner: Party): string {
  const units = Math.abs(balance);
  const amount = `${frNumber(units, 3)} ${agree(units, 'unité')}`;
  const date = `au ${frLongDate(asOf)}`;
  if (units < 0.0005) return `${date}, le programme et ${inSentence(reconditioner)} ne se doivent aucune unité.`;
  return balance > 0
    ? `${date}, ${inSentence(reconditioner)} doit ${amount} au programme.`
    : `${date}, le programme doit ${amount} ${toParty(inSentence(reconditioner))}.`;
}

/** `à` before a name with its article: `au Relais`, `aux Ateliers`, `à l’Atelier`, `à TRIRA`. */
const toParty = (name: string) => (/^le /i.test(name) ? `au ${name.slice(3)}` : /^les /i.test(name) ? `aux ${name.slice(4)}` : `à ${name}`);

const contentWidth = (doc: PDFKit.PDFDocument) => doc.page.width - doc.page.margins.left - doc.page.margins.right;

/** Grouped bars, one group a month, with a scale, gridlines and a legend: rectangles and lines only. */
function drawMonthlyChart(doc: PDFKit.PDFDocument, report: ProgrammeReport, top: number, height: number): void {
  const left = doc.page.margins.left + mm(10);
  const width = contentWidth(doc) - mm(10);
  const legendHeight = mm(6);
  const labelHeight = mm(6);
  const plotTop = top + legendHeight;
  const plotHeight = height - legendHeight - labelHeight;
  const plotBottom = plotTop + plotHeight;
  const months = report.byMonth;
  const max = Math.max(1, ...months.flatMap((m) => SERIES.map((s) => m[s.key])));
  const step = niceStep(max / 4);
  const scaleMax = Math.ceil(max / step) * step;

  // Legend
  let x = left;
  for (const series of SERIES) {
    doc.rect(x, top + 1, 8, 8).fillColor(series.color).fill();
    doc.font('regular').fontSize(8).fillColor('#333333').text(series.label, x + 11, top + 1, { lineBreak: false });
    x += 11 + doc.widthOfString(series.label) + mm(6);
  }

  // Scale and gridlines
  for (let value = 0; value <= scaleMax; value += step) {
    const y = plotBottom - (value / scaleMax) * plotHeight;
    doc.moveTo(left, y).lineTo(left + width, y).lineWidth(value === 0 ? 0.8 : 0.3).strokeColor(value === 0 ? '#333333' : '#cccccc').stroke();
    doc.font('condensed').fontSize(MIN_FONT_SIZE).fillColor('#555555').text(frNumber(value, 0), left - mm(10), y - 4, { width: mm(9), align: 'right', lineBreak: false });
  }

  // Bars
  const groupWidth = width / months.length;
  const barWidth = Math.min(mm(6), (groupWidth * 0.8) / SERIES.length);
  const withYear = months.length > 12 || report.period.from.slice(0, 4) !== report.period.to.slice(0, 4);
  const monthLabel = (month: string) => {
    const [year, m] = month.split('-');
    return withYear ? `${MONTHS[Number(m) - 1]} ${year.slice(2)}` : MONTHS[Number(m) - 1];
  };
  // Labels at 8 pt never touch: every month, or every 2, 3, 4, 6 or 12 when they would.
  doc.font('condensed').fontSize(MIN_FONT_SIZE);
  const widest = Math.max(...months.map((m) => doc.widthOfString(monthLabel(m.month))));
  const labelEvery = [1, 2, 3, 4, 6, 12].find((n) => n * groupWidth >= widest + mm(2)) ?? 12;
  months.forEach((month, i) => {
    const groupLeft = left + i * groupWidth + (groupWidth - barWidth * SERIES.length) / 2;
    SERIES.forEach((series, j) => {
      const value = month[series.key];
      if (value <= 0) return;
      const barHeight = (value / scaleMax) * plotHeight;
      doc.rect(groupLeft + j * barWidth, plotBottom - barHeight, barWidth, barHeight).fillColor(series.color).fill();
    });
    if (i % labelEvery === 0) {
      const labelWidth = groupWidth * labelEvery;
      doc.font('condensed').fontSize(MIN_FONT_SIZE).fillColor('#333333')
        .text(monthLabel(month.month), left + i * groupWidth + groupWidth / 2 - labelWidth / 2, plotBottom + 5, { width: labelWidth, align: 'center', lineBreak: false });
    }
  });
  doc.fillColor('black').strokeColor('black');
  doc.x = doc.page.margins.left;
  doc.y = top + height + mm(2);
}

/** 1, 2 or 5 times a power of ten: readable scale steps. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

/** Why the table by neighbourhood is empty: no whole month in the period, withheld, or nothing in its month. */
function placesEmptyReason(report: ProgrammeReport): string {
  const months = report.neighbourhoodBreakdowns;
  if (!months) return 'Par mois entier et terminé seulement : aucun dans la période';
  if (months.withheld.includes('installationsByNeighbourhood')) return `Masqué : trop peu d’installations en ${frMonth(months.from)} pour les répartir`;
  return `Aucune installation en ${frMonth(months.from)}`;
}

/** The table covers one month, not the period: it says which, whatever the period. */
function placesNote(report: ProgrammeReport): string {
  const months = report.neighbourhoodBreakdowns;
  const month = months ? `Installations en ${frMonth(months.from)} seulement, le dernier mois entier et terminé de la période. ` : '';
  return `${month}« < 5 » : moins de cinq ; « masqué » : caché pour qu’un « < 5 » ne se déduise pas du total.`;
}

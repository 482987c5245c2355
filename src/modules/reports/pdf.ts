import { now as clockNow } from '../../clock.js';
import { createPdf, fitText, mm } from '../../pdf/document.js';
import { drawHeader, drawTable, frDate, frNumber } from '../../pdf/layout.js';
import { programmeIdentity } from '../../shared/identity.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { MASKED } from './figures/neighbourhoods.js';
import { drawHeadline } from './headline-pdf.js';
import type { ProgrammeReport } from './schemas.js';


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

/** One A4 page: key figures, devices collected by kind, a monthly bar chart drawn in vector. */
export function createReportPdf(report: ProgrammeReport): PDFKit.PDFDocument {
  return createPdf({ title: `Bilan Ordi'Pratique du ${frDate(report.period.from)} au ${frDate(report.period.to)}` });
}

export function drawReport(doc: PDFKit.PDFDocument, report: ProgrammeReport, today = clockNow()): void {
  const identity = programmeIdentity();
  const t = report.totals;
  drawHeader(
    doc,
    identity.coordinator,
    `Bilan du programme ${identity.programmeName}`,
    `Période du ${frDate(report.period.from)} au ${frDate(report.period.to)} · édité le ${frDate(today.toISOString())}`,
  );

  drawHeadline(doc, report);
  drawKeyFigures(doc, [
    [frNumber(t.peopleAttended, 0), 'personnes venues aux ateliers'],
    [frNumber(t.trainingHours), 'heures d’atelier'],
    [frNumber(t.donors, 0), 'donateurs'],
    [frNumber(t.collections, 0), 'collectes'],
    [frNumber(t.devicesCollected, 0), `appareils collectés (${frNumber(t.weightKgCollected)} kg)`],
    [frNumber(t.shipped, 0), 'envoyés au reconditionnement'],
    [frNumber(t.receivedReconditioned, 0), 'reçus reconditionnés'],
    [frNumber(t.reconditionedInHouse, 0), 'reconditionnés sur place'],
    [frNumber(t.computersInstalled, 0), 'ordinateurs installés à domicile'],
    [frNumber(t.otherEquipmentInstalled, 0), 'autres équipements installés'],
    [frNumber(t.householdsEquipped, 0), 'foyers équipés'],
    [frNumber(t.returns, 0), 'retours'],
    [frNumber(t.scrapped, 0), 'mis au rebut (recyclage)'],
    [frNumber(report.exchange.balance, 3), `unités dues par ${identity.reconditioner.name} au ${frDate(report.exchange.asOf)}`],
  ]);

  // Two small tables side by side: collected by kind, installations by neighbourhood.
  const half = (contentWidth(doc) - mm(8)) / 2;
  const top = doc.y;
  const right = doc.page.margins.left + half + mm(8);
  doc.font('bold').fontSize(11).text('Appareils collectés par type', doc.page.margins.left, top, { width: half, lineBreak: false });
  doc.font('bold').fontSize(11).text('Installations par quartier', right, top, { width: half, lineBreak: false });
  const tablesTop = top + mm(6);
  const kinds = report.collectedByKind.length
    ? report.collectedByKind.map((k) => [kindLabelFr(k.kind, 2), frNumber(k.units, 0), frNumber(k.weightKg)])
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
  const belowPlaces = drawTable(doc, [{ header: 'Quartier', width: half - mm(26) }, { header: 'Installations', width: mm(26), align: 'right' }], places, 8.5, right);
  doc.font('regular').fontSize(7).fillColor('#555555')
    .text(placesNote(report), right, belowPlaces - mm(1), { width: half, lineBreak: false });
  doc.fillColor('black');
  doc.y = Math.max(belowKinds, belowPlaces + mm(3));

  doc.moveDown(0.3);
  doc.font('bold').fontSize(11).fillColor('black').text('Mois par mois', doc.page.margins.left, doc.y);
  doc.moveDown(0.3);
  const bottom = doc.page.height - doc.page.margins.bottom - mm(12);
  drawMonthlyChart(doc, report, doc.y, Math.min(mm(85), bottom - doc.y));

  doc.font('regular').fontSize(8).fillColor('#555555')
    .text(identity.funding, doc.page.margins.left, doc.page.height - doc.page.margins.bottom - mm(6), { width: contentWidth(doc), align: 'center', lineBreak: false })
    .fillColor('black');
}

const contentWidth = (doc: PDFKit.PDFDocument) => doc.page.width - doc.page.margins.left - doc.page.margins.right;

function drawKeyFigures(doc: PDFKit.PDFDocument, figures: [value: string, label: string][]): void {
  const left = doc.page.margins.left;
  const columns = 3;
  const gap = mm(3);
  const width = (contentWidth(doc) - gap * (columns - 1)) / columns;
  const height = mm(17);
  const top = doc.y;
  figures.forEach(([value, label], i) => {
    const x = left + (i % columns) * (width + gap);
    const y = top + Math.floor(i / columns) * (height + gap);
    doc.roundedRect(x, y, width, height, 3).fillColor('#f1f4f8').fill();
    doc.font('bold').fontSize(16).fillColor('#1f3b5c').text(value, x + mm(3), y + mm(2.5), { width: width - mm(6), lineBreak: false });
    const fitted = fitText(doc.font('regular'), label, width - mm(6), 8.5);
    doc.fontSize(fitted.size).fillColor('#333333').text(fitted.text, x + mm(3), y + mm(10.5), { width: width - mm(6), lineBreak: false });
  });
  doc.fillColor('black');
  doc.x = left;
  doc.y = top + Math.ceil(figures.length / columns) * (height + gap) + mm(3);
}

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
    doc.font('regular').fontSize(7).fillColor('#555555').text(frNumber(value, 0), left - mm(10), y - 3.5, { width: mm(9), align: 'right', lineBreak: false });
  }

  // Bars
  const groupWidth = width / months.length;
  const barWidth = Math.min(mm(6), (groupWidth * 0.8) / SERIES.length);
  const labelEvery = Math.ceil(months.length / 18);
  months.forEach((month, i) => {
    const groupLeft = left + i * groupWidth + (groupWidth - barWidth * SERIES.length) / 2;
    SERIES.forEach((series, j) => {
      const value = month[series.key];
      if (value <= 0) return;
      const barHeight = (value / scaleMax) * plotHeight;
      doc.rect(groupLeft + j * barWidth, plotBottom - barHeight, barWidth, barHeight).fillColor(series.color).fill();
    });
    if (i % labelEvery === 0) {
      const [year, m] = month.month.split('-');
      const label = months.length > 12 || report.period.from.slice(0, 4) !== report.period.to.slice(0, 4) ? `${MONTHS[Number(m) - 1]} ${year.slice(2)}` : MONTHS[Number(m) - 1];
      doc.font('regular').fontSize(7).fillColor('#333333')
        .text(label, left + i * groupWidth - mm(5), plotBottom + 3, { width: groupWidth * labelEvery + mm(10) > mm(30) ? groupWidth + mm(10) : groupWidth * labelEvery + mm(10), align: 'center', lineBreak: false });
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

/** Why the table by neighbourhood is empty: no whole month in the period, withheld, or nothing. */
function placesEmptyReason(report: ProgrammeReport): string {
  if (!report.neighbourhoodBreakdowns) return 'Par mois entier et terminé seulement : aucun dans la période';
  if (report.neighbourhoodBreakdowns.withheld.includes('installationsByNeighbourhood')) return 'Masqué : trop peu d’installations pour les répartir';
  return 'Aucune installation sur la période';
}

function placesNote(report: ProgrammeReport): string {
  const months = report.neighbourhoodBreakdowns;
  const span = months && (months.from !== report.period.from || months.to !== report.period.to) ? ` Mois du ${frDate(months.from)} au ${frDate(months.to)} seulement.` : '';
  return `« < 5 » : moins de cinq ; « masqué » : caché pour qu’un « < 5 » ne se déduise pas du total.${span}`;
}

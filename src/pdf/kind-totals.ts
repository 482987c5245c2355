import { count, frKg } from '../shared/french.js';
import { kindLabelFr } from '../shared/kinds-fr.js';
import { mm } from './document.js';
import { drawTable, tableHeight, type Column } from './layout.js';

/** A weight cell in kilograms, French style; a dash when unknown. */
export const weightCell = (kg: number | null) => (kg === null ? '—' : frKg(kg));

export function totalsByKind(items: { kind: string; weightKg: number | null }[]): { kind: string; count: number; weightKg: number }[] {
  const totals = new Map<string, { count: number; weight: number }>();
  for (const item of items) {
    const t = totals.get(item.kind) ?? { count: 0, weight: 0 };
    t.count += 1;
    t.weight += item.weightKg ?? 0;
    totals.set(item.kind, t);
  }
  return [...totals].map(([kind, t]) => ({ kind, count: t.count, weightKg: Math.round(t.weight * 1000) / 1000 })).sort((a, b) => b.count - a.count);
}

/** What `drawSignatureBoxes` takes below a table, with the gap before it: for `keepWith`. */
export const SIGNATURE_BLOCK_HEIGHT = mm(46);

/**
 * The "Totaux" block of a device list (shipment manifest, collection receipt): one line per kind,
 * then the total. `keepWith`: the height of what must follow on the same page (the signatures),
 * so that a signature block never stands alone on a last page.
 */
export function drawKindTotals(
  doc: PDFKit.PDFDocument,
  items: { kind: string; weightKg: number | null }[],
  total: { count: number; weightKg: number },
  keepWith = 0,
): void {
  const lines = totalsByKind(items);
  drawTotalsBlock(
    doc,
    [{ header: 'Type', width: mm(60) }, { header: 'Nombre', width: mm(25), align: 'right' }, { header: 'Poids (kg)', width: mm(30), align: 'right' }],
    [
      ...lines.map((t) => [kindLabelFr(t.kind), String(t.count), weightCell(t.weightKg)]),
      ['Total', String(total.count), weightCell(total.weightKg)],
    ],
    null,
    keepWith,
  );
}

/**
 * The "Totaux" block of a shipment whose receipt found units missing: by kind, what was handed
 * over, what was received and what is missing, then the same in one sentence, so that the
 * reconditioner signs under what it received.
 */
export function drawReceivedTotals(doc: PDFKit.PDFDocument, items: { kind: string; weightKg: number | null; missing: boolean }[], keepWith = 0): void {
  const received = new Map(totalsByKind(items.filter((i) => !i.missing)).map((t) => [t.kind, t]));
  const missing = new Map(totalsByKind(items.filter((i) => i.missing)).map((t) => [t.kind, t]));
  const none = { count: 0, weightKg: 0 };
  const figures = (t: { count: number; weightKg: number }) => [String(t.count), weightCell(t.weightKg)];
  const sum = (totals: Iterable<{ count: number; weightKg: number }>) => {
    const all = [...totals];
    return { count: all.reduce((n, t) => n + t.count, 0), weightKg: Math.round(all.reduce((kg, t) => kg + t.weightKg, 0) * 1000) / 1000 };
  };
  const sent = totalsByKind(items);
  const total = { sent: sum(sent), received: sum(received.values()), missing: sum(missing.values()) };
  const kg = (t: { weightKg: number }) => `${frKg(t.weightKg)}\u00a0kg`;
  drawTotalsBlock(
    doc,
    [
      { header: 'Type', width: mm(42) },
      { header: 'Remis', width: mm(16), align: 'right' },
      { header: 'Poids remis (kg)', width: mm(24), align: 'right' },
      { header: 'Reçus', width: mm(16), align: 'right' },
      { header: 'Poids reçu (kg)', width: mm(24), align: 'right' },
      { header: 'Manquants', width: mm(22), align: 'right' },
      { header: 'Poids manquant (kg)', width: mm(30), align: 'right' },
    ],
    [
      ...sent.map((t) => [kindLabelFr(t.kind), ...figures(t), ...figures(received.get(t.kind) ?? none), ...figures(missing.get(t.kind) ?? none)]),
      ['Total', ...figures(total.sent), ...figures(total.received), ...figures(total.missing)],
    ],
    `${count(total.received.count, 'appareil reçu', 'appareils reçus')} sur ${total.sent.count} remis (${kg(total.received)} sur ${kg(total.sent)}), `
      + `${count(total.missing.count, 'appareil manquant', 'appareils manquants')} (${kg(total.missing)}).`,
    keepWith,
  );
}

/** The heading, the table (its last row the total, in bold) and a closing sentence, on one page with what follows them. */
function drawTotalsBlock(doc: PDFKit.PDFDocument, columns: Column[], rows: string[][], sentence: string | null, keepWith: number): void {
  const options = { keepTogether: true, boldRows: [rows.length - 1] };
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const sentenceHeight = sentence ? doc.font('bold').fontSize(9.5).heightOfString(sentence, { width }) : 0;
  const needed = 11 * 2.2 + tableHeight(doc, columns, rows, options) + sentenceHeight;
  if (doc.y + needed + keepWith > doc.page.height - doc.page.margins.bottom) doc.addPage();
  doc.moveDown(0.5).font('bold').fontSize(11).text('Totaux');
  doc.moveDown(0.3);
  drawTable(doc, columns, rows, options);
  if (sentence) doc.font('bold').fontSize(9.5).text(sentence, doc.page.margins.left, doc.y, { width });
}

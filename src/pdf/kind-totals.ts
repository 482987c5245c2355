import { frKg } from '../shared/french.js';
import { kindLabelFr } from '../shared/kinds-fr.js';
import { mm } from './document.js';
import { drawTable } from './layout.js';

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
  // The heading and its table stay together: on a new page when they do not fit here.
  const needed = 11 * 2.2 + (lines.length + 2) * 8.5 * 2.1;
  if (doc.y + needed + keepWith > doc.page.height - doc.page.margins.bottom) doc.addPage();
  doc.moveDown(0.5).font('bold').fontSize(11).text('Totaux');
  doc.moveDown(0.3);
  drawTable(
    doc,
    [{ header: 'Type', width: mm(60) }, { header: 'Nombre', width: mm(25), align: 'right' }, { header: 'Poids (kg)', width: mm(30), align: 'right' }],
    [
      ...lines.map((t) => [kindLabelFr(t.kind), String(t.count), weightCell(t.weightKg)]),
      ['Total', String(total.count), weightCell(total.weightKg)],
    ],
    { keepTogether: true, boldRows: [lines.length] },
  );
}

import { mm } from '../../pdf/document.js';
import { frNumber } from '../../pdf/layout.js';
import { agree } from '../../shared/french.js';
import type { ProgrammeReport } from './schemas.js';

/**
 * The three figures the EU fund asks for, first and large: people trained, workshops held,
 * computers installed (issue 14).
 */
export function drawHeadline(doc: PDFKit.PDFDocument, report: ProgrammeReport): void {
  const t = report.totals;
  const figures: [number, string][] = [
    [t.peopleTrained, agree(t.peopleTrained, 'personne formée', 'personnes formées')],
    [t.workshopsHeld, agree(t.workshopsHeld, 'atelier réalisé', 'ateliers réalisés')],
    [t.computersInstalled, agree(t.computersInstalled, 'ordinateur installé', 'ordinateurs installés')],
  ];
  const left = doc.page.margins.left;
  const gap = mm(4);
  const width = (doc.page.width - left - doc.page.margins.right - 2 * gap) / 3;
  const height = mm(21);
  const top = doc.y;
  figures.forEach(([value, label], i) => {
    const x = left + i * (width + gap);
    doc.roundedRect(x, top, width, height, 4).fillColor('#1f3b5c').fill();
    doc.font('bold').fontSize(24).fillColor('white').text(frNumber(value, 0), x, top + mm(2.5), { width, align: 'center', lineBreak: false });
    doc.font('bold').fontSize(10).text(label, x + mm(2), top + mm(13.5), { width: width - mm(4), align: 'center', lineBreak: false });
  });
  doc.fillColor('black');
  doc.x = left;
  doc.y = top + height + mm(4);
}

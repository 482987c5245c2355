import { mm } from '../../pdf/document.js';
import type { ProgrammeReport } from './schemas.js';
import { headlineFigures } from './wording.js';

/** The three headline figures, first and large. */
export function drawHeadline(doc: PDFKit.PDFDocument, report: ProgrammeReport): void {
  const figures = headlineFigures(report);
  const left = doc.page.margins.left;
  const gap = mm(4);
  const width = (doc.page.width - left - doc.page.margins.right - 2 * gap) / 3;
  const height = mm(21);
  const top = doc.y;
  figures.forEach(({ value, label }, i) => {
    const x = left + i * (width + gap);
    doc.roundedRect(x, top, width, height, 4).fillColor('#1f3b5c').fill();
    doc.font('bold').fontSize(24).fillColor('white').text(value, x, top + mm(2.5), { width, align: 'center', lineBreak: false });
    doc.font('bold').fontSize(10).text(label, x + mm(2), top + mm(13.5), { width: width - mm(4), align: 'center', lineBreak: false });
  });
  doc.fillColor('black');
  doc.x = left;
  doc.y = top + height + mm(4);
}

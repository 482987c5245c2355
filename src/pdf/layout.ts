import type { Party } from '../shared/identity.js';
import { fitText, mm } from './document.js';

/** Title block of an A4 document: issuing organisation on the left, title below. */
export function drawHeader(doc: PDFKit.PDFDocument, issuer: Party, title: string, subtitle?: string): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  doc.font('bold').fontSize(10).fillColor('black').text(issuer.name, left, doc.page.margins.top, { width });
  doc.font('regular').fontSize(8.5).fillColor('#333333')
    .text(`${issuer.addressLine}, ${issuer.postcode} ${issuer.city} · ${issuer.phone}${issuer.email ? ` · ${issuer.email}` : ''}`, { width });
  doc.moveDown(1.2);
  doc.font('bold').fontSize(16).fillColor('black').text(title, { width });
  if (subtitle) doc.font('regular').fontSize(10).fillColor('#333333').text(subtitle, { width });
  doc.fillColor('black').moveDown(0.8);
}

/**
 * Writes a footer on every buffered page (`bufferPages: true`), e.g. "page n/N" with the
 * document number; call once everything is drawn, before `end()`.
 */
export function numberPages(doc: PDFKit.PDFDocument, footer: (page: number, total: number) => string): void {
  eachBufferedPage(doc, (page, total, bottom) => {
    const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
    doc.font('regular').fontSize(8).fillColor('#555555')
      .text(footer(page, total), doc.page.margins.left, doc.page.height - bottom / 2 - 4, { width, align: 'center', lineBreak: false });
  });
  doc.fillColor('black');
}

/**
 * Draws on every buffered page (`bufferPages: true`) with the bottom margin lifted, since writing
 * inside the margin must not open a new page; `bottom` is the page's own margin.
 */
export function eachBufferedPage(doc: PDFKit.PDFDocument, draw: (page: number, total: number, bottom: number) => void): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    draw(i - range.start + 1, range.count, bottom);
    doc.page.margins.bottom = bottom;
  }
}

export interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

/**
 * A table with one line per row: cells shrink or end with an ellipsis rather than wrap, the
 * header repeats on each new page. Returns the y below the table.
 */
export function drawTable(doc: PDFKit.PDFDocument, columns: Column[], rows: string[][], fontSize = 8.5, left = doc.page.margins.left): number {
  const rowHeight = fontSize * 1.9;
  const totalWidth = columns.reduce((sum, c) => sum + c.width, 0);
  const padding = mm(1.2);
  let y = doc.y;

  const drawRow = (cells: string[], bold: boolean) => {
    let x = left;
    doc.font(bold ? 'condensedBold' : 'condensed');
    cells.forEach((cell, i) => {
      const column = columns[i];
      const fitted = fitText(doc, cell ?? '', column.width - 2 * padding, fontSize);
      doc.fontSize(fitted.size).text(fitted.text, x + padding, y + (rowHeight - fitted.size) / 2, {
        width: column.width - 2 * padding,
        align: column.align ?? 'left',
        lineBreak: false,
      });
      x += column.width;
    });
    doc.moveTo(left, y + rowHeight).lineTo(left + totalWidth, y + rowHeight).lineWidth(bold ? 0.8 : 0.3).strokeColor('#999999').stroke();
    y += rowHeight;
  };

  const newPageIfNeeded = () => {
    if (y + rowHeight > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      y = doc.page.margins.top;
      drawRow(columns.map((c) => c.header), true);
    }
  };

  drawRow(columns.map((c) => c.header), true);
  for (const row of rows) {
    newPageIfNeeded();
    drawRow(row, false);
  }
  doc.strokeColor('black');
  doc.x = doc.page.margins.left;
  doc.y = y + mm(2);
  return doc.y;
}

/**
 * Two signature boxes side by side, each with its caption and an optional printed name.
 * Returns each box's signing area, e.g. to draw a captured signature into it.
 */
export function drawSignatureBoxes(doc: PDFKit.PDFDocument, boxes: { caption: string; name?: string }[]): { x: number; y: number; width: number; height: number }[] {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const gap = mm(8);
  const boxWidth = (width - gap * (boxes.length - 1)) / boxes.length;
  const height = mm(32);
  if (doc.y + height + mm(10) > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const top = doc.y;
  boxes.forEach((box, i) => {
    const x = left + i * (boxWidth + gap);
    doc.font('bold').fontSize(9).text(box.caption, x, top, { width: boxWidth });
    if (box.name) doc.font('regular').fontSize(9).text(box.name, x, doc.y, { width: boxWidth });
    doc.font('regular').fontSize(7.5).fillColor('#555555').text('Date et signature :', x, doc.y + 2, { width: boxWidth }).fillColor('black');
    doc.rect(x, top + mm(14), boxWidth, height - mm(14)).lineWidth(0.5).stroke();
  });
  doc.x = left;
  doc.y = top + height + mm(4);
  return boxes.map((_, i) => ({ x: left + i * (boxWidth + gap), y: top + mm(14), width: boxWidth, height: height - mm(14) }));
}

/** French number formatting for documents (1 234,5). */
export const frNumber = (value: number, digits = 1) =>
  new Intl.NumberFormat('fr-FR', { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(value);

/** `2026-11-23` → `23/11/2026`. */
export const frDate = (isoDate: string) => isoDate.slice(0, 10).split('-').reverse().join('/');

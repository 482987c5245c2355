import type { Party } from '../shared/identity.js';
import { mm } from './document.js';

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

/** The smallest text any document prints. */
export const MIN_FONT_SIZE = 8;

export interface TableOptions {
  fontSize?: number;
  left?: number;
  /** Never split across pages: start it on a new page when it does not fit on this one. */
  keepTogether?: boolean;
  /** Rows drawn in bold (e.g. a total line), by index. */
  boldRows?: number[];
  /** Draws a box to tick in this column's cells (e.g. "Reçu"). */
  checkboxColumn?: number;
  /** No row lower than this (e.g. room to sign), however short its text. */
  minRowHeight?: number;
  /** Every cell boxed (a signature box per person), not only a rule under each row. */
  grid?: boolean;
}

const tableFontSize = (opts: TableOptions) => Math.max(MIN_FONT_SIZE, opts.fontSize ?? 8.5);
const cellPadding = mm(1.2);

/** How tall `drawTable` draws one row: its tallest cell, wrapped, and the padding above and below. */
function rowHeight(doc: PDFKit.PDFDocument, columns: Column[], cells: string[], isBold: boolean, opts: TableOptions): number {
  const fontSize = tableFontSize(opts);
  doc.font(isBold ? 'condensedBold' : 'condensed').fontSize(fontSize);
  const tallest = Math.max(...cells.map((cell, i) => (i === opts.checkboxColumn ? fontSize : doc.heightOfString(cell || ' ', { width: columns[i].width - 2 * cellPadding }))));
  return tallest + 2 * fontSize * 0.45;
}

/** The height `drawTable` will take for these rows on one page, header included (and its gap below). */
export function tableHeight(doc: PDFKit.PDFDocument, columns: Column[], rows: string[][], opts: TableOptions = {}): number {
  const bold = new Set(opts.boldRows ?? []);
  const header = rowHeight(doc, columns, columns.map((c) => c.header), true, opts);
  return header + rows.reduce((sum, row, i) => sum + Math.max(rowHeight(doc, columns, row, bold.has(i), opts), opts.minRowHeight ?? 0), 0) + mm(2);
}

/**
 * The one table routine of every document: long cells wrap onto several lines (never shrink
 * below 8 pt, never cut), each row is as tall as its tallest cell, the header repeats on
 * each new page. Returns the y below the table.
 */
export function drawTable(doc: PDFKit.PDFDocument, columns: Column[], rows: string[][], options: TableOptions | number = {}, leftArg?: number): number {
  const opts: TableOptions = typeof options === 'number' ? { fontSize: options, left: leftArg } : options;
  const fontSize = tableFontSize(opts);
  const left = opts.left ?? doc.page.margins.left;
  const totalWidth = columns.reduce((sum, c) => sum + c.width, 0);
  const padding = cellPadding;
  const vpad = fontSize * 0.45;
  const bold = new Set(opts.boldRows ?? []);
  let y = doc.y;

  const cellWidth = (i: number) => columns[i].width - 2 * padding;
  const heightOf = (cells: string[], isBold: boolean) => rowHeight(doc, columns, cells, isBold, opts);
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const header = columns.map((c) => c.header);

  const drawRow = (cells: string[], isBold: boolean, height: number, isHeader = false) => {
    let x = left;
    doc.font(isBold ? 'condensedBold' : 'condensed').fontSize(fontSize).fillColor('black');
    cells.forEach((cell, i) => {
      const column = columns[i];
      if (!isHeader && i === opts.checkboxColumn) {
        const side = fontSize * 1.1;
        const bx = column.align === 'center' ? x + (column.width - side) / 2 : x + padding;
        doc.rect(bx, y + vpad - 1, side, side).lineWidth(0.6).strokeColor('black').stroke();
        if (cell) doc.text(cell, bx + side + 2, y + vpad, { width: column.width - side - 2 * padding - 2 });
      } else {
        doc.text(cell ?? '', x + padding, y + vpad, { width: cellWidth(i), align: column.align ?? 'left' });
      }
      x += column.width;
    });
    if (opts.grid) {
      let bx = left;
      for (const column of columns) {
        doc.rect(bx, y, column.width, height).lineWidth(isHeader ? 0.6 : 0.4).strokeColor('#888888').stroke();
        bx += column.width;
      }
    } else {
      doc.moveTo(left, y + height).lineTo(left + totalWidth, y + height).lineWidth(isHeader ? 0.8 : 0.3).strokeColor('#999999').stroke();
    }
    y += height;
  };

  const headerHeight = heightOf(header, true);
  const heights = rows.map((row, i) => Math.max(heightOf(row, bold.has(i)), opts.minRowHeight ?? 0));
  const whole = headerHeight + heights.reduce((a, b) => a + b, 0);
  const fresh = bottom() - doc.page.margins.top;
  if ((opts.keepTogether && y + whole > bottom() && whole <= fresh) || y + headerHeight + (heights[0] ?? 0) > bottom()) {
    doc.addPage();
    y = doc.page.margins.top;
  }
  drawRow(header, true, headerHeight, true);
  rows.forEach((row, i) => {
    if (y + heights[i] > bottom()) {
      doc.addPage();
      y = doc.page.margins.top;
      drawRow(header, true, headerHeight, true);
    }
    drawRow(row, bold.has(i), heights[i]);
  });
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
  const boxHeight = mm(20);
  // A long caption or name wraps; every box starts below the tallest text, never over it.
  const textHeight = Math.max(...boxes.map((box) => {
    let h = doc.font('bold').fontSize(9).heightOfString(box.caption, { width: boxWidth });
    if (box.name) h += doc.font('regular').fontSize(9).heightOfString(box.name, { width: boxWidth });
    return h + 2 + doc.font('regular').fontSize(8).heightOfString('Date et signature :', { width: boxWidth }) + mm(1.5);
  }));
  if (doc.y + textHeight + boxHeight + mm(10) > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const top = doc.y;
  const boxTop = top + textHeight;
  boxes.forEach((box, i) => {
    const x = left + i * (boxWidth + gap);
    doc.font('bold').fontSize(9).fillColor('black').text(box.caption, x, top, { width: boxWidth });
    if (box.name) doc.font('regular').fontSize(9).text(box.name, x, doc.y, { width: boxWidth });
    doc.font('regular').fontSize(8).fillColor('#555555').text('Date et signature :', x, doc.y + 2, { width: boxWidth }).fillColor('black');
    doc.rect(x, boxTop, boxWidth, boxHeight).lineWidth(0.5).stroke();
  });
  doc.x = left;
  doc.y = boxTop + boxHeight + mm(4);
  return boxes.map((_, i) => ({ x: left + i * (boxWidth + gap), y: boxTop, width: boxWidth, height: boxHeight }));
}

/** French number formatting for documents (1 234,5). */
export const frNumber = (value: number, digits = 1) =>
  new Intl.NumberFormat('fr-FR', { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(value);

/** `2026-11-23` → `23/11/2026`. */
export const frDate = (isoDate: string) => isoDate.slice(0, 10).split('-').reverse().join('/');

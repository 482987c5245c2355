import { createPdf, fitText, mm } from '../../pdf/document.js';
import { drawQr } from '../../pdf/qr.js';
import { programmeIdentity } from '../../shared/identity.js';
import type { FontName } from '../../pdf/document.js';
import type { LabelFormat } from './formats.js';
import { pageCells, paginate, type Offsets, type Rect } from './layout.js';
import { fillIn, kindLabel, labelWording } from './wording.js';

/** What a label shows: never more than the device's public description. */
export interface LabelContent {
  assetTag: string;
  url: string;
  kind: string;
  brand: string | null;
  model: string | null;
}

/** Text never comes closer than this to a label's edge, whatever the format's edge band. */
const TEXT_PAD_MM = 1.5;
/** DejaVu's line box (ascender − descender) is about 1.17 em. */
const LINE = 1.18;

export function createLabelDocument(format: LabelFormat, title: string): PDFKit.PDFDocument {
  return createPdf({ title, size: [mm(format.pageWidthMm), mm(format.pageHeightMm)], margin: 0 });
}

interface Line {
  text: string;
  font: FontName;
  size: number;
}

/**
 * Draws labels of one format. What is the same on every label (the programme's lines, the
 * fitted kind names) is measured once per document, not once per label.
 */
export class LabelPainter {
  private readonly kindLines = new Map<string, Line>();
  private programmeLines?: Line[];

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly format: LabelFormat,
  ) {}

  draw(content: LabelContent, cell: Rect): void {
    const { doc, format } = this;
    const x = mm(cell.x);
    const y = mm(cell.y);
    const width = mm(cell.width);
    const height = mm(cell.height);
    const edge = mm(format.edgeMm);
    const pad = Math.max(edge, mm(TEXT_PAD_MM));

    // The QR square includes its 4-module quiet zone, which doubles as the gap before the text.
    const qrSize = Math.min(height - 2 * edge, width * 0.5);
    drawQr(doc, content.url, x + edge, y + (height - qrSize) / 2, qrSize);

    const textLeft = x + edge + qrSize;
    const textWidth = x + width - pad - textLeft;
    const textTop = y + pad;
    const textHeight = height - 2 * pad;

    // On mini labels the condensed face buys the tag a larger size.
    const compact = format.content === 'compact';
    // A wide label (Avery L7163) has room for larger text: scale the lines to its height.
    const k = !compact && textWidth > mm(50) ? Math.min(1.5, textHeight / ((16 + 8 + 8 + 7.5 + 7) * LINE)) : 1;
    const scale = Math.max(1, k);
    const lines: Line[] = [this.fit(content.assetTag, compact ? 'condensedBold' : 'bold', (compact ? 12 : 16) * scale, 5, textWidth)];
    if (!compact) {
      lines.push(this.kindLine(content.kind, textWidth, scale));
      const name = [content.brand, content.model].filter(Boolean).join(' ');
      if (name) lines.push(this.fit(name, 'condensed', 8 * scale, 5.5, textWidth));
      lines.push(...this.programme(textWidth, scale));
    }

    // Keep the lines that fit, in order of importance, and centre the block vertically.
    const kept: Line[] = [];
    let used = 0;
    for (const line of lines) {
      if (used + line.size * LINE > textHeight) break;
      kept.push(line);
      used += line.size * LINE;
    }
    let lineTop = textTop + (textHeight - used) / 2;
    for (const line of kept) {
      if (line.text) doc.font(line.font).fontSize(line.size).text(line.text, textLeft, lineTop, { lineBreak: false });
      lineTop += line.size * LINE;
    }
  }

  private fit(text: string, font: FontName, size: number, minSize: number, width: number): Line {
    this.doc.font(font);
    const fitted = fitText(this.doc, text, width, size, minSize);
    return { text: fitted.text, font, size: fitted.size };
  }

  private kindLine(kind: string, width: number, scale = 1): Line {
    let line = this.kindLines.get(kind);
    if (!line) this.kindLines.set(kind, (line = this.fit(kindLabel(kind), 'condensed', 8 * scale, 5.5, width)));
    return line;
  }

  private programme(width: number, scale = 1): Line[] {
    if (!this.programmeLines) {
      const identity = programmeIdentity();
      this.programmeLines = [
        this.fit(identity.shortName, 'condensedBold', 7.5 * scale, 5.5, width),
        this.fit(fillIn(labelWording().foundLine, { phone: identity.foundPhone }), 'condensed', 7 * scale, 5, width),
      ];
    }
    return this.programmeLines;
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Draws every label page by page, letting the event loop breathe between pages so the
 * response streams (and other requests run) while a long run is drawn.
 */
export async function drawLabels(
  doc: PDFKit.PDFDocument,
  format: LabelFormat,
  contents: Iterable<LabelContent>,
  options: Offsets & { startPosition?: number },
): Promise<void> {
  const painter = new LabelPainter(doc, format);
  const cells = pageCells(format, options);
  let first = true;
  for (const page of paginate(format, contents, options.startPosition)) {
    if (!first) {
      doc.addPage();
      await yieldToEventLoop();
      // The client went away (the reply destroys the stream): stop drawing for nobody.
      if (doc.destroyed) return;
    }
    first = false;
    for (const placement of page) painter.draw(placement.item, cells[placement.position - 1]);
  }
}

/**
 * One page with every label's outline and number, and millimetre rulers from the page's
 * top-left corner, all shifted by the offsets: printed on plain paper and laid over a sheet
 * (or printed on the roll), it shows at once how far the printer moves the print. A sheet gets
 * a second page, "how to", in plain French at a size anyone can read.
 */
export function drawCalibration(doc: PDFKit.PDFDocument, format: LabelFormat, offsets: Offsets): void {
  const dx = offsets.offsetXMm ?? 0;
  const dy = offsets.offsetYMm ?? 0;
  const cells = pageCells(format, offsets);
  doc.lineWidth(0.5).strokeColor('#000000');
  for (const cell of cells) doc.rect(mm(cell.x), mm(cell.y), mm(cell.width), mm(cell.height)).stroke();

  const numberSize = Math.min(18, mm(Math.min(format.labelHeightMm, format.labelWidthMm)) * 0.35);
  cells.forEach((cell, i) => {
    const label = String(i + 1);
    doc.font('bold').fontSize(numberSize);
    const x = mm(cell.x + cell.width / 2) - doc.widthOfString(label) / 2;
    doc.fillColor('#444444').text(label, x, mm(cell.y + cell.height / 2) - numberSize * 0.6, { lineBreak: false });
    // A small cross at the centre, to measure the shift with a ruler.
    const cx = mm(cell.x + cell.width / 2);
    const cy = mm(cell.y + cell.height / 2) + numberSize * 0.75;
    doc.lineWidth(0.3).moveTo(cx - 4, cy).lineTo(cx + 4, cy).moveTo(cx, cy - 4).lineTo(cx, cy + 4).stroke();
  });

  const caption = drawCalibrationCaption(doc, format, dx, dy);
  // On a sheet the rulers stay off the labels (outlines included); on a roll the page is the label.
  drawRulers(doc, format, dx, dy, format.kind === 'sheet' ? [...cells, caption] : [caption]);
  doc.fillColor('#000000').strokeColor('#000000');
  if (format.kind === 'sheet') drawCalibrationSteps(doc, format, dx, dy);
}

/** `aucun`, or `1,5 mm vers la droite et 1 mm vers le haut`: what the offsets do to the print. */
export function offsetsInWords(dx: number, dy: number): string {
  const amount = (value: number) => `${Math.abs(value).toFixed(1).replace('.', ',').replace(/,0$/, '')} mm`;
  const parts = [
    dx ? `${amount(dx)} vers la ${dx > 0 ? 'droite' : 'gauche'}` : '',
    dy ? `${amount(dy)} vers le ${dy > 0 ? 'bas' : 'haut'}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' et ') : 'aucun';
}

/**
 * Title and the offsets applied, in plain French and never below 8 pt: on a sheet, in the strip
 * below the last row (the steps are on page 2); on a roll, at the foot of the label. Returns the
 * rectangle it covers, in millimetres, so the rulers keep clear of it.
 */
function drawCalibrationCaption(doc: PDFKit.PDFDocument, format: LabelFormat, dx: number, dy: number): Rect {
  const wording = labelWording();
  const title = fillIn(wording.calibrationTitle, { format: format.name });
  const applied = fillIn(wording.calibrationOffsets, { offsets: offsetsInWords(dx, dy) });
  doc.fillColor('#000000');
  if (format.kind === 'sheet') {
    const left = mm(15);
    const width = mm(format.pageWidthMm - 30);
    const top = mm(format.marginTopMm + (format.rows - 1) * format.pitchYMm + format.labelHeightMm + 1.5);
    const text = `${title} · ${applied} · Mode d’emploi en page 2.`;
    doc.font('condensedBold').fontSize(8);
    const height = doc.heightOfString(text, { width });
    doc.text(text, left, top, { width });
    return { x: 15, y: top / mm(1), width: format.pageWidthMm - 30, height: height / mm(1) };
  }
  const left = mm(format.edgeMm + 2);
  const width = mm(format.pageWidthMm - 2 * format.edgeMm - 4);
  doc.font('condensed').fontSize(8);
  const height = doc.font('condensedBold').heightOfString(title, { width }) + doc.font('condensed').heightOfString(applied, { width });
  const top = mm(format.labelHeightMm - format.edgeMm) - height;
  doc.font('condensedBold').text(title, left, top, { width });
  doc.font('condensed').text(applied, left, doc.y, { width });
  return { x: format.edgeMm + 2, y: top / mm(1), width: width / mm(1), height: height / mm(1) };
}

/** Page 2 of a sheet's calibration: what to do with page 1, step by step, at 11 pt. */
function drawCalibrationSteps(doc: PDFKit.PDFDocument, format: LabelFormat, dx: number, dy: number): void {
  const wording = labelWording();
  const margin = mm(20);
  doc.addPage({ size: [mm(format.pageWidthMm), mm(format.pageHeightMm)], margin });
  const width = mm(format.pageWidthMm) - 2 * margin;
  doc.font('bold').fontSize(16).fillColor('#000000').text(fillIn(wording.calibrationTitle, { format: format.name }), margin, margin, { width });
  doc.font('regular').fontSize(11).text(`${format.stock} · ${fillIn(wording.calibrationOffsets, { offsets: offsetsInWords(dx, dy) })}`, { width });
  doc.moveDown(1);
  doc.font('bold').fontSize(13).text(wording.calibrationStepsTitle, { width });
  doc.moveDown(0.4);
  wording.calibrationSteps.forEach((step, i) => {
    const y = doc.y;
    doc.font('bold').fontSize(11).text(`${i + 1}.`, margin, y, { width: mm(8), lineBreak: false });
    doc.font('regular').fontSize(11).text(step, margin + mm(8), y, { width: width - mm(8), lineGap: 1.5 });
    doc.moveDown(0.5);
  });
}

const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * Rulers measure from the page's edges; they run a few millimetres inside them, where every
 * printer prints (a sheet printer leaves about 4 mm blank at the edges). Every tick and number
 * keeps out of `keepClear` (the labels on a sheet, the caption) and numbers never overlap.
 */
function drawRulers(doc: PDFKit.PDFDocument, format: LabelFormat, dx: number, dy: number, keepClear: Rect[]): void {
  const inset = format.kind === 'sheet' ? 5 : format.edgeMm;
  const tick = (t: number) => (t % 10 === 0 ? 3 : t % 5 === 0 ? 2 : 1);
  const GAP = 0.4;
  const taken = keepClear.map((r) => ({ x: r.x - GAP, y: r.y - GAP, width: r.width + 2 * GAP, height: r.height + 2 * GAP }));
  const free = (r: Rect) => !taken.some((t) => overlaps(r, t));
  const size = 8;
  doc.strokeColor('#0b5cad').fillColor('#0b5cad').font('condensed').fontSize(size);
  // The digits' ink, from the top of pdfkit's line box (DejaVu: ascent 0.93 em, digits 0.73 em high).
  const inkTop = (size * 0.2) / mm(1);
  const inkHeight = (size * 0.75) / mm(1);
  const number = (value: number, x: number, y: number) => {
    const label = String(value);
    const box = { x, y: y + inkTop, width: doc.widthOfString(label) / mm(1), height: inkHeight };
    if (!free(box)) return;
    doc.text(label, mm(x), mm(y), { lineBreak: false });
    taken.push(box);
  };
  const segment = (x1: number, y1: number, x2: number, y2: number, width: number) => {
    if (!free({ x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1) || 0.01, height: Math.abs(y2 - y1) || 0.01 })) return;
    doc.lineWidth(width).moveTo(mm(x1), mm(y1)).lineTo(mm(x2), mm(y2)).stroke();
  };

  const y0 = dy + inset;
  for (let t = 0; t <= format.pageWidthMm; t++) {
    if (t < format.pageWidthMm) segment(t + dx, y0, t + 1 + dx, y0, 0.3);
    segment(t + dx, y0, t + dx, y0 + tick(t), t % 10 === 0 ? 0.4 : 0.2);
  }
  const x0 = dx + inset;
  for (let t = 0; t <= format.pageHeightMm; t++) {
    if (t < format.pageHeightMm) segment(x0, t + dy, x0, t + 1 + dy, 0.3);
    segment(x0, t + dy, x0 + tick(t), t + dy, t % 10 === 0 ? 0.4 : 0.2);
  }
  // Numbers after every line, so that none is dropped for a line drawn later; the vertical ruler's
  // first, since it has few free places (the strips above and below the labels).
  for (let t = 10; t <= format.pageHeightMm; t += 10) if (free({ x: x0, y: t + dy, width: 3, height: 0.01 })) number(t, x0 + 3.4, t + dy - inkTop - inkHeight / 2);
  for (let t = 10; t <= format.pageWidthMm; t += 10) if (free({ x: t + dx, y: y0, width: 0.01, height: 3 })) number(t, t + dx + 0.4, y0 + 2.1 - inkTop);
  doc.strokeColor('#000000').fillColor('#000000');
}


export const labelDocumentTitle = (count: number) => `Étiquettes (${count})`;

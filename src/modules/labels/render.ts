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
 * (or printed on the roll), it shows at once how far the printer moves the print.
 */
export function drawCalibration(doc: PDFKit.PDFDocument, format: LabelFormat, offsets: Offsets): void {
  const dx = offsets.offsetXMm ?? 0;
  const dy = offsets.offsetYMm ?? 0;
  drawRulers(doc, format, dx, dy);

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

  drawCalibrationCaption(doc, format, dx, dy);
  doc.fillColor('#000000');
}

/**
 * Title, offsets and how to use the page, in plain French and never below 8 pt: on a sheet, in
 * the strip below the last row (the hint wraps over the page's width); on a roll, inside the
 * label (title and offsets only: the hint is in the README and the API documentation).
 */
function drawCalibrationCaption(doc: PDFKit.PDFDocument, format: LabelFormat, dx: number, dy: number): void {
  const wording = labelWording();
  const heading = `${fillIn(wording.calibrationTitle, { format: format.name })} · ${fillIn(wording.calibrationOffsets, { x: signed(dx), y: signed(dy) })}`;
  doc.fillColor('#000000');
  if (format.kind === 'sheet') {
    const left = mm(15);
    const width = mm(format.pageWidthMm - 30);
    const top = mm(format.marginTopMm + format.rows * format.pitchYMm + 1);
    doc.font('condensedBold').fontSize(8).text(heading, left, top, { width, lineGap: -0.5 });
    doc.font('condensed').fontSize(8).text(wording.calibrationHint, left, doc.y, { width, lineGap: -0.5 });
  } else {
    const left = mm(format.edgeMm + 2);
    const top = mm(format.labelHeightMm - format.edgeMm) - 2 * 8 * LINE;
    // Two short lines, each on one line (no width: pdfkit's wrapper would open a new page).
    doc.font('condensedBold').fontSize(8).text(fillIn(wording.calibrationTitle, { format: format.name }), left, top, { lineBreak: false });
    doc.font('condensed').fontSize(8).text(fillIn(wording.calibrationOffsets, { x: signed(dx), y: signed(dy) }), left, top + 8 * LINE, { lineBreak: false });
  }
}

/**
 * Rulers measure from the page's edges; they run a few millimetres inside them, where every
 * printer prints (a sheet printer leaves about 4 mm blank at the edges).
 */
function drawRulers(doc: PDFKit.PDFDocument, format: LabelFormat, dx: number, dy: number): void {
  const inset = format.kind === 'sheet' ? 5 : format.edgeMm;
  const tick = (t: number) => (t % 10 === 0 ? 3 : t % 5 === 0 ? 2 : 1);
  doc.strokeColor('#0b5cad').fillColor('#0b5cad').font('condensed').fontSize(5);
  doc.lineWidth(0.3).moveTo(mm(dx), mm(dy + inset)).lineTo(mm(dx + format.pageWidthMm), mm(dy + inset)).stroke();
  for (let t = 0; t <= format.pageWidthMm; t++) {
    doc.lineWidth(t % 10 === 0 ? 0.4 : 0.2).moveTo(mm(t + dx), mm(dy + inset)).lineTo(mm(t + dx), mm(dy + inset + tick(t))).stroke();
    if (t % 10 === 0 && t > 0) doc.text(String(t), mm(t + dx) + 1, mm(dy + inset + 1.6), { lineBreak: false });
  }
  doc.lineWidth(0.3).moveTo(mm(dx + inset), mm(dy)).lineTo(mm(dx + inset), mm(dy + format.pageHeightMm)).stroke();
  for (let t = 0; t <= format.pageHeightMm; t++) {
    doc.lineWidth(t % 10 === 0 ? 0.4 : 0.2).moveTo(mm(dx + inset), mm(t + dy)).lineTo(mm(dx + inset + tick(t)), mm(t + dy)).stroke();
    if (t % 10 === 0 && t > 0) doc.text(String(t), mm(dx + inset + 1.6), mm(t + dy) + 1, { lineBreak: false });
  }
  doc.strokeColor('#000000').fillColor('#000000');
}

const signed = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1).replace('.', ',')}`;

export const labelDocumentTitle = (count: number) => `Étiquettes (${count})`;

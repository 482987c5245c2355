import QRCode from 'qrcode';

export interface QrOptions {
  /** Modules of blank margin on each side; the QR specification asks for 4. */
  quietZone?: number;
  errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
}

/**
 * Draws a QR code as vector rectangles from qrcode's module matrix (no bitmap: crisp at any
 * size and any printer resolution). `size` is the whole square, quiet zone included.
 * Returns the module size, so callers can check a code stays scannable.
 */
export function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number, options: QrOptions = {}): number {
  const quiet = options.quietZone ?? 4;
  const qr = QRCode.create(text, { errorCorrectionLevel: options.errorCorrectionLevel ?? 'M' });
  const count = qr.modules.size;
  const module = size / (count + 2 * quiet);
  const origin = { x: x + quiet * module, y: y + quiet * module };
  doc.save();
  for (let row = 0; row < count; row++) {
    let col = 0;
    while (col < count) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < count && qr.modules.get(row, col)) col++;
      // Runs of dark modules become one rectangle; a hair of overlap avoids seams when rasterised.
      doc.rect(origin.x + start * module, origin.y + row * module, (col - start) * module, module + 0.01);
    }
  }
  doc.fillColor('black').fill();
  doc.restore();
  return module;
}

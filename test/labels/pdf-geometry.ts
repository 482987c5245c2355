import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import jsqr from 'jsqr';
import { OPS, getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PNG } from 'pngjs';
import type supertest from 'supertest';
import { binaryParser } from '../helpers/pdf.js';

// jsqr is a CommonJS bundle: its function is `default` under Node's loader, the import itself under vitest's interop.
type JsQr = typeof jsqr.default;
const jsqrExport = jsqr as unknown as JsQr | { default: JsQr };
const jsQR: JsQr = typeof jsqrExport === 'function' ? jsqrExport : jsqrExport.default;

/** The shared binary parser, typed as supertest's `parse` wants it. */
export const asBuffer = binaryParser as unknown as Parameters<supertest.Test['parse']>[0];

const run = promisify(execFile);
export const PT_PER_MM = 72 / 25.4;

export interface RectMm {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Every page rendered by poppler's pdftoppm, as a printer driver would see it. */
export async function rasterise(pdf: Buffer, dpi = 300): Promise<PNG[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labels-raster-'));
  try {
    fs.writeFileSync(path.join(dir, 'in.pdf'), pdf);
    await run('pdftoppm', ['-r', String(dpi), '-png', path.join(dir, 'in.pdf'), path.join(dir, 'page')]);
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .sort()
      .map((f) => PNG.sync.read(fs.readFileSync(path.join(dir, f))));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function crop(png: PNG, rect: RectMm, dpi: number, marginMm = 1) {
  const px = (mm: number) => Math.round((mm * dpi) / 25.4);
  const x0 = Math.max(0, px(rect.x - marginMm));
  const y0 = Math.max(0, px(rect.y - marginMm));
  const x1 = Math.min(png.width, px(rect.x + rect.width + marginMm));
  const y1 = Math.min(png.height, px(rect.y + rect.height + marginMm));
  const width = x1 - x0;
  const height = y1 - y0;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * png.width + x0) * 4;
    data.set(png.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { data, width, height };
}

/** The text of the QR code printed in that rectangle of the page, or null. */
export function decodeQr(png: PNG, rect: RectMm, dpi = 300): string | null {
  const image = crop(png, rect, dpi);
  return jsQR(image.data, image.width, image.height)?.data ?? null;
}

/** Whether anything at all is printed in that rectangle (a dark pixel). */
export function hasInk(png: PNG, rect: RectMm, dpi = 300): boolean {
  const image = crop(png, rect, dpi, -0.5);
  for (let i = 0; i < image.data.length; i += 4) if (image.data[i] < 200) return true;
  return false;
}

export interface TextBox extends RectMm {
  text: string;
  page: number;
}

/** Every text run with its box in millimetres from the page's top-left corner (DejaVu: ascent 0.93 em, descent 0.24 em). */
export async function textBoxes(pdf: Buffer): Promise<TextBox[]> {
  const document = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const boxes: TextBox[] = [];
  for (let i = 1; i <= document.numPages; i++) {
    const page = await document.getPage(i);
    const pageHeight = page.view[3];
    for (const item of (await page.getTextContent()).items) {
      if (!('str' in item) || !item.str.trim()) continue;
      const [, , , size, x, baseline] = item.transform as number[];
      boxes.push({
        text: item.str,
        page: i,
        x: x / PT_PER_MM,
        y: (pageHeight - baseline - size * 0.93) / PT_PER_MM,
        width: item.width / PT_PER_MM,
        height: (size * 1.17) / PT_PER_MM,
      });
    }
  }
  await document.destroy();
  return boxes;
}

/** Rectangles (`re`) and the QR codes' module transforms, per page, in millimetres from the top-left. */
export interface PageShapes {
  widthMm: number;
  heightMm: number;
  rects: RectMm[];
  transforms: { scale: number; x: number; y: number }[];
}

export async function drawnShapes(pdf: Buffer): Promise<PageShapes[]> {
  const document = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: PageShapes[] = [];
  for (let i = 1; i <= document.numPages; i++) {
    const page = await document.getPage(i);
    const list = await page.getOperatorList();
    const rects: RectMm[] = [];
    const transforms: { scale: number; x: number; y: number }[] = [];
    list.fnArray.forEach((fn, k) => {
      const args = list.argsArray[k] as unknown[];
      if (fn === OPS.constructPath) {
        const [ops, coords] = args as [number[], number[]];
        let c = 0;
        for (const op of ops) {
          if (op === OPS.rectangle) {
            const [x, y, w, h] = coords.slice(c, c + 4);
            rects.push({ x: x / PT_PER_MM, y: y / PT_PER_MM, width: w / PT_PER_MM, height: h / PT_PER_MM });
            c += 4;
          } else if (op === OPS.moveTo || op === OPS.lineTo) c += 2;
          else if (op === OPS.curveTo) c += 6;
          else if (op === OPS.curveTo2 || op === OPS.curveTo3) c += 4;
        }
      } else if (fn === OPS.transform) {
        const [a, , , d, e, f] = args as number[];
        if (a > 0 && a === d) transforms.push({ scale: a / PT_PER_MM, x: e / PT_PER_MM, y: f / PT_PER_MM });
      }
    });
    pages.push({ widthMm: page.view[2] / PT_PER_MM, heightMm: page.view[3] / PT_PER_MM, rects, transforms });
  }
  await document.destroy();
  return pages;
}

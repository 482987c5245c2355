import { now } from '../clock.js';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import { frTypography } from '../shared/french.js';

const require = createRequire(import.meta.url);
const fontDir = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf').replace(/DejaVuSans\.ttf$/, '');
// pdfkit's own font engine, resolved from pdfkit so the versions always match.
const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(buffer: Buffer): unknown };

interface FontkitFont {
  getGlyph(id: number, codePoints?: number[]): unknown;
  /** fontkit's glyph objects by id, each keeping the code points it was first created with. */
  _glyphs: Record<number, unknown>;
}

/**
 * A parsed font shared by every document keeps one glyph object per glyph id, made once with the
 * code points of its first request; pdfkit writes a document's ToUnicode map (the text a reader
 * copies) from those code points. Embedding a composite glyph (ç, é, É…) asks for its parts by
 * id alone, so a document that drew "ç" but no "c" left the shared font a "c" without code
 * points, and every later document drew its "c" with no text ("Cara téristiques"). A glyph
 * asked for without code points is therefore made for that one call and never kept: the next
 * layout of the character makes it with its code points.
 */
function parseFont(file: string): FontkitFont {
  const font = fontkit.create(fs.readFileSync(`${fontDir}${file}`)) as FontkitFont;
  if (typeof font._glyphs !== 'object') throw new Error(`fontkit no longer keeps its glyphs in _glyphs: ${file} would lose its text`);
  const getGlyph = font.getGlyph.bind(font);
  font.getGlyph = (id: number, codePoints: number[] = []) => {
    if (codePoints.length > 0 || font._glyphs[id]) return getGlyph(id, codePoints);
    const glyph = getGlyph(id, codePoints);
    delete font._glyphs[id];
    return glyph;
  };
  return font;
}

/**
 * Read and parsed once per process (parsing DejaVu costs ~35 ms a font, every document
 * otherwise); pdfkit accepts a parsed font and embeds only the glyphs a document uses.
 */
const FONTS = {
  regular: parseFont('DejaVuSans.ttf'),
  bold: parseFont('DejaVuSans-Bold.ttf'),
  condensed: parseFont('DejaVuSansCondensed.ttf'),
  condensedBold: parseFont('DejaVuSansCondensed-Bold.ttf'),
};
export type FontName = keyof typeof FONTS;

/**
 * pdfkit shapes each word with fontkit (OpenType lookups: most of a contract's render time) and
 * keeps the result in a cache that lives as long as one document. The result depends only on the
 * font and the word, so one cache per font serves every document; it is emptied past
 * `LAYOUT_CACHE_WORDS` words (a few MB) so that names and serial numbers cannot make it grow for good.
 */
const LAYOUT_CACHE_WORDS = 5_000;
const layoutCaches = new Map<unknown, { words: Record<string, unknown>; size: number }>();

interface EmbeddedFontInternals {
  font: unknown;
  layoutCache?: Record<string, unknown>;
  layoutCached?: (text: string) => unknown;
}

const shared = new WeakSet<object>();

function shareLayoutCache(font: EmbeddedFontInternals | null): void {
  if (!font?.layoutCache || !font.layoutCached || shared.has(font)) return;
  shared.add(font);
  const own = font.layoutCached.bind(font);
  font.layoutCached = (text: string) => {
    let cache = layoutCaches.get(font.font);
    if (!cache || cache.size >= LAYOUT_CACHE_WORDS) layoutCaches.set(font.font, (cache = { words: Object.create(null) as Record<string, unknown>, size: 0 }));
    font.layoutCache = cache.words;
    if (!(text in cache.words)) cache.size++;
    return own(text);
  };
}

export const MM = 72 / 25.4;
export const mm = (value: number) => value * MM;

export interface PdfOptions {
  title: string;
  subject?: string;
  /** Page size in points, or a named size; A4 by default. */
  size?: [number, number] | 'A4';
  margin?: number;
  /** Keep pages in memory to number them at the end ("page n/N"); off for streamed documents. */
  bufferPages?: boolean;
}

/** A French document with the embedded DejaVu fonts (accents, €, œ) registered as regular/bold/condensed. */
export function createPdf(options: PdfOptions): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    // No Helvetica: it was parsed from its metrics file and written into every document, unused.
    font: null as unknown as string,
    size: options.size ?? 'A4',
    margin: options.margin ?? mm(18),
    bufferPages: options.bufferPages ?? false,
    autoFirstPage: true,
    lang: 'fr-FR',
    info: { Title: options.title, Subject: options.subject ?? options.title, Author: 'Ordi’Pratique', Creator: 'Ordi’Pratique tracker', CreationDate: now() },
  });
  for (const [name, font] of Object.entries(FONTS)) doc.registerFont(name, font as unknown as PDFKit.Mixins.PDFFontSource);
  const font = doc.font.bind(doc);
  doc.font = ((...args: Parameters<typeof doc.font>) => {
    font(...args);
    shareLayoutCache((doc as unknown as { _font: EmbeddedFontInternals })._font);
    return doc;
  }) as typeof doc.font;
  doc.font('regular');
  // One rule for every document: French spacing before : ; ! ? » and the apostrophe ’, measured and drawn alike.
  const text = doc.text.bind(doc);
  const heightOfString = doc.heightOfString.bind(doc);
  const widthOfString = doc.widthOfString.bind(doc);
  const list = doc.list.bind(doc);
  const typeset = (items: unknown[]): unknown[] => items.map((item) => (typeof item === 'string' ? frTypography(item) : Array.isArray(item) ? typeset(item) : item));
  doc.text = ((value: unknown, ...rest: unknown[]) => (text as (...args: unknown[]) => PDFKit.PDFDocument)(typeof value === 'string' ? frTypography(value) : value, ...rest)) as typeof doc.text;
  doc.heightOfString = ((value: string, options?: PDFKit.Mixins.TextOptions) => heightOfString(frTypography(value), options)) as typeof doc.heightOfString;
  doc.widthOfString = ((value: string, options?: PDFKit.Mixins.TextOptions) => widthOfString(frTypography(value), options)) as typeof doc.widthOfString;
  doc.list = ((items: unknown[], ...rest: unknown[]) => (list as (...args: unknown[]) => PDFKit.PDFDocument)(typeset(items), ...rest)) as typeof doc.list;
  return doc;
}

/** Fits text on one line of `width`: shrinks down to `minSize`, then cuts with an ellipsis. */
export function fitText(doc: PDFKit.PDFDocument, text: string, width: number, size: number, minSize = size * 0.7): { text: string; size: number } {
  let fontSize = size;
  doc.fontSize(fontSize);
  while (doc.widthOfString(text) > width && fontSize > minSize) {
    fontSize = Math.max(minSize, fontSize - 0.5);
    doc.fontSize(fontSize);
  }
  if (doc.widthOfString(text) <= width) return { text, size: fontSize };
  let cut = text;
  while (cut.length > 0 && doc.widthOfString(`${cut}…`) > width) cut = cut.slice(0, -1);
  return { text: cut.length ? `${cut.trimEnd()}…` : '', size: fontSize };
}

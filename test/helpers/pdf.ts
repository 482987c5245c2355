import type { Stream } from 'node:stream';
import { constants, inflateSync } from 'node:zlib';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

const open = (bytes: Buffer | Uint8Array) => getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;

/** The text of each page, as a reader would copy it (items joined by spaces). */
export async function pdfPages(bytes: Buffer | Uint8Array): Promise<string[]> {
  const document = await open(bytes);
  const pages: string[] = [];
  for (let i = 1; i <= document.numPages; i++) {
    const content = await (await document.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' ').replace(/\s+/g, ' '));
  }
  await document.destroy();
  return pages;
}

export async function pdfText(bytes: Buffer | Uint8Array): Promise<string> {
  return (await pdfPages(bytes)).join('\n');
}

/**
 * Each page's text runs, character for character as the PDF maps its glyphs: a no-break space
 * stays U+00A0 here, where a copy (and `pdfPages`) turns it into a plain space.
 */
export async function pdfRuns(bytes: Buffer | Uint8Array): Promise<string[][]> {
  const document = await open(bytes);
  const pages: string[][] = [];
  for (let i = 1; i <= document.numPages; i++) {
    const { fnArray, argsArray } = await (await document.getPage(i)).getOperatorList();
    pages.push(fnArray.flatMap((fn, n) => (fn === OPS.showText ? [(argsArray[n][0] as ({ unicode?: string } | number)[]).map((g) => (typeof g === 'object' ? (g.unicode ?? '') : '')).join('')] : [])));
  }
  await document.destroy();
  return pages;
}

/** How many numbers each path operator of a `constructPath` takes (pdfjs 4: moveTo, lineTo, curveTo, curveTo2, curveTo3, closePath, rectangle). */
const PATH_ARGS: Record<number, number> = { [OPS.moveTo]: 2, [OPS.lineTo]: 2, [OPS.curveTo]: 6, [OPS.curveTo2]: 4, [OPS.curveTo3]: 4, [OPS.closePath]: 0, [OPS.rectangle]: 4 };

/** The rectangles each page draws (boxes to tick, signature boxes, grids), as their size in points. */
export async function pdfRectangles(bytes: Buffer | Uint8Array): Promise<{ width: number; height: number }[][]> {
  const document = await open(bytes);
  const pages: { width: number; height: number }[][] = [];
  for (let i = 1; i <= document.numPages; i++) {
    const { fnArray, argsArray } = await (await document.getPage(i)).getOperatorList();
    const rectangles: { width: number; height: number }[] = [];
    fnArray.forEach((fn, n) => {
      if (fn !== OPS.constructPath) return;
      const [ops, args] = argsArray[n] as [number[], number[]];
      let j = 0;
      for (const op of ops) {
        if (op === OPS.rectangle) rectangles.push({ width: Math.abs(args[j + 2]), height: Math.abs(args[j + 3]) });
        j += PATH_ARGS[op] ?? 0;
      }
    });
    pages.push(rectangles);
  }
  await document.destroy();
  return pages;
}

/**
 * The codes each font draws without a Unicode mapping: entries `<>` in the fonts' ToUnicode
 * CMaps (pdfkit lists there every glyph a document draws, in order). A reader copies such a glyph
 * as nothing or a control character ("Cara téristiques"), though the page shows it; `[]` when
 * every drawn glyph can be copied.
 */
export function pdfUnmappedGlyphs(bytes: Buffer | Uint8Array): string[] {
  const pdf = Buffer.from(bytes);
  const latin1 = pdf.toString('latin1');
  const unmapped: string[] = [];
  for (const match of latin1.matchAll(/<<([^]*?)>>\s*stream\r?\n/g)) {
    const start = match.index + match[0].length;
    const length = /\/Length (\d+)/.exec(match[1]);
    if (!length) continue;
    const data = pdf.subarray(start, start + Number(length[1]));
    let text: string;
    try {
      text = (/\/FlateDecode/.test(match[1]) ? inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH }) : data).toString('latin1');
    } catch {
      continue;
    }
    if (!text.includes('begincmap')) continue;
    for (const range of text.matchAll(/<([0-9a-f]{4})> <[0-9a-f]{4}> \[([^\]]*)\]/gi)) {
      const first = parseInt(range[1], 16);
      range[2].split(/(?<=>) /).forEach((entry, i) => {
        if (entry.trim() === '<>') unmapped.push((first + i).toString(16).padStart(4, '0'));
      });
    }
  }
  return unmapped;
}

/**
 * supertest parser that keeps a binary body as a Buffer: `.buffer(true).parse(binaryParser)`.
 * Typed as superagent's node parser expects (its response is a plain `Stream`).
 */
export function binaryParser(res: Stream, callback: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

import type { Stream } from 'node:stream';
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

/**
 * supertest parser that keeps a binary body as a Buffer: `.buffer(true).parse(binaryParser)`.
 * Typed as superagent's node parser expects (its response is a plain `Stream`).
 */
export function binaryParser(res: Stream, callback: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

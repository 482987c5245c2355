import type { FastifyReply } from 'fastify';
import { onRequestCrash } from '../http/crash-guard.js';

export function contentDisposition(filename: string, disposition: 'inline' | 'attachment' = 'inline'): string {
  const ascii = filename.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Streams a PDF to the client as pdfkit produces it (back-pressure is the stream's): `draw`
 * runs after the headers are sent, so everything that can fail with a 4xx must be checked
 * before calling this.
 */
export function sendPdf(reply: FastifyReply, doc: PDFKit.PDFDocument, filename: string, draw: (doc: PDFKit.PDFDocument) => void | Promise<void>) {
  reply.header('Content-Type', 'application/pdf').header('Content-Disposition', contentDisposition(filename)).header('Cache-Control', 'private, no-store');
  void (async () => {
    try {
      await draw(doc);
      doc.end();
    } catch (error) {
      reply.log.error({ err: error }, 'PDF rendering failed mid-stream');
      doc.destroy(error as Error);
    }
  })();
  return reply.send(doc);
}

/** Renders a whole PDF into memory (bounded documents: contracts, certificates, frozen copies). */
export async function renderPdf(doc: PDFKit.PDFDocument, draw: (doc: PDFKit.PDFDocument) => void | Promise<void>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  let forget = () => {};
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    // An error thrown in one of pdfkit's own callbacks fails this rendering (and its transaction).
    forget = onRequestCrash(reject);
  });
  try {
    await draw(doc);
    doc.end();
    return await done;
  } finally {
    forget();
  }
}

export function sendPdfBuffer(reply: FastifyReply, bytes: Buffer, filename: string) {
  return reply
    .header('Content-Type', 'application/pdf')
    .header('Content-Disposition', contentDisposition(filename))
    .header('Cache-Control', 'private, no-store')
    .send(bytes);
}

import { decodeSignaturePng } from './signature.js';

/**
 * Runs in a worker thread of the signature pool (`signature-pool.ts`): the bounded decode and
 * re-encode, off the thread that answers requests. Returns the re-encoded PNG or the reason the
 * image is refused.
 */
export default async function decodeInWorker(base64: string): Promise<Uint8Array | { refused: string }> {
  const png = await decodeSignaturePng(base64);
  return typeof png === 'string' ? { refused: png } : png;
}

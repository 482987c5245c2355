import { crc32, inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { z } from 'zod';

/**
 * A tablet signature is a small drawing. Every bound below is checked before the image data is
 * inflated, so a small hostile file (a "decompression bomb", a chunk claiming gigabytes) costs
 * nothing but the read of its header.
 */
export const MAX_SIGNATURE_BYTES = 512 * 1024;
export const MAX_SIGNATURE_BASE64 = Math.ceil(MAX_SIGNATURE_BYTES / 3) * 4 + 32;
/** 2,000 × 1,000 pixels: twice what a tablet's signature pad draws. */
export const MAX_SIGNATURE_PIXELS = 2_000_000;
const MAX_WIDTH = 4000;
const MAX_HEIGHT = 2000;
/** Ancillary chunks (text, colour profiles…) are dropped on re-encoding; none needs more. */
const MAX_ANCILLARY_CHUNK = 64 * 1024;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const VALID_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
/** Adam7: [x start, y start, x step, y step] of each of the 7 passes. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

/** Bytes of filtered scanlines (one filter byte per line) the image data must inflate to. */
function inflatedSize(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const lines = (w: number, h: number) => (w > 0 && h > 0 ? h * (Math.ceil((w * bitsPerPixel) / 8) + 1) : 0);
  if (!interlaced) return lines(width, height);
  return ADAM7.reduce((sum, [x, y, dx, dy]) => sum + lines(Math.ceil((width - x) / dx), Math.ceil((height - y) / dy)), 0);
}

/**
 * Decodes a base64 PNG (in a worker: `decodeSignatures` in `signature-pool.ts`) (an optional `data:image/png;base64,` prefix is accepted), checks its
 * size, dimensions and chunks, decodes every pixel with pngjs (CRCs checked) and re-encodes it
 * as a plain 8-bit RGB PNG on white, at most 1,200 × 600 pixels: what is stored and drawn into a PDF is an image this process wrote,
 * never the caller's bytes, so nothing downstream (pdfkit decodes images asynchronously) can meet
 * a malformed one. Returns the re-encoded bytes, or the reason the image is refused.
 *
 * The one function for every signature a document carries: reuse it (or `signatureImagePng`).
 */
export function decodeSignaturePng(input: string): Buffer | string {
  const base64 = input.replace(/^data:image\/png;base64,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) return 'is not base64';
  const png = Buffer.from(base64, 'base64');
  if (png.length > MAX_SIGNATURE_BYTES) return `is larger than ${MAX_SIGNATURE_BYTES / 1024} KiB`;
  if (png.length < 8 + 25 + 12 || !png.subarray(0, 8).equals(PNG_MAGIC)) return 'is not a PNG image';
  if (png.readUInt32BE(8) !== 13 || png.toString('latin1', 12, 16) !== 'IHDR') return 'is not a PNG image (no IHDR header)';
  if (png.readUInt32BE(29) !== crc32(png.subarray(12, 29))) return 'is a damaged PNG image (IHDR checksum)';
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  if (width === 0 || height === 0 || width > MAX_WIDTH || height > MAX_HEIGHT || width * height > MAX_SIGNATURE_PIXELS) {
    return `must be at most ${MAX_WIDTH} pixels wide, ${MAX_HEIGHT} high and ${MAX_SIGNATURE_PIXELS.toLocaleString('en')} pixels in all`;
  }
  const depth = png[24];
  const colourType = png[25];
  const interlaced = png[28] === 1;

  // Walk the chunks: each must fit in the file, ancillary ones stay small, IEND ends it.
  const idat: Buffer[] = [];
  let offset = 8;
  let ended = false;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (length > png.length - offset - 12) return `is a truncated PNG image (chunk ${JSON.stringify(type)})`;
    const critical = type === 'IHDR' || type === 'PLTE' || type === 'IDAT' || type === 'IEND';
    if (!critical && length > MAX_ANCILLARY_CHUNK) return `has a ${JSON.stringify(type)} chunk larger than ${MAX_ANCILLARY_CHUNK / 1024} KiB`;
    if (type === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
    if (type === 'IEND') {
      ended = true;
      break;
    }
  }
  if (!ended) return 'is a truncated PNG image (no IEND)';
  if (idat.length === 0 || idat.every((chunk) => chunk.length === 0)) return 'is a PNG image without image data';

  if (!VALID_DEPTHS[colourType]?.includes(depth)) return 'is a PNG image with an invalid header';

  // Inflate once with the exact expected size as a ceiling: a zlib bomb stops there, and data
  // that is garbage, truncated or too long is refused here (pngjs would pad it with zeros).
  const expected = inflatedSize(width, height, CHANNELS[colourType] * depth, interlaced);
  try {
    const inflated = inflateSync(Buffer.concat(idat), { maxOutputLength: expected });
    if (inflated.length !== expected) return 'is a damaged PNG image (image data)';
  } catch {
    return 'is a damaged PNG image (image data)';
  }

  let decoded: PNG;
  try {
    decoded = PNG.sync.read(png, { checkCRC: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    return /crc/i.test(message) ? 'is a damaged PNG image (checksum)' : 'is a damaged PNG image (image data)';
  }
  if (decoded.width !== width || decoded.height !== height || decoded.data.length !== width * height * 4) {
    return 'is a damaged PNG image (image data)';
  }
  // pngjs's types want a PNG stream; its sync writer reads only width, height and data.
  return PNG.sync.write(flattened(decoded) as unknown as PNG, { colorType: 2, inputColorType: 6, bitDepth: 8, deflateLevel: 6 });
}

/** 8-bit RGBA pixels, as pngjs reads and writes them. */
interface Bitmap {
  width: number;
  height: number;
  data: Buffer;
}

/** The stored image's largest size: a signature box is about 80 × 30 mm, so this is ~380 dpi. */
const STORED_WIDTH = 1200;
const STORED_HEIGHT = 600;

/**
 * The image as it will be printed: on white paper (alpha composited onto white, so pdfkit has no
 * transparency to split out) and no larger than the box it is drawn in (averaged down).
 */
function flattened(image: Bitmap): Bitmap {
  const scale = Math.min(1, STORED_WIDTH / image.width, STORED_HEIGHT / image.height);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const sums = new Float32Array(width * height * 3);
  const weights = new Uint16Array(width * height);
  const source = image.data;
  for (let y = 0; y < image.height; y++) {
    const row = Math.min(height - 1, Math.floor(y * scale)) * width;
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 4;
      const alpha = source[i + 3] / 255;
      const cell = row + Math.min(width - 1, Math.floor(x * scale));
      sums[cell * 3] += source[i] * alpha + 255 * (1 - alpha);
      sums[cell * 3 + 1] += source[i + 1] * alpha + 255 * (1 - alpha);
      sums[cell * 3 + 2] += source[i + 2] * alpha + 255 * (1 - alpha);
      weights[cell]++;
    }
  }
  // A plain bitmap, not `new PNG()`: that builds a stream with its own parser and packer for
  // nothing, and in a worker thread each one left megabytes behind that were never given back.
  const out: Bitmap = { width, height, data: Buffer.alloc(width * height * 4) };
  for (let cell = 0; cell < width * height; cell++) {
    out.data[cell * 4] = Math.round(sums[cell * 3] / weights[cell]);
    out.data[cell * 4 + 1] = Math.round(sums[cell * 3 + 1] / weights[cell]);
    out.data[cell * 4 + 2] = Math.round(sums[cell * 3 + 2] / weights[cell]);
    out.data[cell * 4 + 3] = 255;
  }
  return out;
}

/**
 * The zod field for a base64 signature image: its size and alphabet only. The image itself is
 * decoded and re-encoded by `decodeSignatures` (`signature-pool.ts`) in a worker thread, before
 * any transaction: validation runs on the thread that answers every request.
 */
export const signatureImagePng = () =>
  z
    .string()
    .max(MAX_SIGNATURE_BASE64, 'the signature image is too large')
    .regex(/^(data:image\/png;base64,)?[A-Za-z0-9+/=\s]+$/, 'the signature is not base64')
    .describe(`A PNG image drawn on a tablet, base64-encoded (at most ${MAX_SIGNATURE_BYTES / 1024} KiB, 2,000 × 1,000 pixels)`);

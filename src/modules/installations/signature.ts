import { crc32, createInflate, deflateSync } from 'node:zlib';
import { z } from 'zod';

/**
 * A tablet signature is a small drawing. Every bound below is checked before the image data is
 * inflated, so a small hostile file (a "decompression bomb", a chunk claiming gigabytes) costs
 * nothing but the read of its header.
 */
export const MAX_SIGNATURE_BYTES = 512 * 1024;
export const MAX_SIGNATURE_BASE64 = Math.ceil(MAX_SIGNATURE_BYTES / 3) * 4 + 32;
/** 2,000,000 pixels (2,000 × 1,000): twice what a tablet's signature pad draws; no side over 4,000 × 2,000. */
export const MAX_SIGNATURE_PIXELS = 2_000_000;
const MAX_WIDTH = 4000;
const MAX_HEIGHT = 2000;
/** Ancillary chunks (text, colour profiles…) are dropped on re-encoding; none needs more. */
const MAX_ANCILLARY_CHUNK = 64 * 1024;
export const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const VALID_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
/** Adam7: [x start, y start, x step, y step] of each of the 7 passes. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

/** Samples of one pass (or of the whole image when not interlaced): [width, height, x0, y0, dx, dy]. */
type Pass = [number, number, number, number, number, number];

function passesOf(width: number, height: number, interlaced: boolean): Pass[] {
  if (!interlaced) return [[width, height, 0, 0, 1, 1]];
  return ADAM7.map(([x, y, dx, dy]): Pass => [Math.ceil((width - x) / dx), Math.ceil((height - y) / dy), x, y, dx, dy]).filter(([w, h]) => w > 0 && h > 0);
}

/** Bytes of filtered scanlines (one filter byte per line) the image data must inflate to. */
function inflatedSize(passes: Pass[], bitsPerPixel: number): number {
  return passes.reduce((sum, [w, h]) => sum + h * (Math.ceil((w * bitsPerPixel) / 8) + 1), 0);
}

/** The header and the chunks that say how a pixel reads: what each scanline is turned into RGB with. */
interface Layout {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  /** RGBA per palette entry (colour type 3). */
  palette?: Uint8Array;
  /** tRNS of a grey or RGB image: the transparent sample values, at the image's depth. */
  transparent?: number[];
}

/**
 * Decodes a base64 PNG (in a worker: `decodeSignatures` in `signature-pool.ts`) (an optional
 * `data:image/png;base64,` prefix is accepted), checks its size, dimensions and chunks (CRCs
 * included) and re-encodes it as a plain 8-bit RGB PNG on white, at most 1,200 × 600 pixels: what
 * is stored and drawn into a PDF is an image this process wrote, never the caller's bytes, so
 * nothing downstream (pdfkit decodes images asynchronously) can meet a malformed one. Returns the
 * re-encoded bytes, or the reason the image is refused.
 *
 * The image data is inflated as a stream and each scanline unfiltered, turned to 8-bit RGB on
 * white and averaged into the output as it arrives: a decode holds two scanlines and the output
 * image, never the whole inflated image (a 16-bit RGBA 2,000 × 1,000 drawing is 16 MB inflated;
 * decoded whole by pngjs it cost ~80 MB, four of them took the service past 350 MB).
 *
 * The one function for every signature a document carries: reuse it (or `signatureImagePng`).
 */
export async function decodeSignaturePng(input: string): Promise<Buffer | string> {
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
  const interlace = png[28];
  if (png[26] !== 0 || png[27] !== 0 || interlace > 1) return 'is a PNG image with an invalid header';
  const layout: Layout = { width, height, depth, colourType };

  // Walk the chunks: each must fit in the file with a right CRC, ancillary ones stay small, IEND ends it.
  const idat: Buffer[] = [];
  let trns: Buffer | undefined;
  let offset = 8;
  let ended = false;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (length > png.length - offset - 12) return `is a truncated PNG image (chunk ${JSON.stringify(type)})`;
    const critical = type === 'IHDR' || type === 'PLTE' || type === 'IDAT' || type === 'IEND';
    // An upper-case first letter marks a chunk needed to read the image: one we do not know is a refusal (PNG 5.4).
    if (!critical && png[offset + 4] < 0x61) return `has a critical chunk this service cannot read (${JSON.stringify(type)})`;
    if (type === 'IHDR' && offset !== 8) return 'is a damaged PNG image (a second IHDR)';
    if (!critical && length > MAX_ANCILLARY_CHUNK) return `has a ${JSON.stringify(type)} chunk larger than ${MAX_ANCILLARY_CHUNK / 1024} KiB`;
    if (png.readUInt32BE(offset + 8 + length) !== crc32(png.subarray(offset + 4, offset + 8 + length))) return 'is a damaged PNG image (checksum)';
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IDAT') idat.push(data);
    if (type === 'PLTE') {
      if (length === 0 || length % 3 !== 0 || length > 256 * 3 || layout.palette) return 'is a damaged PNG image (palette)';
      layout.palette = new Uint8Array((length / 3) * 4).fill(255);
      for (let i = 0; i < length / 3; i++) layout.palette.set(data.subarray(i * 3, i * 3 + 3), i * 4);
    }
    if (type === 'tRNS') trns = data;
    offset += 12 + length;
    if (type === 'IEND') {
      ended = true;
      break;
    }
  }
  if (!ended) return 'is a truncated PNG image (no IEND)';
  if (offset !== png.length) return 'has data after its end (IEND)';
  if (idat.length === 0 || idat.every((chunk) => chunk.length === 0)) return 'is a PNG image without image data';
  if (!VALID_DEPTHS[colourType]?.includes(depth)) return 'is a PNG image with an invalid header';
  if (colourType === 3 && !layout.palette) return 'is a damaged PNG image (no palette)';
  if (trns) {
    if (colourType === 3) {
      if (trns.length > layout.palette!.length / 4) return 'is a damaged PNG image (transparency)';
      for (let i = 0; i < trns.length; i++) layout.palette![i * 4 + 3] = trns[i];
    } else if (colourType === 0 || colourType === 2) {
      if (trns.length !== (colourType === 0 ? 2 : 6)) return 'is a damaged PNG image (transparency)';
      layout.transparent = Array.from({ length: trns.length / 2 }, (_, i) => trns!.readUInt16BE(i * 2));
    }
  }

  const passes = passesOf(width, height, interlace === 1);
  const bitsPerPixel = CHANNELS[colourType] * depth;
  const image = new Downscaled(width, height, interlace === 1);
  // Inflated bytes must come to exactly this: a zlib bomb stops here, and data that is garbage,
  // truncated or too long is refused.
  const expected = inflatedSize(passes, bitsPerPixel);
  const rgba = new Uint8Array(width * 4);
  let pass = 0;
  let lineBytes = 0;
  let line = new Uint8Array(0);
  let previous = new Uint8Array(0);
  let filled = 0;
  let row = 0;
  const startPass = () => {
    lineBytes = Math.ceil((passes[pass][0] * bitsPerPixel) / 8) + 1;
    line = new Uint8Array(lineBytes);
    previous = new Uint8Array(lineBytes);
    filled = 0;
    row = 0;
  };
  startPass();
  /** One complete filtered scanline in `line`: unfilter it, read its pixels, hand them on. */
  const scanline = (): string | undefined => {
    if (!unfilter(line, previous, Math.max(1, bitsPerPixel >> 3))) return 'is a damaged PNG image (image data)';
    const [w, , x0, y0, dx, dy] = passes[pass];
    if (!toRgba(line, w, layout, rgba)) return 'is a damaged PNG image (palette index)';
    image.addRow(y0 + row * dy, rgba, w, x0, dx);
    [line, previous] = [previous, line];
    filled = 0;
    if (++row === passes[pass][1] && ++pass < passes.length) startPass();
    return undefined;
  };

  const refused = await new Promise<string | undefined>((resolve) => {
    let total = 0;
    let settled = false;
    const stop = (reason: string | undefined) => {
      if (settled) return;
      settled = true;
      inflate.destroy();
      resolve(reason);
    };
    const inflate = createInflate({ chunkSize: 64 * 1024 });
    inflate.on('data', (chunk: Buffer) => {
      if (settled) return;
      total += chunk.length;
      if (total > expected) return stop('is a damaged PNG image (image data)');
      for (let at = 0; at < chunk.length; ) {
        const take = Math.min(lineBytes - filled, chunk.length - at);
        line.set(chunk.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === lineBytes) {
          const reason = scanline();
          if (reason) return stop(reason);
        }
      }
    });
    inflate.on('error', () => stop('is a damaged PNG image (image data)'));
    inflate.on('end', () => stop(total === expected ? undefined : 'is a damaged PNG image (image data)'));
    for (const chunk of idat) inflate.write(chunk);
    inflate.end();
  });
  return refused ?? image.encode();
}

/** Reverses a scanline's PNG filter in place (`line[0]` is the filter type); false for an unknown one. */
function unfilter(line: Uint8Array, previous: Uint8Array, bpp: number): boolean {
  const filter = line[0];
  const n = line.length;
  switch (filter) {
    case 0:
      return true;
    case 1:
      for (let i = 1 + bpp; i < n; i++) line[i] = (line[i] + line[i - bpp]) & 0xff;
      return true;
    case 2:
      for (let i = 1; i < n; i++) line[i] = (line[i] + previous[i]) & 0xff;
      return true;
    case 3:
      for (let i = 1; i < n; i++) line[i] = (line[i] + ((previous[i] + (i > bpp ? line[i - bpp] : 0)) >> 1)) & 0xff;
      return true;
    case 4:
      for (let i = 1; i < n; i++) {
        const a = i > bpp ? line[i - bpp] : 0;
        const b = previous[i];
        const c = i > bpp ? previous[i - bpp] : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        line[i] = (line[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
      }
      return true;
    default:
      return false;
  }
}

/** An unfiltered scanline's `count` pixels as 8-bit RGBA into `out`; false for a palette index out of the palette. */
function toRgba(line: Uint8Array, count: number, { depth, colourType, palette, transparent }: Layout, out: Uint8Array): boolean {
  const channels = CHANNELS[colourType];
  const max = (1 << depth) - 1;
  const sample = (index: number): number => {
    if (depth === 8) return line[1 + index];
    if (depth === 16) return (line[1 + index * 2] << 8) | line[2 + index * 2];
    const bit = index * depth;
    return (line[1 + (bit >> 3)] >> (8 - depth - (bit & 7))) & max;
  };
  const to8 = (value: number) => (depth === 8 ? value : Math.floor((value * 255) / max + 0.5));
  for (let x = 0; x < count; x++) {
    const o = x * 4;
    if (colourType === 3) {
      const index = sample(x);
      if (index * 4 >= palette!.length) return false;
      out.set(palette!.subarray(index * 4, index * 4 + 4), o);
      continue;
    }
    const first = sample(x * channels);
    if (colourType === 0 || colourType === 4) {
      out[o] = out[o + 1] = out[o + 2] = to8(first);
      out[o + 3] = colourType === 4 ? to8(sample(x * channels + 1)) : transparent?.[0] === first ? 0 : 255;
    } else {
      const green = sample(x * channels + 1);
      const blue = sample(x * channels + 2);
      out[o] = to8(first);
      out[o + 1] = to8(green);
      out[o + 2] = to8(blue);
      out[o + 3] = colourType === 6 ? to8(sample(x * channels + 3)) : transparent && transparent[0] === first && transparent[1] === green && transparent[2] === blue ? 0 : 255;
    }
  }
  return true;
}

/** The stored image's largest size: a signature box is about 80 × 30 mm, so this is ~380 dpi. */
const STORED_WIDTH = 1200;
const STORED_HEIGHT = 600;

/**
 * The image as it will be printed, built row by row: on white paper (alpha composited onto
 * white, so pdfkit has no transparency to split out) and no larger than the box it is drawn in
 * (each output pixel the average of the source pixels that fall in it). Rows of a plain image
 * arrive in order, so only the output row being filled is summed; an interlaced image's rows
 * arrive pass by pass, so its sums are kept for the whole output.
 */
class Downscaled {
  readonly width: number;
  readonly height: number;
  private readonly rowScale: number;
  private readonly columns: Uint16Array;
  private readonly sums: Float32Array;
  private readonly weights: Uint32Array;
  /** Filtered scanlines of the output (a filter byte, then RGB), filled as output rows complete. */
  private readonly out: Buffer;
  private current = -1;

  constructor(
    sourceWidth: number,
    sourceHeight: number,
    private readonly interlaced: boolean,
  ) {
    const scale = Math.min(1, STORED_WIDTH / sourceWidth, STORED_HEIGHT / sourceHeight);
    this.width = Math.max(1, Math.round(sourceWidth * scale));
    this.height = Math.max(1, Math.round(sourceHeight * scale));
    // Source pixel → output cell by the rounded sizes, so every output row and column gets
    // pixels (by the scale alone, a 1,210 × 3 drawing left its last output row empty, printed black).
    this.rowScale = this.height / sourceHeight;
    this.columns = new Uint16Array(sourceWidth);
    for (let x = 0; x < sourceWidth; x++) this.columns[x] = Math.floor((x * this.width) / sourceWidth);
    const cells = this.width * (interlaced ? this.height : 1);
    this.sums = new Float32Array(cells * 3);
    this.weights = new Uint32Array(cells);
    this.out = Buffer.alloc((this.width * 3 + 1) * this.height);
  }

  /** `count` RGBA pixels of source row `y`, the first at column `x0`, then every `dx`. */
  addRow(y: number, rgba: Uint8Array, count: number, x0: number, dx: number): void {
    const target = Math.min(this.height - 1, Math.floor(y * this.rowScale));
    if (!this.interlaced && target !== this.current) {
      this.flush();
      this.current = target;
    }
    const base = this.interlaced ? target * this.width : 0;
    for (let i = 0; i < count; i++) {
      const o = i * 4;
      const alpha = rgba[o + 3] / 255;
      const cell = base + this.columns[x0 + i * dx];
      this.sums[cell * 3] += rgba[o] * alpha + 255 * (1 - alpha);
      this.sums[cell * 3 + 1] += rgba[o + 1] * alpha + 255 * (1 - alpha);
      this.sums[cell * 3 + 2] += rgba[o + 2] * alpha + 255 * (1 - alpha);
      this.weights[cell]++;
    }
  }

  /** Averages the summed row(s) into the output; a cell no source pixel fell in stays white. */
  private flush(): void {
    const rows = this.interlaced ? Array.from({ length: this.height }, (_, y) => y) : this.current < 0 ? [] : [this.current];
    for (const y of rows) {
      const base = this.interlaced ? y * this.width : 0;
      const at = y * (this.width * 3 + 1) + 1;
      for (let x = 0; x < this.width; x++) {
        const cell = base + x;
        const weight = this.weights[cell];
        for (let c = 0; c < 3; c++) this.out[at + x * 3 + c] = weight ? Math.round(this.sums[cell * 3 + c] / weight) : 255;
      }
    }
    this.sums.fill(0);
    this.weights.fill(0);
  }

  /** The 8-bit RGB PNG: each row filtered (the smallest of the five filters, as pngjs chose), then deflated. */
  encode(): Buffer {
    this.flush();
    const stride = this.width * 3 + 1;
    const candidate = Buffer.alloc(stride);
    const best = Buffer.alloc(stride);
    // Bottom up, in place: filtering a row reads the unfiltered row above it.
    for (let y = this.height - 1; y >= 0; y--) {
      const rowAt = y * stride;
      let bestSum = Infinity;
      for (let filter = 0; filter <= 4; filter++) {
        candidate[0] = filter;
        let sum = 0;
        for (let i = 1; i < stride; i++) {
          const raw = this.out[rowAt + i];
          const a = i > 3 ? this.out[rowAt + i - 3] : 0;
          const b = y > 0 ? this.out[rowAt - stride + i] : 0;
          const c = i > 3 && y > 0 ? this.out[rowAt - stride + i - 3] : 0;
          let predicted = 0;
          if (filter === 1) predicted = a;
          else if (filter === 2) predicted = b;
          else if (filter === 3) predicted = (a + b) >> 1;
          else if (filter === 4) {
            const p = a + b - c;
            const pa = Math.abs(p - a);
            const pb = Math.abs(p - b);
            const pc = Math.abs(p - c);
            predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          }
          const value = (raw - predicted) & 0xff;
          candidate[i] = value;
          sum += value < 128 ? value : 256 - value;
        }
        if (sum < bestSum) {
          bestSum = sum;
          candidate.copy(best);
        }
      }
      best.copy(this.out, rowAt);
    }
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header[8] = 8;
    header[9] = 2;
    return Buffer.concat([PNG_MAGIC, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(this.out, { level: 6 })), pngChunk('IEND', Buffer.alloc(0))]);
  }
}

function pngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
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
    .describe(`A PNG image drawn on a tablet, base64-encoded (at most ${MAX_SIGNATURE_BYTES / 1024} KiB and 2,000,000 pixels, e.g. 2,000 × 1,000, no wider than 4,000 nor higher than 2,000)`);

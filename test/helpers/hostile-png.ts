import { crc32, deflateSync, createDeflate } from 'node:zlib';

const MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk, with a right CRC unless told otherwise. */
export function chunk(type: string, data: Buffer = Buffer.alloc(0), badCrc = false): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE((crc32(Buffer.concat([head.subarray(4), data])) ^ (badCrc ? 1 : 0)) >>> 0);
  return Buffer.concat([head, data, crc]);
}

export function ihdr(width: number, height: number, depth: number, colourType: number, interlace = 0): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = depth;
  data[9] = colourType;
  data[12] = interlace;
  return chunk('IHDR', data);
}

export function png(...chunks: Buffer[]): Buffer {
  return Buffer.concat([MAGIC, ...chunks, chunk('IEND')]);
}

/** Raw scanlines (filter byte 0, then zeros) for an image of this size. */
function scanlines(width: number, height: number, bytesPerPixel: number): Buffer {
  return Buffer.alloc((width * bytesPerPixel + 1) * height);
}

/** A 4000 × 4000, 16-bit RGBA image of zeros: ~124 KB on the wire, 128 MB once inflated. */
export async function bombPng(): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  const ended = new Promise((resolve) => deflate.on('end', resolve));
  const row = Buffer.alloc(4000 * 8 + 1);
  for (let y = 0; y < 4000; y++) if (!deflate.write(row)) await new Promise((r) => deflate.once('drain', r));
  deflate.end();
  await ended;
  return png(ihdr(4000, 4000, 16, 6), chunk('IDAT', Buffer.concat(parts)));
}

/** The malformed shapes that crashed or fooled the service, each named. */
export async function hostileSignatures(): Promise<Record<string, Buffer>> {
  const rgba = deflateSync(scanlines(40, 20, 4));
  const text = Buffer.concat([Buffer.from('Comment\0', 'latin1'), Buffer.alloc(200 * 1024, 0x41)]);
  return {
    'alpha + garbage zlib': png(ihdr(40, 20, 8, 6), chunk('IDAT', Buffer.from('this is not zlib data at all, just garbage'))),
    'grey-alpha + garbage zlib': png(ihdr(40, 20, 8, 4), chunk('IDAT', Buffer.from([0x78, 0x9c, 1, 2, 3, 4, 5, 6]))),
    'alpha + truncated zlib': png(ihdr(40, 20, 8, 6), chunk('IDAT', rgba.subarray(0, Math.floor(rgba.length / 2)))),
    'alpha + empty IDAT': png(ihdr(40, 20, 8, 6), chunk('IDAT')),
    'RGB + garbage zlib': png(ihdr(40, 20, 8, 2), chunk('IDAT', Buffer.from('garbage garbage garbage'))),
    'palette without PLTE': png(ihdr(40, 20, 8, 3), chunk('IDAT', deflateSync(scanlines(40, 20, 1)))),
    'bad CRC': png(ihdr(40, 20, 8, 6), chunk('IDAT', rgba, true)),
    'truncated file': png(ihdr(40, 20, 8, 6), chunk('IDAT', rgba)).subarray(0, 70),
    '200 KB text chunk': png(ihdr(40, 20, 8, 6), chunk('tEXt', text), chunk('IDAT', rgba)),
    '4000x4000 16-bit bomb': await bombPng(),
    'interlaced zlib bomb': png(ihdr(2000, 1000, 8, 6, 1), chunk('IDAT', deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }))),
    // A decoder must refuse what it does not know how to read (PNG spec, 5.4), and a file is one image.
    'unknown critical chunk': png(ihdr(40, 20, 8, 6), chunk('ABCD', Buffer.from('x')), chunk('IDAT', rgba)),
    'second IHDR': png(ihdr(40, 20, 8, 6), ihdr(2000, 1000, 8, 6), chunk('IDAT', rgba)),
    'data after IEND': Buffer.concat([png(ihdr(40, 20, 8, 6), chunk('IDAT', rgba)), Buffer.from('appended bytes')]),
  };
}

/**
 * The most costly signature validation accepts: 2,000 × 1,000 pixels, 16-bit RGBA (the most
 * pixels and bytes per pixel there are), a pen stroke on white: ~30 KB, 16 MB once inflated.
 */
export function worstSignaturePng(): Buffer {
  const width = 2000;
  const height = 1000;
  const row = width * 8 + 1;
  const raw = Buffer.alloc(row * height, 0xff);
  for (let y = 0; y < height; y++) {
    raw[y * row] = 0;
    const x = Math.round(width / 2 + (width / 3) * Math.sin(y / 40));
    raw.fill(0, y * row + 1 + x * 8, y * row + 1 + x * 8 + 48);
  }
  return png(ihdr(width, height, 16, 6), chunk('IDAT', deflateSync(raw, { level: 9 })));
}

import { crc32 } from 'node:zlib';

/** A tablet signature is a small drawing: 256 KiB of PNG is plenty, and keeps contracts light. */
export const MAX_SIGNATURE_BYTES = 256 * 1024;
export const MAX_SIGNATURE_BASE64 = Math.ceil(MAX_SIGNATURE_BYTES / 3) * 4 + 32;
const MAX_SIDE = 4000;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const VALID_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/**
 * Decodes a base64 PNG (an optional `data:image/png;base64,` prefix is accepted) and checks
 * that it really is one: the 8 signature bytes, then a well-formed IHDR chunk (length 13,
 * sane dimensions, a legal colour type and bit depth, matching CRC), and an IEND at the end.
 * Returns the bytes, or the reason it is refused.
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
  if (width === 0 || height === 0 || width > MAX_SIDE || height > MAX_SIDE) return `must be between 1 and ${MAX_SIDE} pixels wide and high`;
  const depth = png[24];
  const colourType = png[25];
  if (!VALID_DEPTHS[colourType]?.includes(depth) || png[26] !== 0 || png[27] !== 0 || png[28] > 1) return 'is a PNG image with an invalid header';
  if (png.toString('latin1', png.length - 8, png.length - 4) !== 'IEND') return 'is a truncated PNG image';
  return png;
}

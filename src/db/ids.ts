import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
let lastTime = 0;
let counter = 0;

/**
 * Opaque, URL-safe ids that sort by creation time (a ULID-like 48-bit timestamp, then a
 * per-process counter so ids made in the same millisecond keep their order, then randomness
 * so that several app instances never collide).
 */
export function newId(): string {
  const now = Date.now();
  counter = now === lastTime ? counter + 1 : 0;
  lastTime = now;
  return encode(now, 10) + encode(counter, 4) + encodeBytes(randomBytes(8), 12);
}

function encode(value: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

function encodeBytes(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i % bytes.length] % 32];
  return out;
}

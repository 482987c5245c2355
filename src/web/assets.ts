import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { WEB_DIR } from './paths.js';

interface Asset {
  url: string;
  type: string;
  body: Buffer;
  gzip: Buffer;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** Third-party browser files served by the app itself, under a name of ours. */
const VENDOR: Record<string, string> = { 'jsqr.js': 'jsqr/dist/jsQR.js', 'signature-pad.js': 'signature_pad/dist/signature_pad.min.js' };

function resolveVendor(file: string): string {
  let dir = WEB_DIR;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'node_modules', file);
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`Browser file ${file} not found in node_modules`);
}

/**
 * Every file of `assets/` read once at start, named after a hash of its content
 * (`app.3f2a9c1d.css`) and served with a year-long immutable cache: a new release changes the
 * names, so no browser keeps a stale script. Gzipped once, not per request.
 */
export function loadAssets(): Map<string, Asset> {
  const dir = path.join(WEB_DIR, 'assets');
  const files = fs.readdirSync(dir).map((name) => [name, path.join(dir, name)] as const);
  for (const [name, file] of Object.entries(VENDOR)) files.push([name, resolveVendor(file)]);
  const assets = new Map<string, Asset>();
  for (const [name, file] of files) {
    const ext = path.extname(name);
    if (!TYPES[ext]) continue;
    const body = fs.readFileSync(file);
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
    const url = `/assets/${path.basename(name, ext)}.${hash}${ext}`;
    assets.set(name, { url, type: TYPES[ext], body, gzip: gzipSync(body, { level: 9 }) });
  }
  return assets;
}

export function registerAssets(app: FastifyInstance, assets: Map<string, Asset>): void {
  const byUrl = new Map([...assets.values()].map((asset) => [asset.url, asset]));
  app.get('/assets/:file', { schema: { hide: true }, config: { web: { public: true } } }, async (request, reply) => {
    const asset = byUrl.get(request.url.split('?')[0]);
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('Fichier introuvable');
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    reply.header('Cache-Control', 'public, max-age=31536000, immutable').header('Vary', 'Accept-Encoding').type(asset.type);
    if (gzip) reply.header('Content-Encoding', 'gzip');
    return reply.send(gzip ? asset.gzip : asset.body);
  });
  // Pages link the fingerprinted icon; this fixed address is for what asks for it by name
  // (bookmarks, tools, browsers before the page loads): a day's cache, as its name never changes.
  const icon = assets.get('favicon.ico');
  if (icon) {
    app.get('/favicon.ico', { schema: { hide: true }, config: { web: { public: true } } }, async (_request, reply) =>
      reply.header('Cache-Control', 'public, max-age=86400').type(icon.type).send(icon.body));
  }
}

import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBlob } from '../../src/modules/installations/blobs.js';
import { decodeSignaturePng } from '../../src/modules/installations/signature.js';
import { useTestApp } from '../helpers/app.js';
import { hostileSignatures } from '../helpers/hostile-png.js';
import { scheduleKit, signaturePng } from '../helpers/installations.js';

const ctx = useTestApp();
let shapes: Record<string, Buffer>;
beforeAll(async () => {
  shapes = await hostileSignatures();
});

const complete = (id: string, png: Buffer) =>
  ctx.api('installer').post(`/api/v1/installations/${id}/complete`).send({
    installedOn: '2026-11-25',
    installedBy: 'Julien Morel',
    signature: { imagePng: png.toString('base64'), signedBy: 'Aïcha', signedAt: '2026-11-25T10:00:00Z' },
  });

describe('hostile signature images', () => {
  it('when a malformed or oversized PNG is sent as the signature, then 400 naming signature.imagePng, nothing written, and the server still answers', async () => {
    const { installation } = await scheduleKit(ctx);
    for (const [name, png] of Object.entries(shapes)) {
      const res = await complete(installation.id, png);
      expect(res.status, `${name}: ${res.text}`).toBe(400);
      expect(res.headers['content-type'], name).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { path: string }) => e.path), name).toEqual(['signature.imagePng']);
      expect((await ctx.anonymous().get('/health')).status, `alive after ${name}`).toBe(200);
    }
    const after = await ctx.api('installer').get(`/api/v1/installations/${installation.id}`);
    expect(after.body).toMatchObject({ status: 'scheduled', contractNumber: null });
  });

  it('when the bomb is refused, then it is refused from its header, quickly', async () => {
    const started = performance.now();
    expect(await decodeSignaturePng(shapes['4000x4000 16-bit bomb'].toString('base64'))).toMatch(/pixels/);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('when a valid 16-bit or palette signature is sent, then the stored image is the re-encoded 8-bit RGB one, on white and at most 1,200 × 600', async () => {
    const wide = new PNG({ width: 120, height: 40 });
    wide.data.fill(255);
    const bytes16 = PNG.sync.write(wide, { bitDepth: 16, colorType: 6 });
    for (const input of [bytes16, signaturePng()]) {
      const out = await decodeSignaturePng(`data:image/png;base64,${input.toString('base64')}`);
      expect(Buffer.isBuffer(out)).toBe(true);
      const decoded = PNG.sync.read(out as Buffer);
      expect(decoded).toMatchObject({ width: input === bytes16 ? 120 : 300, depth: 8, colorType: 2 });
      expect((out as Buffer).includes(Buffer.from('tEXt'))).toBe(false);
    }
    const { installation } = await scheduleKit(ctx);
    const res = await complete(installation.id, bytes16);
    expect(res.status, res.text).toBe(200);
    const row = await ctx.db.kysely.selectFrom('installations').select('signature_blob').where('id', '=', installation.id).executeTakeFirstOrThrow();
    expect(PNG.sync.read(await readBlob(ctx.db.kysely, row.signature_blob!))).toMatchObject({ depth: 8, colorType: 2, width: 120 });
    // A transparent pixel is printed as white paper; a large drawing is averaged down.
    const clear = new PNG({ width: 2000, height: 900 });
    const big = PNG.sync.read((await decodeSignaturePng(PNG.sync.write(clear).toString('base64'))) as Buffer);
    expect([big.width, big.height, big.data[0], big.data[1], big.data[2]]).toEqual([1200, 540, 255, 255, 255]);
    // Averaged down by a scale that leaves a fraction of a row: every output row still gets pixels (the last one was black).
    const thin = new PNG({ width: 1210, height: 3 });
    thin.data.fill(255);
    const narrowed = PNG.sync.read((await decodeSignaturePng(PNG.sync.write(thin).toString('base64'))) as Buffer);
    expect([narrowed.width, narrowed.height, Math.min(...narrowed.data)]).toEqual([1200, 3, 255]);
  });
});

import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCollection, deviceInput, intake } from '../helpers/factories.js';
import { pdfPages, pdfText } from '../helpers/pdf.js';
import { asBuffer } from './pdf-geometry.js';

const ctx = useTestApp();

const post = (body: Record<string, unknown>, role: Parameters<typeof ctx.api>[0] = 'collector') =>
  ctx.api(role).post('/api/v1/labels').send(body).buffer(true).parse(asBuffer);
const json = (res: { body: Buffer }) => JSON.parse(res.body.toString());

describe('asking for labels', () => {
  it('when some asset tags are unknown, then the answer is 422 naming each of them and no PDF is sent', async () => {
    const [device] = await intake(ctx);
    const res = await post({ assetTags: [device.assetTag, 'OP-999998', 'nope'] });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = json(res);
    expect(problem.detail).toContain('OP-999998');
    expect(problem.detail).toContain('nope');
    expect(problem.unknown).toEqual(['OP-999998', 'nope']);
    expect(problem.errors).toEqual([
      { path: 'assetTags.1', message: 'no device has the asset tag OP-999998' },
      { path: 'assetTags.2', message: 'no device has the asset tag nope' },
    ]);
  });

  it('when a device id is unknown, then the answer is 422 naming it', async () => {
    const [device] = await intake(ctx);
    const res = await post({ deviceIds: [device.id, 'zzzunknown'] });
    expect(res.status).toBe(422);
    expect(json(res).detail).toContain('zzzunknown');
  });

  it('when the collection is unknown or empty, then the answer says so', async () => {
    expect((await post({ collectionId: 'nosuchcollection' })).status).toBe(404);
    const empty = await createCollection(ctx);
    const res = await post({ collectionId: empty.id });
    expect(res.status).toBe(422);
    expect(json(res).detail).toContain('no devices');
  });

  it('when none or two of assetTags, deviceIds and collectionId are given, then the request is refused', async () => {
    const [device] = await intake(ctx);
    expect((await post({ format: 'avery-l7160' })).status).toBe(400);
    expect((await post({ assetTags: [device.assetTag], deviceIds: [device.id] })).status).toBe(400);
  });

  it('when the start position, offsets or format are out of range, then the request is refused naming the field', async () => {
    const [device] = await intake(ctx);
    const past = await post({ assetTags: [device.assetTag], format: 'avery-l7163', startPosition: 15 });
    expect(past.status).toBe(400);
    expect(json(past).errors[0].path).toBe('startPosition');
    expect(json(past).detail).toContain('14 per page');
    expect(json(await post({ assetTags: [device.assetTag], offsetXMm: 10.5 })).errors[0].path).toBe('offsetXMm');
    expect(json(await post({ assetTags: [device.assetTag], format: 'avery-l9999' })).errors[0].path).toBe('format');
    expect((await post({ assetTags: [device.assetTag], format: 'brother-dk11209', startPosition: 2 })).status).toBe(400);
  });

  it('when a collection is printed, then its labels come in asset-tag order with a file name saying so', async () => {
    const collection = await createCollection(ctx);
    const devices = await intake(ctx, [deviceInput(), deviceInput({ kind: 'desktop' }), deviceInput({ kind: 'tablet' })], collection.id);
    const res = await post({ collectionId: collection.id });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain(`etiquettes-collecte-${collection.id}.pdf`);
    const text = await pdfText(res.body);
    const positions = devices.map((d) => text.indexOf(d.assetTag));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toContain('Ordinateur de bureau');
    expect(text).toContain('Tablette');
  });

  it('when asset tags are given in any case, then they match and the file is named after the first and last', async () => {
    const devices = await intake(ctx, [deviceInput(), deviceInput()]);
    const res = await post({ assetTags: [devices[1].assetTag.toLowerCase(), devices[0].assetTag] });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain(`etiquettes-${devices[1].assetTag}-${devices[0].assetTag}.pdf`);
  });

  it('when a label is printed, then it holds no personal data nor serial number, only the public description', async () => {
    const [device] = await intake(ctx, [deviceInput({ notes: 'Bureau de Mme Hélène Dupré' })]);
    const res = await post({ deviceIds: [device.id], format: 'avery-l7163' });
    const text = await pdfText(res.body);
    expect(text).toContain(device.assetTag);
    expect(text).not.toContain('Dupré');
    expect(text).not.toContain(device.serialNumber!);
    expect(text).not.toContain(device.id);
  });

  it('when a viewer asks to print, then it is forbidden, while everyone may read the formats and the calibration page', async () => {
    const [device] = await intake(ctx);
    expect((await post({ assetTags: [device.assetTag] }, 'viewer')).status).toBe(403);
    for (const role of ['collector', 'reconditioner', 'installer'] as const) {
      expect((await post({ assetTags: [device.assetTag] }, role)).status).toBe(200);
    }
    expect((await ctx.api('viewer').get(`/api/v1/devices/${device.id}/label.pdf`)).status).toBe(403);
    expect((await ctx.api('viewer').get('/api/v1/labels/formats')).status).toBe(200);
    expect((await ctx.api('viewer').get('/api/v1/labels/calibration.pdf')).status).toBe(200);
    expect((await ctx.anonymous().get('/api/v1/labels/formats')).status).toBe(401);
  });

  it('when one device’s label is asked, then a one-page PDF named after its tag comes back; an unknown device is 404', async () => {
    const [device] = await intake(ctx);
    const res = await ctx.api('installer').get(`/api/v1/devices/${device.id}/label.pdf?format=dymo-11354`).buffer(true).parse(asBuffer);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain(`etiquette-${device.assetTag}.pdf`);
    const pages = await pdfPages(res.body);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain(device.assetTag);
    expect((await ctx.api('installer').get('/api/v1/devices/nosuchdevice/label.pdf')).status).toBe(404);
  });

  it('when the calibration page is asked, then it numbers every label and states the offsets applied', async () => {
    const res = await ctx.api('viewer').get('/api/v1/labels/calibration.pdf?format=avery-l7651&offsetXMm=-1.5').buffer(true).parse(asBuffer);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('calibrage-avery-l7651.pdf');
    const text = await pdfText(res.body);
    for (const n of [1, 33, 65]) expect(text).toMatch(new RegExp(`(^| )${n}( |$)`));
    expect(text).toContain('Avery L7651');
    expect(text).toContain('1,5 mm vers la gauche');
  });

  it('when a long run is printed, then the PDF starts arriving well before it is complete', async () => {
    const devices = await intake(ctx, Array.from({ length: 300 }, () => deviceInput()));
    const started = performance.now();
    let firstChunk = 0;
    let chunks = 0;
    const res = await ctx
      .api('collector')
      .post('/api/v1/labels')
      .send({ deviceIds: devices.map((d) => d.id), copies: 4 })
      .buffer(true)
      .parse(((stream: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void) => {
        const parts: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => {
          if (!chunks++) firstChunk = performance.now() - started;
          parts.push(chunk);
        });
        stream.on('end', () => done(null, Buffer.concat(parts)));
      }) as unknown as typeof asBuffer);
    const total = performance.now() - started;
    expect(res.status).toBe(200);
    expect((await pdfPages(res.body)).length).toBe(Math.ceil(1200 / 21));
    expect(chunks).toBeGreaterThan(10);
    expect(firstChunk).toBeLessThan(total / 2);
  });
});

import { describe, expect, it } from 'vitest';
import type { Response } from 'supertest';
import { useTestApp } from '../helpers/app.js';

/** NUL and other C0 controls were a 500 on PostgreSQL ("invalid byte sequence for encoding UTF8: 0x00"). */
const ctx = useTestApp();

const cursorOf = (key: unknown) => Buffer.from(JSON.stringify([key])).toString('base64url');

function expect400(res: Response, label: string, path?: string) {
  expect(res.status, `${label} → ${res.status} ${res.text?.slice(0, 200)}`).toBe(400);
  expect(res.headers['content-type'], label).toMatch(/^application\/problem\+json/);
  if (path) expect(res.body.errors.map((e: { path: string }) => e.path), label).toContain(path);
}

describe('control characters in every kind of input', () => {
  it('when the public page is asked for a tag holding NUL or a control character, then 400, without a key', async () => {
    for (const tag of ['%00', 'OP-%00', '%1B%5B31m', 'OP%0A000001']) {
      expect400(await ctx.anonymous().get(`/d/${tag}`), `/d/${tag}`, 'path.assetTag');
      expect400(await ctx.anonymous().get(`/d/${tag}`).set('Accept', 'application/json'), `/d/${tag} json`);
    }
  });

  it('when a cursor decodes to a string with NUL, then every list answers 400 naming the cursor', async () => {
    const lists = ['donors', 'collections', 'shipments', 'deliveries', 'beneficiaries', 'installations', 'devices', 'exchange/entries'];
    for (const list of lists) {
      for (const cursor of [cursorOf('\u0000'), cursorOf('a\u0001b'), cursorOf(1.5), cursorOf({ a: 1 }), '%00']) {
        expect400(await ctx.api().get(`/api/v1/${list}?cursor=${cursor}`), `${list} cursor ${cursor}`, 'query.cursor');
      }
    }
  });

  it('when a body string holds NUL, then 400 naming the field, labels included', async () => {
    expect400(await ctx.api().post('/api/v1/labels').send({ assetTags: ['\u0000'] }), 'labels', 'assetTags.0');
    expect400(await ctx.api().post('/api/v1/donors').send({ name: 'Mairie\u0000', kind: 'company' }), 'donor name', 'name');
    expect400(await ctx.api().post('/api/v1/shipments').send({ notes: 'a\u0000b' }), 'shipment notes', 'notes');
  });

  it('when a query or path parameter holds NUL, then 400', async () => {
    expect400(await ctx.api().get('/api/v1/scan/%00'), 'scan', 'path.code');
    expect400(await ctx.api().get('/api/v1/devices?q=%00'), 'devices q', 'query.q');
    expect400(await ctx.api().get('/api/v1/devices/ab%00cd'), 'device id', 'path.id');
    expect400(await ctx.api().get('/api/v1/reports/summary?from=2026-01-01%00'), 'report from', 'query.from');
  });

  it('when free text holds line breaks, then it is kept; a single-line field refuses them', async () => {
    const ok = await ctx.api('collector').post('/api/v1/shipments').send({ notes: 'Palette 1\nPalette 2\r\n\tfin' });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.notes).toContain('Palette 2');
    expect400(await ctx.api().post('/api/v1/donors').send({ name: 'Mairie\nde Cognin', kind: 'company' }), 'donor name newline', 'name');
  });
});

describe('bodyless actions', () => {
  it('when an action whose fields are all optional is posted without a body, then it works; one with required fields still names them', async () => {
    const { scheduleKit } = await import('../helpers/installations.js');
    const { installation } = await scheduleKit(ctx);
    const cancelled = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/cancel`);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const shipment = await ctx.api('collector').post('/api/v1/shipments');
    expect(shipment.status, shipment.text).toBe(201);
    expect400(await ctx.api().post('/api/v1/donors'), 'donor without body', 'name');
  });
});

describe('date edges', () => {
  it('when a date is outside 2000-2100, then 400 naming it, on reports, their PDF and bodies', async () => {
    for (const query of ['to=0000-12-31', 'from=1999-12-31&to=2000-01-31', 'from=9999-01-01&to=9999-12-31', 'from=2100-12-01&to=2101-01-01']) {
      for (const path of ['/api/v1/reports/summary', '/api/v1/reports/summary.pdf']) {
        const res = await ctx.api('viewer').get(`${path}?${query}`);
        expect400(res, `${path}?${query}`);
        expect(res.body.errors[0].message, query).toMatch(/between 2000-01-01 and 2100-12-31/);
      }
    }
    expect400(await ctx.api().get('/api/v1/devices?updatedSince=0001-01-01T00:00:00Z'), 'updatedSince', 'query.updatedSince');
    expect400(await ctx.api().post('/api/v1/collections').send({ donorId: 'x', collectedOn: '0000-01-01' }), 'collectedOn', 'collectedOn');
  });

  it('when a period spans the edges of the range, then its length is counted on dates', async () => {
    expect((await ctx.api('viewer').get('/api/v1/reports/summary?from=2090-01-01&to=2099-12-31')).status).toBe(200);
    const long = await ctx.api('viewer').get('/api/v1/reports/summary?from=2000-01-01&to=2100-12-31');
    expect400(long, 'whole range');
    expect(long.body.detail).toContain('120 months');
  });
});

import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { deviceInput, intake } from '../helpers/factories.js';

const ctx = useTestApp();

describe('the page a label opens', () => {
  it('when a phone scans a label, then a French page says what the device is, whose it is and whom to call, without a key', async () => {
    const [device] = await intake(ctx, [deviceInput({ kind: 'laptop', brand: 'Lenovo', model: 'ThinkPad T480' })]);
    const res = await ctx.anonymous().get(`/d/${device.assetTag}`).set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<html lang="fr">');
    expect(res.text).toContain(device.assetTag);
    expect(res.text).toContain('Ordinateur portable · Lenovo ThinkPad T480');
    expect(res.text).toContain("programme d’inclusion numérique <strong>Ordi&#39;Pratique</strong>");
    expect(res.text).toContain('coordonné par Grand Chambéry.');
    expect(res.text).toContain('href="tel:0479968600"');
    expect(res.text).toContain('Appeler le 04 79 96 86 00');
  });

  it('when the page is served, then it is cached briefly, varies on Accept and runs under a strict content security policy', async () => {
    const [device] = await intake(ctx);
    const res = await ctx.anonymous().get(`/d/${device.assetTag}`);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers.vary).toContain('Accept');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.text).not.toMatch(/<script/i);
  });

  it('when a device’s description holds markup, then the page prints it escaped', async () => {
    const [device] = await intake(ctx, [deviceInput({ brand: '<script>alert("x")</script>', model: 'A&B "Pro" \'16\'' })]);
    const res = await ctx.anonymous().get(`/d/${device.assetTag}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<script>');
    expect(res.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; A&amp;B &quot;Pro&quot; &#39;16&#39;');
  });

  it('when JSON is asked, then the same public facts come back and nothing about status, serial, donor or people', async () => {
    const [device] = await intake(ctx, [deviceInput({ kind: 'monitor', brand: 'Dell', model: 'P2419H', notes: 'Chez Mme Hélène Dupré' })]);
    const res = await ctx.anonymous().get(`/d/${device.assetTag.toLowerCase()}`).set('Accept', 'application/json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.body).toEqual({
      assetTag: device.assetTag,
      kind: 'monitor',
      kindLabel: 'Écran',
      brand: 'Dell',
      model: 'P2419H',
      programme: { name: "Ordi'Pratique", coordinator: 'Grand Chambéry', website: 'https://www.grandchambery.fr' },
      foundPhone: '04 79 96 86 00',
      message: expect.stringContaining('04 79 96 86 00'),
    });
    const raw = JSON.stringify(res.body);
    for (const secret of [device.id, device.serialNumber!, 'Dupré', 'collected', 'status', 'donor']) expect(raw).not.toContain(secret);
  });

  it('when the device moves through its life, then the page does not change: no status leaks', async () => {
    const [device] = await intake(ctx);
    const before = (await ctx.anonymous().get(`/d/${device.assetTag}`)).text;
    const scrap = await ctx.api('collector').post(`/api/v1/devices/${device.id}/scrap`).send({ reason: 'Carte mère HS', destructionCertificate: 'CD-TEST-0001' });
    expect(scrap.status).toBe(200);
    const after = await ctx.anonymous().get(`/d/${device.assetTag}`);
    expect(after.status).toBe(200);
    expect(after.text).toBe(before);
    expect(after.text).not.toMatch(/scrap|rebut|HS/i);
  });

  it('when the tag is unknown, then a friendly French 404 page answers, escaping what was typed', async () => {
    const res = await ctx.anonymous().get(`/d/${encodeURIComponent('OP-<b>999</b>')}`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('Nous ne trouvons pas de matériel portant ce numéro');
    expect(res.text).toContain('OP-&lt;b&gt;999&lt;/b&gt;');
    expect(res.text).toContain('04 79 96 86 00');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('when the tag is unknown and JSON is asked, then the answer is a 404 problem', async () => {
    const res = await ctx.anonymous().get('/d/OP-999999').set('Accept', 'application/json');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toContain('OP-999999');
  });

  it('when a label URL is scanned into the API, then it finds the same device', async () => {
    const [device] = await intake(ctx);
    const res = await ctx.api('viewer').get(`/api/v1/scan/${encodeURIComponent(`${ctx.config.publicUrl}/d/${device.assetTag}`)}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(device.id);
  });
});

import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { scheduleKit, signaturePng } from '../helpers/installations.js';

const ctx = useTestApp();

const sign = (signedBy: string, signedAt: string) => ({ imagePng: signaturePng().toString('base64'), signedBy, signedAt });

describe('the contract is signed on the installation day', () => {
  it('when a signature is dated on another day than installedOn, then 422 names signature.signedAt and staffSignature.signedAt, and nothing is written; the Paris day counts', async () => {
    const { installation, main } = await scheduleKit(ctx); // scheduled on 2026-11-25
    const complete = (signature: object, staffSignature?: object) =>
      ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2026-11-25', installedBy: 'Julien Morel', signature, ...(staffSignature ? { staffSignature } : {}) });
    const res = await complete(sign('Aïcha Benali-Lefèvre', '2001-01-01T10:00:00Z'), sign('Julien Morel', '2026-11-25T23:30:00Z'));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([
      { path: 'signature.signedAt', message: 'signed on 2001-01-01 (as a day in Paris), not on the installation day (2026-11-25)' },
      // 23:30 UTC on the 25th is 00:30 on the 26th in Paris.
      { path: 'staffSignature.signedAt', message: 'signed on 2026-11-26 (as a day in Paris), not on the installation day (2026-11-25)' },
    ]);
    const after = await ctx.api().get(`/api/v1/installations/${installation.id}`);
    expect(after.body).toMatchObject({ status: 'scheduled', installedOn: null, contractNumber: null });
    expect((await ctx.api().get(`/api/v1/devices/${main.id}`)).body.status).toBe('reserved');
    // 23:30 UTC on the 24th is 00:30 on the 25th in Paris: the installation day.
    const ok = await complete(sign('Aïcha Benali-Lefèvre', '2026-11-24T23:30:00Z'), sign('Julien Morel', '2026-11-25T14:12:00Z'));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });
});

import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { scheduleKit } from '../helpers/installations.js';

const ctx = useTestApp();
const PERSONAL = ['Aïcha', 'Benali', 'Bon Pasteur', '06 12 34 56 78', 'aicha.benali@example.fr', 'Préfère', 'CCAS'];

describe('what a viewer sees', () => {
  it('when devices are reserved, installed and returned for a person, then a viewer sees the reference at most, never a name or address', async () => {
    const kit = await scheduleKit(ctx, { extras: 1 });
    await ctx.api('installer').post(`/api/v1/installations/${kit.installation.id}/complete`).send({ installedOn: '2026-11-25', installedBy: 'Julien Morel' });
    const other = await scheduleKit(ctx);
    await ctx.api('installer').post(`/api/v1/devices/${kit.extras[0].id}/return`).send({ returnedOn: '2026-11-27', reason: 'panne', condition: 'HS', scope: 'device' });

    const viewer = ctx.api('viewer');
    const seen: string[] = [];
    const look = async (url: string) => {
      const res = await viewer.get(url);
      seen.push(`${url} → ${res.status} ${res.text}`);
      return res;
    };
    expect((await look('/api/v1/devices?limit=500')).status).toBe(200);
    for (const device of [kit.main, ...kit.extras, other.main]) {
      expect((await look(`/api/v1/devices/${device.id}`)).status).toBe(200);
      const events = await look(`/api/v1/devices/${device.id}/events`);
      expect(events.status).toBe(200);
      expect(JSON.stringify(events.body)).toContain(device === other.main ? other.beneficiary.reference : kit.beneficiary.reference);
      expect((await look(`/api/v1/scan/${device.assetTag}`)).status).toBe(200);
    }
    for (const url of ['/api/v1/beneficiaries', `/api/v1/beneficiaries/${kit.beneficiary.id}`, '/api/v1/installations', `/api/v1/installations/${kit.installation.id}`,
      `/api/v1/installations/${kit.installation.id}/contract.pdf`, `/api/v1/installations/${kit.installation.id}/return-receipt.pdf`, `/api/v1/beneficiaries/${kit.beneficiary.id}/export`]) {
      expect((await look(url)).status, url).toBe(403);
    }
    const csv = await viewer.get('/api/v1/devices').set('Accept', 'text/csv');
    seen.push(csv.text);
    const all = seen.join('\n');
    for (const value of PERSONAL) expect(all, value).not.toContain(value);
  });
});

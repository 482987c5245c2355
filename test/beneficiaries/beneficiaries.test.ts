import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { beneficiaryInput, createBeneficiary } from '../helpers/installations.js';

const ctx = useTestApp();

describe('beneficiaries', () => {
  it('when beneficiaries are registered, then each gets the next pseudonymous reference of the year', async () => {
    const year = ctx.clock.now().getUTCFullYear();
    const first = await createBeneficiary(ctx);
    const second = await createBeneficiary(ctx, { firstName: 'Éloïse', lastName: 'Müller' });
    expect(first.reference).toMatch(new RegExp(`^B-${year}-\\d{4}$`));
    expect(Number(second.reference.slice(7))).toBe(Number(first.reference.slice(7)) + 1);
    const got = await ctx.api('installer').get(`/api/v1/beneficiaries/${second.id}`);
    expect(got.body).toMatchObject({ firstName: 'Éloïse', lastName: 'Müller', postcode: '73000', phone: '06 12 34 56 78', anonymisedAt: null });
  });

  it('when 10 beneficiaries are registered at once, then their references are all different', async () => {
    const created = await Promise.all(Array.from({ length: 10 }, () => ctx.api('installer').post('/api/v1/beneficiaries').send(beneficiaryInput())));
    expect(created.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(created.map((r) => r.body.reference)).size).toBe(10);
  });

  it('when a beneficiary is patched, then the change is kept and the reference does not move', async () => {
    const b = await createBeneficiary(ctx);
    const res = await ctx.api('installer').patch(`/api/v1/beneficiaries/${b.id}`).send({ phone: '+33 4 79 00 00 09', trainingCompletedOn: '2026-11-02', email: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ reference: b.reference, phone: '04 79 00 00 09', trainingCompletedOn: '2026-11-02', email: null });
  });

  it('when the body is invalid, then 400 names the fields without echoing the values', async () => {
    const res = await ctx.api('installer').post('/api/v1/beneficiaries').send(beneficiaryInput({ postcode: 'Chambéry-le-Haut', phone: 'Aïcha 06', email: 'benali@', nickname: 'Ayou' }));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'nickname', 'phone', 'postcode']);
    expect(JSON.stringify(res.body)).not.toMatch(/Chambéry-le-Haut|Aïcha|benali@|Ayou/);
  });

  it('when searching by name or reference, then the installer finds the person', async () => {
    const b = await createBeneficiary(ctx, { lastName: 'Tremblay-Ozdemir' });
    const byName = await ctx.api('installer').get(`/api/v1/beneficiaries?q=${encodeURIComponent('ozdem')}`);
    expect(byName.body.items.map((i: { id: string }) => i.id)).toEqual([b.id]);
    const byRef = await ctx.api('installer').get(`/api/v1/beneficiaries?q=${b.reference}`);
    expect(byRef.body.items.map((i: { id: string }) => i.id)).toEqual([b.id]);
  });

  it('when a role other than installer or admin asks, then every beneficiary endpoint answers 403', async () => {
    const b = await createBeneficiary(ctx);
    for (const role of ['viewer', 'collector', 'reconditioner'] as const) {
      const api = ctx.api(role);
      const answers = {
        list: await api.get('/api/v1/beneficiaries'),
        get: await api.get(`/api/v1/beneficiaries/${b.id}`),
        export: await api.get(`/api/v1/beneficiaries/${b.id}/export`),
        create: await api.post('/api/v1/beneficiaries').send(beneficiaryInput()),
        patch: await api.patch(`/api/v1/beneficiaries/${b.id}`).send({ notes: 'x' }),
        anonymise: await api.post(`/api/v1/beneficiaries/${b.id}/anonymise`),
      };
      for (const [what, res] of Object.entries(answers)) {
        expect(res.status, `${role} ${what}`).toBe(403);
        expect(JSON.stringify(res.body)).not.toContain('Benali');
      }
    }
    expect((await ctx.api('admin').get(`/api/v1/beneficiaries/${b.id}`)).status).toBe(200);
  });
});

import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createDonor, donorInput, siretFrom } from '../helpers/factories.js';

const ctx = useTestApp();
const post = (body: Record<string, unknown>) => ctx.api('collector').post('/api/v1/donors').send(body);
const pathsOf = (res: { body: { errors?: { path: string }[] } }) => (res.body.errors ?? []).map((e) => e.path);

describe('registering donors', () => {
  it('when a complete donor is posted, then it is returned with its normalised fields', async () => {
    const res = await post(donorInput({ siret: '217 300 656 00014', contactPhone: '+33 (0)4 79 96 86 00', contactEmail: ' accueil@chambery.example.fr ' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ siret: '21730065600014', contactPhone: '04 79 96 86 00', contactEmail: 'accueil@chambery.example.fr', kind: 'company' });
    expect((await ctx.api('viewer').get(`/api/v1/donors/${res.body.id}`)).body).toEqual(res.body);
  });

  it.each([
    ['04.79.96.86.00', '04 79 96 86 00'],
    ['0033479968600', '04 79 96 86 00'],
    ['06-12-34-56-78', '06 12 34 56 78'],
  ])('when the phone is %s, then it is stored as %s', async (phone, stored) => {
    const res = await post(donorInput({ contactPhone: phone }));
    expect(res.status).toBe(201);
    expect(res.body.contactPhone).toBe(stored);
  });

  it('when a SIRET fails the Luhn checksum or is not 14 digits, then 400 names siret', async () => {
    const good = siretFrom('4239173800001');
    const bad = good.slice(0, 13) + String((Number(good[13]) + 1) % 10);
    for (const siret of [bad, '1234567890123', '1234567890123A']) {
      const res = await post(donorInput({ siret }));
      expect(res.status, siret).toBe(400);
      expect(pathsOf(res)).toEqual(['siret']);
    }
  });

  it("when the SIRET is one of La Poste's establishments, then its own checksum rule applies", async () => {
    // La Poste numbers its offices so that the digit sum is a multiple of 5 (not Luhn); its head office follows Luhn.
    for (const siret of ['35600000049837', '35600000000048']) {
      expect((await post(donorInput({ name: 'La Poste', kind: 'public_body', siret }))).status, siret).toBe(201);
    }
    expect((await post(donorInput({ siret: '35600000049838' }))).status).toBe(400);
  });

  it('when email, postcode and phone are wrong, then 400 names each field', async () => {
    const res = await post(donorInput({ contactEmail: 'pas-un-email', postcode: '7300', contactPhone: '12345', kind: 'bank' }));
    expect(res.status).toBe(400);
    expect(pathsOf(res).sort()).toEqual(['contactEmail', 'contactPhone', 'kind', 'postcode']);
    for (const postcode of ['00100', '99000', '7300A']) {
      expect(pathsOf(await post(donorInput({ postcode }))), postcode).toEqual(['postcode']);
    }
    expect((await post(donorInput({ postcode: '20000' }))).status).toBe(201);
  });

  it('when the name is missing or a field is unknown, then 400 names them', async () => {
    const res = await post({ ...donorInput(), name: undefined, website: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([{ path: 'website', message: 'unknown field' }, expect.objectContaining({ path: 'name' })]));
  });

  it('when the same Idempotency-Key is sent twice, then one donor exists and the second answer is the replayed first', async () => {
    const body = donorInput({ name: 'Mairie de Bassens' });
    const send = () => ctx.api('collector').post('/api/v1/donors').set('Idempotency-Key', 'donor-bassens-1').send(body);
    const first = await send();
    const second = await send();
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    const listed = await ctx.api().get('/api/v1/donors?q=Bassens');
    expect(listed.body.items.map((d: { id: string }) => d.id)).toEqual([first.body.id]);
  });
});

describe('finding and changing donors', () => {
  it('when searching by part of the name, city or SIRET and by kind, then only matches come back', async () => {
    const mairie = await createDonor(ctx, { name: 'Mairie de Cognin', kind: 'public_body', city: 'Cognin', siret: null });
    const asso = await createDonor(ctx, { name: 'Association Cœur de Savoie 100% Solidaire', kind: 'association', city: 'Montmélian', siret: null });
    const byName = await ctx.api('viewer').get('/api/v1/donors?q=cognin');
    expect(byName.body.items.map((d: { id: string }) => d.id)).toEqual([mairie.id]);
    const byCity = await ctx.api('viewer').get(`/api/v1/donors?q=${encodeURIComponent('MONTMÉLIAN'.toLowerCase())}`);
    expect(byCity.body.items.map((d: { id: string }) => d.id)).toEqual([asso.id]);
    const wildcard = await ctx.api('viewer').get('/api/v1/donors?q=100%25');
    expect(wildcard.body.items.map((d: { id: string }) => d.id)).toEqual([asso.id]);
    const kinds = await ctx.api('viewer').get('/api/v1/donors?kind=association&limit=500');
    expect(kinds.body.items.every((d: { kind: string }) => d.kind === 'association')).toBe(true);
    expect(kinds.body.items.map((d: { id: string }) => d.id)).toContain(asso.id);
    expect((await ctx.api('viewer').get('/api/v1/donors?kind=bank')).status).toBe(400);
  });

  it('when paging with a cursor, then every donor comes once, in a stable order', async () => {
    for (let i = 0; i < 5; i++) await createDonor(ctx, { name: `Page donor ${i}`, kind: 'other' });
    const all = (await ctx.api('viewer').get('/api/v1/donors?kind=other&limit=500')).body.items.map((d: { id: string }) => d.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await ctx.api('viewer').get(`/api/v1/donors?kind=other&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((d: { id: string }) => d.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    const bad = await ctx.api('viewer').get('/api/v1/donors?cursor=garbage');
    expect(bad.status).toBe(400);
    expect(pathsOf(bad)).toEqual(['query.cursor']);
  });

  it('when a donor is patched, then only the given fields change and null clears one', async () => {
    const donor = await createDonor(ctx);
    const res = await ctx.api('collector').patch(`/api/v1/donors/${donor.id}`).send({ city: 'Chambéry', postcode: '73000', contactPhone: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: donor.name, city: 'Chambéry', postcode: '73000', contactPhone: null });
    expect(res.body.updatedAt >= res.body.createdAt).toBe(true);
    expect((await ctx.api('collector').patch(`/api/v1/donors/${donor.id}`).send({})).status).toBe(400);
    expect((await ctx.api('collector').patch(`/api/v1/donors/${donor.id}`).send({ name: null })).status).toBe(400);
    expect((await ctx.api('viewer').patch(`/api/v1/donors/${donor.id}`).send({ city: 'X' })).status).toBe(403);
    expect((await ctx.api('collector').patch('/api/v1/donors/nosuchdonor').send({ city: 'X' })).status).toBe(404);
  });
});

import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { beneficiaryInput } from '../helpers/installations.js';

const ctx = useTestApp();

describe('registering a person with an Idempotency-Key', () => {
  it('when the same registration is sent twice with one key, then one person exists and the second answer is the replay', async () => {
    const send = () => ctx.api('installer').post('/api/v1/beneficiaries').set('Idempotency-Key', 'inscription-42').send(beneficiaryInput({ lastName: 'Rejouée' }));
    const [first, second] = [await send(), await send()];
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    const list = await ctx.api('installer').get('/api/v1/beneficiaries?limit=500');
    expect(list.body.items.filter((b: { lastName: string | null }) => b.lastName === 'Rejouée')).toHaveLength(1);
  });

  it('when the person is anonymised, then the stored answer that carried their name is forgotten, and a retry of the registration is 410, not the person again', async () => {
    const send = () => ctx.api('installer').post('/api/v1/beneficiaries').set('Idempotency-Key', 'inscription-43').send(beneficiaryInput({ lastName: 'Oubliable' }));
    const res = await send();
    expect(res.status).toBe(201);
    const stored = async () => (await ctx.db.kysely.selectFrom('idempotency_keys').select('response_body').where('key', '=', 'inscription-43').executeTakeFirstOrThrow()).response_body;
    expect(await stored()).toContain('Oubliable');
    expect((await ctx.api('installer').post(`/api/v1/beneficiaries/${res.body.id}/anonymise`).send({})).status).toBe(200);
    expect(await stored()).not.toContain('Oubliable');
    expect(await stored()).not.toContain(res.body.id);
    // A client's retry queue resends the registration: it must not undo the anonymisation.
    const retry = await send();
    expect(retry.status).toBe(410);
    expect(retry.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(retry.body.detail).toMatch(/anonymised/);
    const list = await ctx.api('installer').get('/api/v1/beneficiaries?limit=500');
    expect(list.body.items.filter((b: { lastName: string | null }) => b.lastName === 'Oubliable')).toEqual([]);
  });
});

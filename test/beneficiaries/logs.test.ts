import supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/modules/api-keys/service.js';
import { beneficiaryInput } from '../helpers/installations.js';
import { useLoggedApp } from '../helpers/logged-app.js';

// The server's logger settings, at the most verbose level, writing into memory.
const logged = useLoggedApp('trace');
const { lines } = logged;
let key: string;
beforeAll(async () => {
  key = (await createApiKey(logged.db, { name: 'log test', role: 'installer' })).key;
});

const PERSONAL = ['Aïcha', 'Benali', 'Bon Pasteur', '06 12 34 56 78', '0612345678', 'aicha.benali@example.fr', 'Préfère', 'Zoé', 'Kowalczyk', 'Faubourg'];

describe('logs', () => {
  it('when beneficiaries are created, read, searched, patched and refused, then no name, address or contact reaches the log', async () => {
    const api = supertest(logged.app.server);
    const auth = { Authorization: `Bearer ${key}` };
    const created = await api.post('/api/v1/beneficiaries').set(auth).send(beneficiaryInput());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await api.get(`/api/v1/beneficiaries/${id}`).set(auth)).status).toBe(200);
    expect((await api.get('/api/v1/beneficiaries?q=Benali').set(auth)).status).toBe(200);
    expect((await api.patch(`/api/v1/beneficiaries/${id}`).set(auth).send({ firstName: 'Zoé', lastName: 'Kowalczyk', addressLine: '3 rue du Faubourg' })).status).toBe(200);
    const invalid = await api.post('/api/v1/beneficiaries').set(auth).send(beneficiaryInput({ firstName: 'Zoé', lastName: 'Kowalczyk', phone: 'Zoé 0612345678', postcode: 'Faubourg' }));
    expect(invalid.status).toBe(400);
    expect((await api.post('/api/v1/beneficiaries').set(auth).set('Content-Type', 'application/json').send('{"firstName": "Aïcha Benali", ')).status).toBe(400);
    expect((await api.get(`/api/v1/beneficiaries/${id}/export`).set(auth)).status).toBe(200);

    const log = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(7); // the capture works: each request was logged
    expect(log).toContain(created.body.id);
    for (const value of PERSONAL) expect(log, value).not.toContain(value);
  });
});

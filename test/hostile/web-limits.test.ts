import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { createUser } from '../../src/modules/users/service.js';
import { useTestApp } from '../helpers/app.js';
import { createCollection, deviceInput, intake } from '../helpers/factories.js';

// The web app's PDFs and labels under the same limits as the API's, per signed-in person.
const ctx = useTestApp({ PUBLIC_URL: 'http://localhost', EXPENSIVE_CONCURRENCY: '1', EXPENSIVE_PER_MINUTE: '4', LABELS_MAX: '10' });

const PASSWORD = 'Ordi-Pratique-tres-long-42';

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1];
}

async function member(role: 'collector' | 'installer') {
  const email = `${Math.random().toString(36).slice(2)}@example.fr`;
  const { token } = await createUser(ctx.db, { email, name: `Agent ${email}`, role }, 'test');
  const agent = supertest.agent(ctx.app.server);
  const page = await agent.get(`/invitation/${token}`).expect(200);
  await agent.post(`/invitation/${token}`).type('form').send({ _csrf: csrfOf(page.text), password: PASSWORD, confirmation: PASSWORD }).expect(303);
  return agent;
}

describe('limits of the web app’s documents', () => {
  it('when one person asks for more PDFs a minute than allowed, then a French 429 page with Retry-After; another person still may', async () => {
    const collection = await createCollection(ctx);
    const [device] = await intake(ctx, [deviceInput()], collection.id);
    const first = await member('collector');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await first.get(`/appareils/${device.id}/etiquette.pdf`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const refused = await first.get(`/collectes/${collection.id}/etiquettes.pdf`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    expect(refused.text).toContain('par minute');
    // Pages are not counted; another person has their own allowance.
    expect((await first.get(`/appareils/${device.id}`)).status).toBe(200);
    expect((await (await member('installer')).get(`/appareils/${device.id}/etiquette.pdf`)).status).toBe(200);
  });

  it('when the labels link names more tags than LABELS_MAX, then it is refused before printing', async () => {
    const collection = await createCollection(ctx);
    await intake(ctx, [deviceInput()], collection.id);
    const agent = await member('collector');
    const tags = Array.from({ length: 11 }, (_, i) => `OP-99${i}`).join(',');
    const res = await agent.get(`/collectes/${collection.id}/etiquettes.pdf`).query({ tags });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });
});

import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { dayInParis } from '../../src/clock.js';
import { createUser } from '../../src/modules/users/service.js';
import { useTestApp } from '../helpers/app.js';
import { collectedOn, deviceInput, intake } from '../helpers/factories.js';
import { beneficiaryInput, createBeneficiary, readyDevices, scheduleKit } from '../helpers/installations.js';

// Pages through HTTP: a date the service refuses is said in French next to its field, and nothing is written.
const ctx = useTestApp({ PUBLIC_URL: 'http://localhost' });

const PASSWORD = 'Ordi-Pratique-tres-long-42';
const tomorrow = () => dayInParis(new Date(ctx.clock.now().getTime() + 36 * 3600 * 1000));

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1];
}

/** The field's error as the page shows it, next to the field. */
function fieldError(html: string, id: string): string | undefined {
  return new RegExp(`<p class="field-error" id="${id}-error">([^<]*)</p>`).exec(html)?.[1];
}

async function admin() {
  const email = `${Math.random().toString(36).slice(2)}@example.fr`;
  const { token } = await createUser(ctx.db, { email, name: 'Camille Admin', role: 'admin' }, 'test');
  const agent = supertest.agent(ctx.app.server);
  const page = await agent.get(`/invitation/${token}`).expect(200);
  await agent.post(`/invitation/${token}`).type('form').send({ _csrf: csrfOf(page.text), password: PASSWORD, confirmation: PASSWORD }).expect(303);
  return agent;
}

async function post(agent: supertest.Agent, pageUrl: string, url: string, form: Record<string, string>) {
  const page = await agent.get(pageUrl);
  return agent.post(url).type('form').send({ _csrf: csrfOf(page.text), ...form });
}

describe('dates refused on the staff pages', () => {
  it('when a reconditioning or a scrapping is dated before the collection, then the device page says so next to the date and the device stays collected', async () => {
    const agent = await admin();
    const [device] = await intake(ctx, [deviceInput({ kind: 'monitor', brand: 'Dell', model: 'P2219H', specs: null })], await collectedOn(ctx, '2026-11-02'));
    const recondition = await post(agent, `/appareils/${device.id}`, `/appareils/${device.id}/reconditionner`, { grade: 'B', reconditionedOn: '2026-10-30' });
    expect(recondition.status).toBe(422);
    expect(fieldError(recondition.text, 'reconditionedOn')).toBe('L’appareil n’est entré dans le programme que le 02/11/2026 : la date ne peut pas être antérieure.');
    const scrap = await post(agent, `/appareils/${device.id}`, `/appareils/${device.id}/rebut`, { reason: 'Dalle cassée', scrappedOn: '2026-10-30' });
    expect(scrap.status).toBe(422);
    expect(fieldError(scrap.text, 'scrappedOn')).toBe('L’appareil n’est entré dans le programme que le 02/11/2026 : la date ne peut pas être antérieure.');
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.status).toBe('collected');
  });

  it('when an installation is planned before the kit was ready, then the form says so next to the date and nothing is reserved', async () => {
    const agent = await admin();
    const person = await createBeneficiary(ctx);
    const [laptop] = await readyDevices(ctx, undefined, '2026-11-12');
    const res = await post(agent, '/installations/nouvelle', '/installations/nouvelle', { beneficiaryId: person.id, code: laptop.assetTag, scheduledOn: '2026-11-11' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'scheduledOn')).toBe(`${laptop.assetTag} n’est prêt que depuis le 12/11/2026 : la date ne peut pas être antérieure.`);
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}`)).body.status).toBe('ready');
  });

  it('when a return is dated in the future, then the return page says so next to the date and the device stays installed', async () => {
    const agent = await admin();
    const { installation, main } = await scheduleKit(ctx);
    expect((await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2026-11-25', installedBy: 'Julien Morel' })).status).toBe(200);
    const url = `/installations/${installation.id}/restitution`;
    const res = await post(agent, url, url, { deviceId: main.id, returnedOn: tomorrow(), reason: 'fin du prêt', condition: 'bon état', scope: 'kit' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'returnedOn')).toBe('Cette date est dans le futur.');
    expect((await ctx.api().get(`/api/v1/devices/${main.id}`)).body.status).toBe('installed');
  });

  it('when a person is registered with a training date in the future, then the form says so next to the date and nobody is registered', async () => {
    const agent = await admin();
    const input = beneficiaryInput({ lastName: 'Futurdate', trainingCompletedOn: tomorrow() });
    const res = await post(agent, '/personnes/nouvelle', '/personnes/nouvelle', Object.fromEntries(Object.entries(input).map(([k, v]) => [k, String(v)])));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'trainingCompletedOn')).toBe('Cette date est dans le futur.');
    expect((await ctx.api('installer').get('/api/v1/beneficiaries?q=Futurdate')).body.items).toEqual([]);
  });
});

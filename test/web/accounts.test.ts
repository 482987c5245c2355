import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { createUser, ensureAdminUser, MAX_FAILURES_PER_ACCOUNT } from '../../src/modules/users/service.js';
import { useTestApp } from '../helpers/app.js';
import { deviceInput, intake } from '../helpers/factories.js';
import { scheduleKit } from '../helpers/installations.js';

// Pages through HTTP: the rules of accounts and sessions. The journeys people make are in the
// browser tests beside this file.
const ctx = useTestApp({ PUBLIC_URL: 'http://localhost' });

const PASSWORD = 'Ordi-Pratique-tres-long-42';

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1];
}

async function invite(role: 'admin' | 'collector' | 'viewer' | 'trainer' | 'installer', name = `Agent ${Math.random()}`) {
  const email = `${Math.random().toString(36).slice(2)}@example.fr`;
  const { user, token } = await createUser(ctx.db, { email, name, role }, 'test');
  return { user, token, email, name };
}

/** An agent (its own cookie jar) that accepted the invitation and is signed in. */
async function member(role: 'admin' | 'collector' | 'viewer' | 'trainer' | 'installer', name?: string) {
  const { user, token, email } = await invite(role, name);
  const agent = supertest.agent(ctx.app.server);
  const page = await agent.get(`/invitation/${token}`).expect(200);
  await agent.post(`/invitation/${token}`).type('form').send({ _csrf: csrfOf(page.text), password: PASSWORD, confirmation: PASSWORD }).expect(303);
  return { agent, user, email };
}

async function signIn(email: string, password: string, agent = supertest.agent(ctx.app.server)) {
  const page = await agent.get('/connexion');
  const res = await agent.post('/connexion').type('form').send({ _csrf: csrfOf(page.text), email, password, suite: '/scanner' });
  return { agent, res };
}

describe('invitations', () => {
  it('when the password is short, common or not confirmed, then it is refused next to the field, and a good one signs the person in once', async () => {
    const { token } = await invite('collector');
    const agent = supertest.agent(ctx.app.server);
    const page = await agent.get(`/invitation/${token}`).expect(200);
    const csrf = csrfOf(page.text);
    const short = await agent.post(`/invitation/${token}`).type('form').send({ _csrf: csrf, password: 'court', confirmation: 'court' });
    expect(short.status).toBe(422);
    expect(short.text).toContain('au moins 12 caractères');
    for (const padded of [' '.repeat(12), `abc${' '.repeat(12)}`]) {
      const spaces = await agent.post(`/invitation/${token}`).type('form').send({ _csrf: csrf, password: padded, confirmation: padded });
      expect(spaces.status).toBe(422);
      expect(spaces.text).toContain('espaces non comptés');
    }
    const common = await agent.post(`/invitation/${token}`).type('form').send({ _csrf: csrf, password: 'password1234', confirmation: 'password1234' });
    expect(common.text).toContain('trop courant');
    const mismatch = await agent.post(`/invitation/${token}`).type('form').send({ _csrf: csrf, password: PASSWORD, confirmation: `${PASSWORD}x` });
    expect(mismatch.text).toContain('pas identiques');
    const ok = await agent.post(`/invitation/${token}`).type('form').send({ _csrf: csrf, password: PASSWORD, confirmation: PASSWORD });
    expect(ok.status).toBe(303);
    expect((await agent.get('/')).status).toBe(200);
    // The link works once.
    expect((await supertest(ctx.app.server).get(`/invitation/${token}`)).status).toBe(410);
  });

  it('when an invitation is older than 72 hours, then the link no longer works', async () => {
    const { token, user } = await invite('viewer');
    await ctx.db.kysely.updateTable('staff_invitations').set({ expires_at: new Date(ctx.clock.now().getTime() - 1000).toISOString() }).where('user_id', '=', user.id).execute();
    const res = await supertest(ctx.app.server).get(`/invitation/${token}`);
    expect(res.status).toBe(410);
    expect(res.text).toContain('n’est plus valable');
  });
});

describe('sessions', () => {
  it('when the public address is https, then the session cookie is __Host-, Secure, HttpOnly and SameSite=Lax, and only its hash is stored', async () => {
    const { buildApp } = await import('../../src/app.js');
    const { loadConfig } = await import('../../src/config.js');
    // The file's clock too: the process has one clock, and this second app must not swap it.
    const app = await buildApp({ db: ctx.db, config: loadConfig({ PUBLIC_URL: 'https://ordi.example.fr', DATABASE_URL: 'sqlite::memory:' }), clock: ctx.clock });
    await app.ready();
    try {
      const { user, token } = await invite('viewer');
      const page = await app.inject({ method: 'GET', url: `/invitation/${token}` });
      const csrfCookie = page.cookies.find((c) => c.name === '__Host-csrf')!;
      expect(csrfCookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
      const res = await app.inject({
        method: 'POST',
        url: `/invitation/${token}`,
        headers: { origin: 'https://ordi.example.fr', cookie: `__Host-csrf=${csrfCookie.value}` },
        payload: { _csrf: csrfOf(page.body), password: PASSWORD, confirmation: PASSWORD },
      });
      expect(res.statusCode).toBe(303);
      const session = res.cookies.find((c) => c.name === '__Host-session')!;
      expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(session.domain).toBeUndefined();
      const stored = await ctx.db.kysely.selectFrom('staff_sessions').selectAll().where('user_id', '=', user.id).execute();
      expect(stored).toHaveLength(1);
      expect(stored[0].id_hash).not.toContain(session.value);
      expect(stored[0].id_hash).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await app.close();
    }
  });

  it('when a session has been idle 8 hours or is 7 days old, then the next page asks to sign in again and comes back', async () => {
    const { agent, user } = await member('viewer');
    expect((await agent.get('/scanner')).status).toBe(200);
    await ctx.db.kysely.updateTable('staff_sessions').set({ last_seen_at: new Date(ctx.clock.now().getTime() - 8 * 3600e3 - 1000).toISOString() }).where('user_id', '=', user.id).execute();
    const idle = await agent.get('/scanner');
    expect(idle.status).toBe(303);
    expect(idle.headers.location).toBe('/connexion?suite=%2Fscanner');

    const again = await member('viewer');
    await ctx.db.kysely.updateTable('staff_sessions').set({ expires_at: new Date(ctx.clock.now().getTime() - 1000).toISOString() }).where('user_id', '=', again.user.id).execute();
    expect((await again.agent.get('/')).status).toBe(303);
  });

  it('when a person signs out everywhere, then every browser of theirs is signed out', async () => {
    const { agent, email } = await member('collector');
    const { agent: phone } = await signIn(email, PASSWORD);
    expect((await phone.get('/')).status).toBe(200);
    const page = await agent.get('/');
    await agent.post('/deconnexion-partout').type('form').send({ _csrf: csrfOf(page.text) }).expect(303);
    expect((await phone.get('/')).status).toBe(303);
    expect((await agent.get('/')).status).toBe(303);
  });

  it('when an admin deactivates a user, then that user’s open session ends at once', async () => {
    const admin = await member('admin');
    const target = await member('collector');
    expect((await target.agent.get('/')).status).toBe(200);
    const page = await admin.agent.get('/administration/utilisateurs').expect(200);
    // An invitation starts from the least-privileged role: the select shows "Consultation", and only it.
    expect(page.text.match(/<option [^>]*selected[^>]*>[^<]*</g)).toEqual(['<option value="viewer" selected>Consultation<']);
    await admin.agent.post(`/administration/utilisateurs/${target.user.id}/activation`).type('form').send({ _csrf: csrfOf(page.text), active: '0' }).expect(303);
    expect((await target.agent.get('/')).status).toBe(303);
    expect((await signIn(target.email, PASSWORD)).res.status).toBe(401);
  });

  it('when an account has had too many failed sign-ins, then even the right password waits', async () => {
    const { email } = await member('viewer');
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) expect((await signIn(email, 'not the password at all')).res.status).toBe(401);
    const { res } = await signIn(email, PASSWORD);
    expect(res.status).toBe(429);
    expect(res.text).toContain('Trop de tentatives');
    expect(res.headers['retry-after']).toBe('900');
  });

  it('when the sign-in asks to go on to another site, then it goes to the dashboard instead', async () => {
    const { email } = await member('viewer');
    const agent = supertest.agent(ctx.app.server);
    const page = await agent.get('/connexion?suite=//evil.example/x');
    const res = await agent.post('/connexion').type('form').send({ _csrf: csrfOf(page.text), email, password: PASSWORD, suite: '//evil.example/x' });
    expect(res.headers.location).toBe('/');
  });

  it('when the next page hides a tab, a newline or a backslash that a browser would drop, then it goes to the dashboard and the session cookie is set', async () => {
    const { email } = await member('viewer');
    const signedIn = supertest.agent(ctx.app.server);
    await signIn(email, PASSWORD, signedIn);
    for (const suite of ['/\t/evil.example', '/\n/evil.example', '/%0a', '/\r\nX-Injected: 1', '/\u0000x', '/ /evil.example', '/\\evil.example', '/\u2028x']) {
      const again = await signedIn.get('/connexion').query({ suite });
      expect(again.status, JSON.stringify(suite)).toBe(303);
      expect(again.headers.location, JSON.stringify(suite)).toBe(suite === '/%0a' ? '/%0a' : '/');
      const agent = supertest.agent(ctx.app.server);
      const page = await agent.get('/connexion').query({ suite });
      expect(page.status).toBe(200);
      const res = await agent.post('/connexion').type('form').send({ _csrf: csrfOf(page.text), email, password: PASSWORD, suite });
      expect(res.status, JSON.stringify(suite)).toBe(303);
      expect(res.headers.location).toBe(suite === '/%0a' ? '/%0a' : '/');
      expect(String(res.headers['set-cookie'])).toMatch(/session/);
      expect((await agent.get('/')).status).toBe(200);
    }
    const kept = await signedIn.get('/connexion').query({ suite: '/appareils?q=é#bas' });
    expect(kept.headers.location).toBe('/appareils?q=%C3%A9#bas');
  });
});

describe('a sign-in from another site', () => {
  it('when the sign-in form is posted by another site, then no session is opened; a same-origin browser and a browser-less client with the form\'s token sign in', async () => {
    const { email } = await member('viewer');
    const attempt = async (headers: Record<string, string>) => {
      const agent = supertest.agent(ctx.app.server);
      const page = await agent.get('/connexion');
      const res = await agent.post('/connexion').set(headers).type('form').send({ _csrf: csrfOf(page.text), email, password: PASSWORD });
      return { status: res.status, signedIn: (await agent.get('/')).status === 200 };
    };
    // A browser posting from another site (or a sibling subdomain) says so, with or without an Origin.
    expect(await attempt({ 'Sec-Fetch-Site': 'cross-site' })).toEqual({ status: 403, signedIn: false });
    expect(await attempt({ 'Sec-Fetch-Site': 'same-site' })).toEqual({ status: 403, signedIn: false });
    expect(await attempt({ Origin: 'https://evil.example' })).toEqual({ status: 403, signedIn: false });
    expect(await attempt({ Origin: 'null', 'Sec-Fetch-Site': 'cross-site' })).toEqual({ status: 403, signedIn: false });
    // Our own page, in a browser; and a client without a browser (no Origin, no Sec-Fetch-*) that read the form first.
    expect(await attempt({ Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' })).toEqual({ status: 303, signedIn: true });
    expect(await attempt({})).toEqual({ status: 303, signedIn: true });
    // Without the form's token, nobody.
    const bare = await supertest(ctx.app.server).post('/connexion').type('form').send({ email, password: PASSWORD });
    expect(bare.status).toBe(403);
    expect(bare.headers['set-cookie'] ?? []).not.toContainEqual(expect.stringMatching(/session/));
  });
});

describe('forms and actors', () => {
  it('when a form comes from another site or without its token, then nothing changes', async () => {
    const [device] = await intake(ctx, [deviceInput({ brand: 'HP' })]);
    const { agent } = await member('collector');
    const page = await agent.get(`/appareils/${device.id}`).expect(200);
    const etag = /name="etag" value="([^"]+)"/.exec(page.text)![1].replace(/&quot;/g, '"').replace(/&#34;/g, '"');
    const crossSite = await agent.post(`/appareils/${device.id}/modifier`).set('Origin', 'https://evil.example').type('form').send({ _csrf: csrfOf(page.text), etag, brand: 'Evil' });
    expect(crossSite.status).toBe(403);
    const noToken = await agent.post(`/appareils/${device.id}/modifier`).type('form').send({ etag, brand: 'Evil' });
    expect(noToken.status).toBe(403);
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.brand).toBe('HP');
  });

  it('when a collector edits a device in the browser, then the history names them, and a stale edit keeps what was typed', async () => {
    const [device] = await intake(ctx, [deviceInput({ brand: 'HP', model: 'ProBook' })]);
    const { agent } = await member('collector', 'Dominique Rey');
    const page = await agent.get(`/appareils/${device.id}`).expect(200);
    const etag = /name="etag" value="([^"]+)"/.exec(page.text)![1].replace(/&quot;/g, '"').replace(/&#34;/g, '"');
    const form = { _csrf: csrfOf(page.text), etag, brand: 'HP', model: 'ProBook 450 G6', serialNumber: device.serialNumber, grade: 'B', weightKg: '1,8', notes: '' };
    await agent.post(`/appareils/${device.id}/modifier`).type('form').send(form).expect(303);
    const events = (await ctx.api().get(`/api/v1/devices/${device.id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({ type: 'update', actor: 'Dominique Rey' });
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body).toMatchObject({ model: 'ProBook 450 G6', weightKg: 1.8 });

    const stale = await agent.post(`/appareils/${device.id}/modifier`).type('form').send({ ...form, model: 'Typed meanwhile' });
    expect(stale.status).toBe(412);
    expect(stale.text).toContain('modifié entre-temps');
    expect(stale.text).toContain('value="Typed meanwhile"');
  });

  it('when a viewer opens a device, then no action is offered, and a forged action is refused', async () => {
    const [device] = await intake(ctx, [deviceInput()]);
    const { agent } = await member('viewer');
    const page = await agent.get(`/appareils/${device.id}`).expect(200);
    expect(page.text).not.toContain('Mettre au rebut');
    expect(page.text).not.toContain('Modifier la description');
    const forged = await agent.post(`/appareils/${device.id}/rebut`).type('form').send({ _csrf: csrfOf(page.text), reason: 'forged' });
    expect(forged.status).toBe(403);
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.status).toBe('collected');
  });

  it('when a device is reserved for someone, then its page shows the reference to everyone and the name only to installers and admins', async () => {
    const { main, beneficiary } = await scheduleKit(ctx);
    const viewer = await member('viewer');
    const installer = await member('installer');
    const seen = (await viewer.agent.get(`/appareils/${main.id}`).expect(200)).text;
    expect(seen).toContain(beneficiary.reference);
    expect(seen).not.toContain('Benali-Lefèvre');
    const named = (await installer.agent.get(`/appareils/${main.id}`).expect(200)).text;
    expect(named).toContain(`${beneficiary.reference} (Aïcha Benali-Lefèvre)`);
  });

  it('when a partner trainer signs in, then pages that do not name the trainer role are refused, as in the API', async () => {
    const { agent } = await member('trainer');
    expect((await agent.get('/scanner')).status).toBe(403);
    expect((await agent.get('/appareils')).status).toBe(403);
  });

  it('when a signed-in staff member opens a label’s public page, then it links to the device page; anonymously it does not', async () => {
    const [device] = await intake(ctx, [deviceInput()]);
    const { agent } = await member('viewer');
    const staff = await agent.get(`/d/${device.assetTag}`).set('Accept', 'text/html').expect(200);
    expect(staff.text).toContain(`/scanner?code=${device.assetTag}`);
    expect(staff.headers['cache-control']).toBe('private, no-store');
    const anonymous = await ctx.anonymous().get(`/d/${device.assetTag}`).set('Accept', 'text/html').expect(200);
    expect(anonymous.text).not.toContain('/scanner?code=');
  });
});

describe('ADMIN_EMAIL and ADMIN_PASSWORD', () => {
  it('when the server starts with them, then an admin with that password exists, once', async () => {
    expect(await ensureAdminUser(ctx.db, 'Admin@Example.fr', PASSWORD)).toBe('created');
    expect(await ensureAdminUser(ctx.db, 'admin@example.fr', PASSWORD)).toBe('unchanged');
    const { res } = await signIn('admin@example.fr', PASSWORD);
    expect(res.status).toBe(303);
  });
});

import * as argon2 from '@node-rs/argon2';
import supertest from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { createUser } from '../../src/modules/users/service.js';
import { useTestApp } from '../helpers/app.js';

// Counts argon2 verifications (no timing in tests): the work must not depend on whether the account exists.
vi.mock('@node-rs/argon2', async (original) => {
  const actual = await original<typeof import('@node-rs/argon2')>();
  return { ...actual, verify: vi.fn(actual.verify) };
});

const ctx = useTestApp({ PUBLIC_URL: 'http://localhost' });

async function attempt(email: string) {
  const agent = supertest.agent(ctx.app.server);
  const page = await agent.get('/connexion');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  return agent.post('/connexion').type('form').send({ _csrf: csrf, email, password: 'not the password at all' });
}

describe('sign-in timing', () => {
  it('when the e-mail has no account or an inactive one, then a password is verified all the same', async () => {
    const verify = vi.mocked(argon2.verify);
    const { user } = await createUser(ctx.db, { email: 'sans-mot-de-passe@example.fr', name: 'Agent', role: 'viewer' }, 'test');
    for (const email of ['personne@example.fr', user.email]) {
      verify.mockClear();
      expect((await attempt(email)).status).toBe(401);
      expect(verify, email).toHaveBeenCalledTimes(1);
    }
  });
});

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { setPasswordSchema, signInSchema } from '../../modules/users/schemas.js';
import { acceptInvitation, FAILURE_WINDOW_MS, invitationUser, passwordProblem, signIn } from '../../modules/users/service.js';
import { SESSION_COOKIE_MAX_AGE, type CookieNames } from '../cookies.js';
import { closeAllSessions, closeSession, openSession } from '../session.js';

const NEXT_BASE = 'http://this.site.invalid';

/**
 * Only a path of this site: `//evil.example` or `https://…` would make the sign-in an open redirect.
 * Browsers drop tabs and newlines from a Location (`/\t/evil.example` is `//evil.example`), and a
 * control character would make Node refuse the header, so any whitespace or control character is
 * refused, and the answer is re-read the way a browser reads it and must stay on this origin.
 */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000 || !/^\/(?![/\\])/.test(value)) return '/';
  if (/[\s\p{C}]/u.test(value)) return '/';
  try {
    const url = new URL(value, NEXT_BASE);
    if (url.origin !== NEXT_BASE) return '/';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/';
  }
}

const PASSWORD_FR = {
  'too-short': 'Le mot de passe doit compter au moins 12 caractères, espaces non comptés.',
  common: 'Ce mot de passe est trop courant : choisissez-en un autre.',
  mismatch: 'Les deux mots de passe ne sont pas identiques.',
} as const;

const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });

export async function accountPages(app: FastifyInstance, { cookies }: { cookies: CookieNames }) {
  const isPublic = { web: { public: true } };
  const setSessionCookie = (reply: import('fastify').FastifyReply, id: string) =>
    reply.setCookie(cookies.session, id, { path: '/', httpOnly: true, sameSite: 'lax', secure: cookies.secure, maxAge: SESSION_COOKIE_MAX_AGE });

  app.get('/connexion', { config: isPublic }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const suite = safeNext(query.suite);
    if (request.staff) return reply.redirect(suite, 303);
    return reply.page('connexion', { title: 'Connexion', suite, info: query.fin === '1' ? 'Vous êtes déconnecté.' : undefined });
  });

  app.post('/connexion', { config: isPublic }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const suite = safeNext(body?.suite);
    const parsed = signInSchema.safeParse({ email: body?.email ?? '', password: body?.password ?? '' });
    const email = parsed.success ? parsed.data.email : '';
    const result = parsed.success ? await signIn(app.db, email, parsed.data.password, request.ip) : ({ refused: 'credentials' } as const);
    if ('refused' in result) {
      const message =
        result.refused === 'throttled'
          ? 'Trop de tentatives de connexion : patientez un quart d’heure avant de réessayer.'
          : 'Adresse e-mail ou mot de passe incorrect.';
      if (result.refused === 'throttled') reply.header('Retry-After', String(FAILURE_WINDOW_MS / 1000));
      return reply.code(result.refused === 'throttled' ? 429 : 401).page('connexion', { title: 'Connexion', suite, email, message });
    }
    setSessionCookie(reply, await openSession(app.db, result.user.id));
    return reply.redirect(suite, 303);
  });

  app.post('/deconnexion', { config: isPublic }, async (request, reply) => {
    if (request.staff) await closeSession(app.db, request.staff.idHash);
    reply.clearCookie(cookies.session, { path: '/' });
    return reply.redirect('/connexion?fin=1', 303);
  });

  app.post('/deconnexion-partout', async (request, reply) => {
    await closeAllSessions(app.db, request.staff!.userId);
    reply.clearCookie(cookies.session, { path: '/' });
    return reply.redirect('/connexion?fin=1', 303);
  });

  // The token is a password-setting secret for 72 hours: never in a log line.
  const invitation = { web: { public: true }, logRouteNotPath: true };
  app.get('/invitation/:token', { config: invitation }, async (request, reply) => {
    const params = tokenParams.safeParse(request.params);
    const user = params.success ? await invitationUser(app.db, params.data.token) : undefined;
    return reply.code(user ? 200 : 410).page('invitation', { title: 'Choisir votre mot de passe', user });
  });

  app.post('/invitation/:token', { config: invitation }, async (request, reply) => {
    const params = tokenParams.safeParse(request.params);
    const user = params.success ? await invitationUser(app.db, params.data.token) : undefined;
    if (!params.success || !user) return reply.code(410).page('invitation', { title: 'Choisir votre mot de passe' });
    const body = request.body as Record<string, unknown>;
    const parsed = setPasswordSchema.safeParse({ password: body?.password ?? '', confirmation: body?.confirmation ?? '' });
    const problem = parsed.success ? passwordProblem(parsed.data.password, parsed.data.confirmation) : 'too-short';
    if (problem || !parsed.success) {
      const errors = problem === 'mismatch' ? { confirmation: PASSWORD_FR.mismatch } : { password: PASSWORD_FR[problem ?? 'too-short'] };
      return reply.code(422).page('invitation', { title: 'Choisir votre mot de passe', user, errors });
    }
    const accepted = await acceptInvitation(app.db, params.data.token, parsed.data.password);
    if (!accepted) return reply.code(410).page('invitation', { title: 'Choisir votre mot de passe' });
    setSessionCookie(reply, await openSession(app.db, accepted.id));
    return reply.redirect('/', 303);
  });
}

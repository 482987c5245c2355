import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import path from 'node:path';
import { ANY_ROLE } from '../http/auth.js';
import { ProblemError } from '../http/problem.js';
import type { Actor } from '../modules/api-keys/service.js';
import type { Role } from '../modules/api-keys/schemas.js';
import { loadAssets, registerAssets } from './assets.js';
import { cookieNames } from './cookies.js';
import { allowed } from './roles.js';
import { frenchDetail } from './messages.js';
import { WEB_DIR } from './paths.js';
import { findSession, type StaffSession } from './session.js';
import { adminKeyAndTermsPages, adminPages } from './pages/admin.js';
import { accountPages } from './pages/account.js';
import { dashboardPages } from './pages/dashboard.js';
import { devicePages } from './pages/devices.js';
import { scannerPages } from './pages/scanner.js';
import { collectionPages } from './pages/collections.js';
import { shipmentPages } from './pages/shipments.js';
import { deliveryPages } from './pages/deliveries.js';
import { trainingPages } from './pages/training.js';
import { installationPages } from './pages/installations.js';
import { installationVisitPages } from './pages/installation-visit.js';
import { peoplePages } from './pages/people.js';
import { reportPages } from './pages/report.js';
import { REPORT_READERS } from '../http/roles.js';
import { registerIdempotency } from '../http/idempotency.js';
import { registerExpensiveLimits } from '../http/limits.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Pages: `public` needs no session; `roles` as for the API (admin always allowed). */
    web?: { public?: boolean; roles?: readonly Role[] };
    // Unset roles: every role but `trainer`, like the API's ANY_ROLE.
  }
  interface FastifyRequest {
    staff?: StaffSession;
  }
  interface FastifyReply {
    page(view: string, data?: Record<string, unknown>): FastifyReply;
  }
}

/** No inline script or style, no eval: everything comes from the app's own fingerprinted files. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');


const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The session of a request, if any: for pages outside this plugin (the label page's staff link). */
export async function sessionOf(app: FastifyInstance, request: FastifyRequest): Promise<StaffSession | undefined> {
  const names = cookieNames(app.config.publicUrl);
  const raw = parseCookie(request.headers.cookie, names.session);
  return raw ? findSession(app.db, raw) : undefined;
}

function parseCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

/**
 * The staff web app: server-rendered French pages over the same services as the API, with the
 * signed-in person as the actor. Registered at the root, beside `/api/v1`.
 */
export async function webPlugin(app: FastifyInstance): Promise<void> {
  const names = cookieNames(app.config.publicUrl);
  const publicOrigin = new URL(app.config.publicUrl).origin;
  const assets = loadAssets();
  const asset = (name: string) => {
    const found = assets.get(name);
    if (!found) throw new Error(`No asset ${name}`);
    return found.url;
  };
  const eta = new Eta({ views: path.join(WEB_DIR, 'views'), cache: true, autoEscape: true, autoTrim: [false, 'nl'] });

  // Pages are for people: none of them belongs in the API's OpenAPI document.
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 256 * 1024 });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: names.csrf,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: names.secure, signed: false },
    getToken: (request) => {
      const body = request.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
      return fromBody ?? (request.headers['x-csrf-token'] as string | undefined);
    },
  });

  app.decorateRequest('actor', undefined as unknown as Actor);
  app.decorateRequest('staff', undefined);
  app.decorateReply('page', function (this: FastifyReply, view: string, data: Record<string, unknown> = {}) {
    const request = this.request;
    const html = eta.render(view, {
      ...data,
      staff: request.staff,
      csrf: this.generateCsrf({ path: '/', httpOnly: true, sameSite: 'lax', secure: names.secure }),
      asset,
      path: request.url.split('?')[0],
      can: (roles: readonly Role[] = ANY_ROLE) => allowed(request.staff?.actor.role, roles),
      readers: { reports: REPORT_READERS },
    });
    return this.header('Cache-Control', 'private, no-store').header('Content-Security-Policy', PAGE_CSP).type('text/html; charset=utf-8').send(html);
  });

  app.addHook('onRequest', async (request, reply) => {
    // Pages send their origin with forms (the API's no-referrer makes browsers send `Origin: null`).
    reply.header('Referrer-Policy', 'same-origin');
    // A state change must come from one of our own pages: the Origin (or, failing that, the
    // Referer) names this site, and a browser's Sec-Fetch-Site, when it sends one, says
    // same-origin (or none: typed by the user). The sign-in form too: signed in as the attacker,
    // a victim would file their work under the attacker's account. A request with none of these
    // headers comes from no browser (curl, a script): the CSRF token below still binds it to a
    // form it read. Checked first, so another site learns nothing else.
    if (UNSAFE.has(request.method)) {
      const origin = request.headers.origin ?? refererOrigin(request.headers.referer);
      const site = request.headers['sec-fetch-site'];
      const crossSite = site !== undefined && site !== 'same-origin' && site !== 'none';
      if (crossSite || (origin && origin !== publicOrigin && origin !== `${request.protocol}://${request.host}`)) {
        return reply.code(403).page('error', { title: 'Requête refusée', message: 'Ce formulaire ne vient pas de ce site.' });
      }
    }
    const web = request.routeOptions.config.web;
    if (web?.public && (request.routeOptions.url?.startsWith('/assets/') || request.routeOptions.url === '/favicon.ico')) return;
    const raw = request.cookies[names.session];
    const session = raw ? await findSession(app.db, raw) : undefined;
    if (session) {
      request.staff = session;
      request.actor = session.actor;
    } else if (raw) {
      reply.clearCookie(names.session, { path: '/' });
    }
    if (web?.public) return;
    if (!session) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        return reply.redirect(`/connexion?suite=${encodeURIComponent(request.url)}`, 303);
      }
      return reply.code(401).page('error', { title: 'Connexion nécessaire', message: 'Votre session a pris fin : connectez-vous à nouveau.', signIn: true });
    }
    // A trainer (partner staff) reaches only the training pages: their home is the list of their cycles.
    if (session.actor.role === 'trainer' && request.url === '/') return reply.redirect('/formations', 303);
    // As for the API: a page that names no roles is for every role but `trainer` (partner staff).
    if (!allowed(session.actor.role, web?.roles ?? ANY_ROLE)) {
      return reply.code(403).page('error', { title: 'Accès refusé', message: 'Votre rôle ne permet pas cette action.' });
    }
  });

  // A state change must also carry the CSRF token this browser got with the form.
  app.addHook('preHandler', (request, reply, done) => {
    if (!UNSAFE.has(request.method)) return done();
    app.csrfProtection(request, reply, done);
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof ProblemError) {
      return reply.code(error.status).page('error', { title: titleOf(error.status), message: frenchDetail(error) });
    }
    if (error.code?.startsWith('FST_CSRF')) {
      return reply.code(403).page('error', { title: 'Requête refusée', message: 'Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et recommencez.' });
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'page failed');
    return reply.code(status).page('error', { title: titleOf(status), message: status === 500 ? 'Une erreur inattendue est survenue.' : 'La requête est invalide.' });
  });

  registerAssets(app, assets);
  // The same Idempotency-Key handling as the API, scoped to the signed-in person.
  registerIdempotency(app);
  // PDFs and labels cost as much from a page as from the API: the same limits, per signed-in person.
  registerExpensiveLimits(app, app.config.limits, {
    key: (request) => `user:${request.staff?.userId ?? request.ip}`,
    concurrencyDetail: (max) => `Au plus ${max} documents (PDF, étiquettes) à la fois : attendez que les précédents soient prêts.`,
    perMinuteDetail: (max) => `Au plus ${max} documents (PDF, étiquettes) par minute : patientez un instant avant de réessayer.`,
  });
  await app.register(accountPages, { cookies: names });
  await app.register(dashboardPages);
  await app.register(scannerPages);
  await app.register(devicePages);
  await app.register(adminPages);
  await app.register(adminKeyAndTermsPages);
  await app.register(collectionPages);
  await app.register(shipmentPages);
  await app.register(deliveryPages);
  await app.register(trainingPages);
  await app.register(installationPages);
  await app.register(installationVisitPages);
  await app.register(peoplePages);
  await app.register(reportPages);
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'invalid';
  }
}

function titleOf(status: number): string {
  return ({ 400: 'Requête invalide', 403: 'Accès refusé', 404: 'Introuvable', 409: 'Action impossible', 412: 'Modifié entre-temps', 429: 'Trop de demandes' } as Record<number, string>)[status] ?? 'Erreur';
}

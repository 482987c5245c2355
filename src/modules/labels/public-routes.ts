import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { notFound } from '../../http/problem.js';
import { devicePage, escapeHtml, notFoundPage, pageContentSecurityPolicy } from './page.js';
import { assetTagParams } from './schemas.js';
import { publicDevice } from './service.js';

/** A phone that scans a label asks for HTML; a client that sends `Accept: application/json` wants the facts. */
function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const json = accept.indexOf('application/json');
  const html = accept.indexOf('text/html');
  return json !== -1 && (html === -1 || json < html);
}

/**
 * `GET /d/{assetTag}`, the address every label encodes: outside the API and without a key, so
 * anyone who finds a machine can scan it. It says what the device is and whom to call; no
 * status, no history, no people.
 */
export interface LabelTargetOptions {
  /** The web app's session of the request, if any: a signed-in staff member gets a link to the device's page. */
  staffSession?: (request: FastifyRequest) => Promise<unknown>;
}

/** The one thing the public page shows a signed-in staff member and no one else. */
export function withStaffLink(html: string, assetTag: string): string {
  const link = `<p><a href="/scanner?code=${encodeURIComponent(assetTag)}">Ouvrir la fiche de l’appareil ${escapeHtml(assetTag)}</a></p>`;
  return html.includes('</main>') ? html.replace('</main>', `${link}</main>`) : html.replace('</body>', `${link}</body>`);
}

export async function labelTargetRoutes(fastify: FastifyInstance, options: LabelTargetOptions = {}) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/d/:assetTag', { schema: { hide: true, params: assetTagParams } }, async (request, reply) => {
    const device = await publicDevice(app.db, request.params.assetTag);
    const json = wantsJson(request.headers.accept);
    reply.header('Cache-Control', 'public, max-age=300').header('Vary', 'Accept, Cookie');
    if (json) {
      if (!device) throw notFound(`Asset tag ${request.params.assetTag.slice(0, 100)}`);
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(device));
    }
    reply.header('Content-Security-Policy', pageContentSecurityPolicy()).type('text/html; charset=utf-8');
    // A friendly page for a person, not a problem document: the one hand-set 404 of the app.
    if (!device) return reply.code(404).header('Cache-Control', 'public, max-age=60').send(notFoundPage(request.params.assetTag));
    // Only a request with a cookie can be a staff member's: the anonymous page stays cacheable.
    const staff = request.headers.cookie && options.staffSession ? await options.staffSession(request) : undefined;
    if (staff) return reply.header('Cache-Control', 'private, no-store').send(withStaffLink(devicePage(device), device.assetTag));
    return reply.send(devicePage(device));
  });
}

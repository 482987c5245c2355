import type { FastifyInstance } from 'fastify';
import { ProblemError } from '../../http/problem.js';
import { createApiKeySchema, ROLES } from '../../modules/api-keys/schemas.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../modules/api-keys/service.js';
import { DEVICE_KINDS } from '../../modules/devices/schemas.js';
import { termsInputSchema } from '../../modules/exchange/schemas.js';
import { listTerms, setTerms } from '../../modules/exchange/terms.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { frDateTime } from './devices.js';
import { createUserSchema } from '../../modules/users/schemas.js';
import { assertNotSelf, createUser, invitationPath, inviteAgain, listUsers, setUserActive } from '../../modules/users/service.js';
import { formInput } from '../form.js';
import { fieldErrorsOf, frenchDetail, zodFieldErrors, type FieldErrors, isFormProblem } from '../messages.js';
import { parseId } from './devices.js';

export const ROLE_FR: Record<string, string> = {
  admin: 'Administration',
  collector: 'Collecte (régie)',
  reconditioner: 'Reconditionnement (TRIRA)',
  installer: 'Installation (BLÉ)',
  trainer: 'Formation',
  viewer: 'Consultation',
};
export const roleLabel = (role: string) => ROLE_FR[role] ?? role;

const adminOnly = { web: { roles: [] as const } };

export async function adminPages(app: FastifyInstance) {
  const render = async (reply: import('fastify').FastifyReply, extra: { errors?: FieldErrors; values?: Record<string, unknown>; link?: string; linkFor?: string } = {}) =>
    reply.page('admin-users', {
      title: 'Utilisateurs',
      users: await listUsers(app.db),
      roles: ROLES.map((r) => [r, roleLabel(r)]),
      roleLabel,
      ...extra,
      link: extra.link ? `${app.config.publicUrl}${extra.link}` : undefined,
    });

  app.get('/administration/utilisateurs', { config: adminOnly }, async (_request, reply) => render(reply));

  app.post('/administration/utilisateurs', { config: adminOnly }, async (request, reply) => {
    const values = formInput(request.body, ['email', 'name', 'role']);
    const parsed = createUserSchema.safeParse(values);
    if (!parsed.success) return render(reply.code(422), { errors: zodFieldErrors(parsed.error), values });
    try {
      const { user, token } = await createUser(app.db, parsed.data, request.actor.name);
      return render(reply.code(201), { link: invitationPath(token), linkFor: user.name });
    } catch (error) {
      if (error instanceof ProblemError && error.status === 409) return render(reply.code(409), { errors: fieldErrorsOf(error.errors), values });
      throw error;
    }
  });

  app.post('/administration/utilisateurs/:id/invitation', { config: adminOnly }, async (request, reply) => {
    const { id } = parseId(request.params);
    const token = await inviteAgain(app.db, id, request.actor.name);
    const user = (await listUsers(app.db)).find((u) => u.id === id);
    return render(reply, { link: invitationPath(token), linkFor: user?.name });
  });

  app.post('/administration/utilisateurs/:id/activation', { config: adminOnly }, async (request, reply) => {
    const { id } = parseId(request.params);
    const active = (request.body as Record<string, unknown>)?.active === '1';
    if (!active) assertNotSelf(request.staff!.userId, id);
    await setUserActive(app.db, id, active);
    return reply.redirect('/administration/utilisateurs', 303);
  });
}

export async function adminKeyAndTermsPages(app: FastifyInstance) {
  const keysPage = async (reply: import('fastify').FastifyReply, extra: Record<string, unknown> = {}) =>
    reply.page('admin-keys', { title: 'Clés d’API', keys: await listApiKeys(app.db), roles: ROLES.map((r) => [r, roleLabel(r)]), roleLabel, frDateTime, ...extra });

  app.get('/administration/cles', { config: adminOnly }, async (_request, reply) => keysPage(reply));

  app.post('/administration/cles', { config: adminOnly }, async (request, reply) => {
    const values = formInput(request.body, ['name', 'role']);
    const parsed = createApiKeySchema.safeParse(values);
    if (!parsed.success) return keysPage(reply.code(422), { errors: zodFieldErrors(parsed.error), values });
    const key = await createApiKey(app.db, parsed.data);
    return keysPage(reply.code(201), { created: key });
  });

  app.post('/administration/cles/:id/revocation', { config: adminOnly }, async (request, reply) => {
    const { id } = parseId(request.params);
    await revokeApiKey(app.db, id);
    return reply.redirect('/administration/cles', 303);
  });

  const termsPage = async (reply: import('fastify').FastifyReply, extra: Record<string, unknown> = {}) =>
    reply.page('admin-terms', {
      title: 'Conditions d’échange',
      terms: await listTerms(app.db),
      kinds: DEVICE_KINDS.map((k) => [k, kindLabelFr(k)]),
      kindLabel: kindLabelFr,
      ...extra,
    });

  app.get('/administration/echange', { config: adminOnly }, async (_request, reply) => termsPage(reply));

  app.post('/administration/echange', { config: adminOnly }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const credits = formInput(body, DEVICE_KINDS.map((k) => `credit_${k}`));
    const creditsByKind = Object.fromEntries(Object.entries(credits).map(([k, v]) => [k.slice('credit_'.length), String(v).replace(',', '.')]));
    const values = { ...formInput(body, ['effectiveOn', 'notes']), creditsByKind };
    const parsed = termsInputSchema.safeParse(values);
    if (!parsed.success) {
      const errors = zodFieldErrors(parsed.error);
      const flat = Object.fromEntries(Object.entries(errors).map(([k, v]) => [k.replace(/^creditsByKind\./, 'credit_'), v]));
      return termsPage(reply.code(422), { errors: flat, values: { ...body } });
    }
    try {
      await setTerms(app.db, parsed.data, request.actor);
    } catch (error) {
      if (isFormProblem(error, { notFound: 'form' })) {
        const errors = (error.extra as { latestCreditedOn?: string }).latestCreditedOn ? { effectiveOn: frenchDetail(error) } : fieldErrorsOf(error.errors);
        return termsPage(reply.code(error.status), { errors, message: frenchDetail(error), values: { ...body } });
      }
      throw error;
    }
    return reply.redirect('/administration/echange', 303);
  });
}

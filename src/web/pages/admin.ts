import type { FastifyInstance } from 'fastify';
import { ProblemError } from '../../http/problem.js';
import { ROLES } from '../../modules/api-keys/schemas.js';
import { createUserSchema } from '../../modules/users/schemas.js';
import { assertNotSelf, createUser, invitationPath, inviteAgain, listUsers, setUserActive } from '../../modules/users/service.js';
import { formInput } from '../form.js';
import { fieldErrorsOf, zodFieldErrors, type FieldErrors } from '../messages.js';
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

import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { ProblemError } from '../../http/problem.js';
import { WRITERS } from '../../http/roles.js';
import { createDeliverySchema } from '../../modules/deliveries/schemas.js';
import { createDelivery, getDelivery } from '../../modules/deliveries/service.js';
import { ERASURE_METHODS } from '../../modules/erasure/schemas.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { formInput } from '../form.js';
import { frenchDetail, statusLabel, zodFieldErrors } from '../messages.js';
import { parseId } from './devices.js';

const receivers = { web: { roles: WRITERS.deliveries } };
const PARIS_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' });
const METHOD_FR: Record<string, string> = {
  'nist-800-88-clear': 'Effacement simple (NIST Clear)',
  'nist-800-88-purge': 'Purge (NIST Purge)',
  'nist-800-88-destroy': 'Destruction (NIST Destroy)',
};

/**
 * Réceptions: units coming back from the reconditioner, scanned one per line, with the
 * reconditioner's erasure attestation for the whole delivery when there is one. The service
 * checks every code and the attestation; nothing is recorded unless all of it is right.
 */
export async function deliveryPages(app: FastifyInstance) {
  const form = (reply: import('fastify').FastifyReply, extra: Record<string, unknown> = {}) =>
    reply.page('reception', {
      title: 'Nouvelle réception',
      methods: [['', 'Aucune attestation'], ...ERASURE_METHODS.map((m) => [m, METHOD_FR[m]])],
      results: [['passed', 'Réussi'], ['failed', 'Échoué']],
      idempotencyKey: randomUUID(),
      ...extra,
      values: { receivedOn: PARIS_DAY.format(new Date()), ...(extra.values as object) },
    });

  app.get('/receptions/nouvelle', { config: receivers }, async (_request, reply) => form(reply));

  app.post('/receptions/nouvelle', { config: receivers }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = formInput(body, ['reference', 'receivedOn', 'notes', 'codes', 'method', 'tool', 'performedAt', 'operator', 'result']);
    const codes = String(values.codes ?? '').split(/\r?\n/).map((c) => c.trim()).filter(Boolean).slice(0, 500);
    const erasure = values.method
      ? { method: values.method, tool: values.tool, operator: values.operator, result: values.result, performedAt: values.performedAt ? new Date(String(values.performedAt)).toISOString() : undefined }
      : undefined;
    const parsed = createDeliverySchema.safeParse({
      reference: values.reference,
      receivedOn: values.receivedOn,
      notes: values.notes,
      items: codes.map((code) => ({ code, ...(erasure ? { erasure } : {}) })),
    });
    if (!parsed.success) {
      const errors = Object.fromEntries(
        Object.entries(zodFieldErrors(parsed.error)).map(([path, message]) => [path.startsWith('items') ? (/erasure\.(\w+)/.exec(path)?.[1] ?? 'codes') : path, message]),
      );
      return form(reply.code(422), { errors, values: body });
    }
    try {
      const delivery = await createDelivery(app.db, parsed.data, request.actor, app.config.assetTagPrefix);
      return reply.redirect(`/receptions/${delivery.id}`, 303);
    } catch (error) {
      if (error instanceof ProblemError && error.status < 500 && error.status !== 403) {
        // Name each refused line: "ligne 2 (OP-424242) : inconnu".
        const lines = (error.errors ?? []).map((e) => {
          const index = Number(/items\.(\d+)/.exec(e.path)?.[1]);
          const why = /appears twice/.test(e.message) ? 'en double' : /no device/.test(e.message) ? 'inconnu' : 'refusé';
          return Number.isNaN(index) ? why : `ligne ${index + 1} (${codes[index]}) : ${why}`;
        });
        const message = lines.length ? `Codes refusés, rien n’a été enregistré : ${lines.join(' ; ')}.` : frenchDetail(error);
        return form(reply.code(error.status), { errors: { codes: message }, values: body });
      }
      throw error;
    }
  });

  app.get('/receptions/:id', { config: receivers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const delivery = await getDelivery(app.db, id);
    return reply.page('delivery', { title: `Réception ${delivery.reference}`, delivery, kindLabel: kindLabelFr, statusLabel });
  });
}

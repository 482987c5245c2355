import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { today } from '../../clock.js';
import { ProblemError } from '../../http/problem.js';
import { WRITERS } from '../../http/roles.js';
import { sendPdfBuffer } from '../../pdf/send.js';
import { acknowledgeShipment } from '../../modules/shipments/acknowledge.js';
import { dispatchShipment } from '../../modules/shipments/dispatch.js';
import { addItems, removeItem } from '../../modules/shipments/items.js';
import { renderManifest } from '../../modules/shipments/manifest.js';
import { acknowledgeSchema, createShipmentSchema, dispatchSchema, ITEM_OUTCOMES } from '../../modules/shipments/schemas.js';
import { createShipment, getShipment, listShipments } from '../../modules/shipments/service.js';
import { inSentence, programmeIdentity } from '../../shared/identity.js';
import { frKg, frLongDate } from '../../shared/french.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { formInput } from '../form.js';
import { deviceStatusLabel, fieldErrorsOf, frenchDetail, statusLabel, zodFieldErrors, type FieldErrors } from '../messages.js';
import { allowed } from '../roles.js';
import { frDateTime, parseId } from './devices.js';

const readers = { web: { roles: [...new Set([...WRITERS.shipments, ...WRITERS.acknowledge])] } };
const builders = { web: { roles: WRITERS.shipments } };

const CREDITS = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 3 });

const SHIPMENT_STATUS_FR: Record<string, string> = { open: 'en préparation', dispatched: 'expédiée', acknowledged: 'réception confirmée' };

/** What the person sees after scanning a code into a shipment. */
export function outcomeMessage(outcome: string, code: string, tag: string | undefined, status: string | undefined): string {
  const name = tag ?? code;
  switch (outcome) {
    case 'added':
      return `${name} : ajouté.`;
    case 'already_in_shipment':
      return `${name} : déjà dans l’expédition.`;
    case 'not_found':
      return `${code} : inconnu, aucun appareil ne porte ce code.`;
    default:
      return `${name} : non éligible (statut ${status ? statusLabel(status) : 'inconnu'}).`;
  }
}

export async function shipmentPages(app: FastifyInstance) {
  app.get('/expeditions', { config: readers }, async (request, reply) => {
    const [open, dispatched] = await Promise.all([listShipments(app.db, { status: 'open', limit: 50 }), listShipments(app.db, { status: 'dispatched', limit: 50 })]);
    return reply.page('shipments', { title: 'Expéditions', open: open.items, dispatched: dispatched.items, canBuild: allowed(request.staff?.actor.role, WRITERS.shipments) });
  });

  app.post('/expeditions', { config: builders }, async (request, reply) => {
    const parsed = createShipmentSchema.safeParse(formInput(request.body, ['reference', 'notes']));
    if (!parsed.success) {
      const [open, dispatched] = await Promise.all([listShipments(app.db, { status: 'open', limit: 50 }), listShipments(app.db, { status: 'dispatched', limit: 50 })]);
      return reply.code(422).page('shipments', { title: 'Expéditions', open: open.items, dispatched: dispatched.items, canBuild: true, errors: zodFieldErrors(parsed.error) });
    }
    const shipment = await createShipment(app.db, parsed.data, request.actor);
    return reply.redirect(`/expeditions/${shipment.id}`, 303);
  });

  /** The shipment's page; after a refused dispatch or receipt, with the form's values and the errors beside their fields. */
  async function shipmentPage(request: FastifyRequest, reply: FastifyReply, id: string, form: { values?: Record<string, unknown>; errors?: FieldErrors; dispatching?: boolean } = {}) {
    const shipment = await getShipment(app.db, id);
    const query = request.query as Record<string, unknown>;
    const outcome = typeof query.resultat === 'string' && (ITEM_OUTCOMES as readonly string[]).includes(query.resultat) ? query.resultat : undefined;
    const feedback = outcome
      ? { outcome, text: outcomeMessage(outcome, String(query.code ?? '').slice(0, 100), typeof query.tag === 'string' ? query.tag.slice(0, 50) : undefined, typeof query.statut === 'string' ? query.statut.slice(0, 20) : undefined) }
      : undefined;
    const role = request.staff?.actor.role;
    return reply.page('shipment', {
      title: `Expédition ${shipment.reference}`,
      shipment,
      feedback,
      confirmDispatch: query.confirmer === '1' || form.dispatching === true,
      reconditioner: inSentence(programmeIdentity().reconditioner),
      credits: (value: number | null) => (value === null ? '—' : CREDITS.format(value)),
      message: typeof query.erreur === 'string' ? query.erreur.slice(0, 300) : undefined,
      canBuild: shipment.status === 'open' && allowed(role, WRITERS.shipments),
      canAcknowledge: shipment.status === 'dispatched' && allowed(role, WRITERS.acknowledge),
      statusFr: SHIPMENT_STATUS_FR[shipment.status],
      kindLabel: kindLabelFr,
      statusLabel,
      deviceStatusLabel,
      frDateTime,
      frLongDate,
      frKg,
      values: { dispatchedOn: today(), receivedOn: today(), ...form.values },
      errors: form.errors ?? {},
      scripts: ['scanner.js'],
    });
  }

  app.get('/expeditions/:id', { config: readers }, async (request, reply) => shipmentPage(request, reply, parseId(request.params).id));

  app.post('/expeditions/:id/ajouter', { config: builders }, async (request, reply) => {
    const { id } = parseId(request.params);
    const code = String((request.body as Record<string, unknown>)?.code ?? '').trim().slice(0, 500);
    if (!code) return reply.redirect(`/expeditions/${id}`, 303);
    try {
      const { results } = await addItems(app.db, id, [code]);
      const r = results[0];
      const query = new URLSearchParams({ resultat: r.outcome, code, ...(r.assetTag ? { tag: r.assetTag } : {}), ...(r.status ? { statut: r.status } : {}) });
      return reply.redirect(`/expeditions/${id}?${query}`, 303);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 409) return reply.redirect(`/expeditions/${id}?erreur=${encodeURIComponent(frenchDetail(error))}`, 303);
      throw error;
    }
  });

  app.post('/expeditions/:id/retirer/:deviceId', { config: builders }, async (request, reply) => {
    const { id } = parseId(request.params);
    const { id: deviceId } = parseId({ id: (request.params as Record<string, string>).deviceId });
    await removeItem(app.db, id, deviceId);
    return reply.redirect(`/expeditions/${id}`, 303);
  });

  app.post('/expeditions/:id/expedier', { config: builders }, async (request, reply) => {
    const { id } = parseId(request.params);
    const body = (request.body ?? {}) as Record<string, unknown>;
    // Dispatch cannot be undone: without the confirmation step's field, the page asks for it.
    if (body.confirm !== '1') return reply.redirect(`/expeditions/${id}?confirmer=1#dispatch-title`, 303);
    const values = formInput(body, ['dispatchedOn']);
    const parsed = dispatchSchema.safeParse(values);
    if (!parsed.success) return shipmentPage(request, reply.code(422), id, { values, errors: zodFieldErrors(parsed.error), dispatching: true });
    try {
      await dispatchShipment(app.db, id, parsed.data?.dispatchedOn, request.actor);
    } catch (error) {
      const errors = error instanceof ProblemError ? fieldErrorsOf(error.errors) : {};
      if (errors.dispatchedOn) return shipmentPage(request, reply.code(422), id, { values, errors, dispatching: true });
      if (error instanceof ProblemError && (error.status === 409 || error.status === 422)) return reply.redirect(`/expeditions/${id}?erreur=${encodeURIComponent(frenchDetail(error))}`, 303);
      throw error;
    }
    return reply.redirect(`/expeditions/${id}`, 303);
  });

  app.post('/expeditions/:id/reception', { config: { web: { roles: WRITERS.acknowledge } } }, async (request, reply) => {
    const { id } = parseId(request.params);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const raw = body.missing;
    const missing = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String).slice(0, 500);
    const form = formInput(body, ['receivedOn', 'notes']);
    const values = { ...form, missing };
    const parsed = acknowledgeSchema.safeParse(form);
    if (!parsed.success) return shipmentPage(request, reply.code(422), id, { values, errors: zodFieldErrors(parsed.error) });
    try {
      await acknowledgeShipment(app.db, id, { missing, notes: parsed.data?.notes, receivedOn: parsed.data?.receivedOn }, request.actor);
    } catch (error) {
      const errors = error instanceof ProblemError ? fieldErrorsOf(error.errors) : {};
      if (errors.receivedOn) return shipmentPage(request, reply.code(422), id, { values, errors });
      if (error instanceof ProblemError && (error.status === 409 || error.status === 422)) return reply.redirect(`/expeditions/${id}?erreur=${encodeURIComponent(frenchDetail(error))}`, 303);
      throw error;
    }
    return reply.redirect(`/expeditions/${id}`, 303);
  });

  app.get('/expeditions/:id/bordereau.pdf', { config: readers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const { bytes, filename } = await renderManifest(app.db, id);
    return sendPdfBuffer(reply, bytes, filename);
  });
}

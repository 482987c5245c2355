import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '../../http/problem.js';
import { WRITERS } from '../../http/roles.js';
import { sendPdf } from '../../pdf/send.js';
import { idParams } from '../../shared/fields.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import type { Role } from '../../modules/api-keys/schemas.js';
import { getCollection } from '../../modules/collections/service.js';
import { allowedActions, type Action } from '../../modules/devices/lifecycle.js';
import { DEVICE_STATUSES, GRADES, listDevicesQuerySchema, scrapSchema, updateDeviceSchema } from '../../modules/devices/schemas.js';
import { etagOf, getDeviceRow, listDeviceEvents, listDevices, scrapDevice, toDevice, updateDevice } from '../../modules/devices/service.js';
import { getDonor } from '../../modules/donors/service.js';
import { listErasures } from '../../modules/erasure/service.js';
import { createLabelDocument, drawLabels, labelDocumentTitle } from '../../modules/labels/render.js';
import { deviceLabelQuerySchema } from '../../modules/labels/schemas.js';
import { checkedFormat, deviceLabelContent, labelUrl } from '../../modules/labels/service.js';
import { currentInstallationOfDevice } from '../../modules/installations/store.js';
import { reconditionSchema } from '../../modules/reconditioning/schemas.js';
import { reconditionDevice } from '../../modules/reconditioning/service.js';
import { formInput } from '../form.js';
import { fieldErrorsOf, frenchDetail, statusLabel, zodFieldErrors, type FieldErrors } from '../messages.js';
import { allowed } from '../plugin.js';

/**
 * The actions a device page offers, each with the roles of its API route: a button appears only
 * when the transition table allows the action from the device's status and the role may do it.
 */
export const DEVICE_ACTIONS: { action: Action; roles: readonly Role[]; label: string }[] = [
  { action: 'recondition', roles: WRITERS.recondition, label: 'Marquer comme reconditionné' },
  { action: 'scrap', roles: WRITERS.scrap, label: 'Mettre au rebut' },
];

export function deviceActionsFor(status: string, role: Role | undefined) {
  const possible = allowedActions(status);
  return DEVICE_ACTIONS.filter((a) => possible.includes(a.action) && allowed(role, a.roles));
}

const EVENT_FR: Record<string, string> = {
  intake: 'Collecté',
  update: 'Modifié',
  dispatch: 'Expédié au reconditionneur',
  deliver: 'Livré par le reconditionneur',
  recondition: 'Reconditionné',
  schedule: 'Réservé pour une installation',
  cancel: 'Réservation annulée',
  complete: 'Installé',
  return: 'Retourné',
  scrap: 'Mis au rebut',
  erasure: 'Effacement des données',
  missing: 'Signalé non reçu',
};
const METHOD_FR: Record<string, string> = {
  'nist-800-88-clear': 'Effacement simple (NIST Clear)',
  'nist-800-88-purge': 'Purge (NIST Purge)',
  'nist-800-88-destroy': 'Destruction (NIST Destroy)',
};

const EDIT_FIELDS = ['brand', 'model', 'serialNumber', 'grade', 'weightKg', 'notes'] as const;

interface Draft {
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  message?: string;
  open?: Action | 'edit';
}

export async function devicePages(app: FastifyInstance) {
  async function show(request: FastifyRequest, reply: FastifyReply, id: string, draft: Draft = {}) {
    const row = await getDeviceRow(app.db.kysely, id);
    const device = toDevice(row);
    const role = request.staff?.actor.role;
    const [events, erasures, donor, collection, installation] = await Promise.all([
      listDeviceEvents(app.db, id, 500),
      listErasures(app.db, id),
      device.donorId ? getDonor(app.db, device.donorId) : undefined,
      device.collectionId ? getCollection(app.db, device.collectionId) : undefined,
      // Personal data (the beneficiary's name) only for the roles the API shows it to.
      currentInstallationOfDevice(app.db.kysely, id, allowed(role, WRITERS.beneficiaries)),
    ]);
    return reply.page('device', {
      title: `${device.assetTag} · ${kindLabelFr(device.kind)}`,
      device,
      etag: draft.values?.etag ?? etagOf(row),
      events: events.items,
      erasures,
      donor,
      collection,
      installation,
      actions: deviceActionsFor(device.status, role),
      canEdit: allowed(role, WRITERS.deviceEdit),
      canPrint: allowed(role, WRITERS.labels),
      labelUrl: labelUrl(app.config.publicUrl, device.assetTag),
      grades: GRADES,
      kindLabel: kindLabelFr,
      statusLabel,
      eventLabel: (type: string) => EVENT_FR[type] ?? type,
      methodLabel: (method: string) => METHOD_FR[method] ?? method,
      frDateTime,
      scanned: (request.query as Record<string, unknown>).scan === '1',
      draft,
      scripts: ['scanner.js'],
    });
  }

  // Search, paginated with the API's cursors; the module's query schema checks the filters.
  app.get('/appareils', async (request, reply) => {
    const raw = request.query as Record<string, unknown>;
    const parsed = listDevicesQuerySchema.safeParse({ ...formInput(raw, ['q', 'status', 'cursor']), limit: 50 });
    const query = parsed.success ? parsed.data : { limit: 50 };
    const page = await listDevices(app.db, query);
    const params = (cursor: string) => new URLSearchParams({ ...formInput(raw, ['q', 'status']), cursor } as Record<string, string>).toString();
    return reply.page('devices', {
      title: 'Appareils',
      q: typeof raw.q === 'string' ? raw.q : '',
      status: typeof raw.status === 'string' ? raw.status : '',
      statuses: [['', 'Tous'], ...DEVICE_STATUSES.map((st) => [st, statusLabel(st)])],
      devices: page.items,
      next: page.nextCursor ? `/appareils?${params(page.nextCursor)}` : undefined,
      invalid: !parsed.success,
      kindLabel: kindLabelFr,
      statusLabel,
    });
  });

  app.get('/appareils/:id', async (request, reply) => {
    const { id } = parseId(request.params);
    return show(request, reply, id);
  });

  app.post('/appareils/:id/modifier', { config: { web: { roles: WRITERS.deviceEdit } } }, async (request, reply) => {
    const { id } = parseId(request.params);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = formInput(body, EDIT_FIELDS, ['weightKg']);
    const typed = { ...Object.fromEntries(EDIT_FIELDS.map((f) => [f, body[f] ?? ''])), etag: body.etag };
    // A cleared field is sent as null, so a person can empty it.
    const patch = Object.fromEntries(EDIT_FIELDS.map((f) => [f, values[f] ?? null]));
    const parsed = updateDeviceSchema.safeParse(patch);
    if (!parsed.success) return show(request, reply.code(422), id, { values: typed, errors: zodFieldErrors(parsed.error), open: 'edit' });
    try {
      await updateDevice(app.db, id, parsed.data, typeof body.etag === 'string' ? body.etag : undefined, request.actor);
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status === 404) throw error;
      const stale = error.status === 412;
      const message = stale
        ? 'Cet appareil a été modifié entre-temps par quelqu’un d’autre. Vos saisies sont conservées ci-dessous : vérifiez la fiche à jour, puis enregistrez à nouveau.'
        : frenchDetail(error);
      // After a stale edit the form carries the new ETag: saving again is a deliberate overwrite.
      const draftValues = stale ? { ...typed, etag: undefined } : typed;
      return show(request, reply.code(error.status), id, { values: draftValues, errors: fieldErrorsOf(error.errors), message, open: 'edit' });
    }
    return reply.redirect(`/appareils/${id}?modifie=1`, 303);
  });

  app.post('/appareils/:id/reconditionner', { config: { web: { roles: WRITERS.recondition } } }, async (request, reply) => {
    const { id } = parseId(request.params);
    const parsed = reconditionSchema.safeParse(formInput(request.body, ['grade', 'os', 'notes']));
    if (!parsed.success) return show(request, reply.code(422), id, { errors: zodFieldErrors(parsed.error), open: 'recondition' });
    await actOrExplain(request, reply, id, 'recondition', () => reconditionDevice(app.db, id, parsed.data, request.actor));
    if (!reply.sent) return reply.redirect(`/appareils/${id}`, 303);
  });

  app.post('/appareils/:id/rebut', { config: { web: { roles: WRITERS.scrap } } }, async (request, reply) => {
    const { id } = parseId(request.params);
    const parsed = scrapSchema.safeParse(formInput(request.body, ['reason', 'notes']));
    if (!parsed.success) return show(request, reply.code(422), id, { errors: zodFieldErrors(parsed.error), open: 'scrap' });
    await actOrExplain(request, reply, id, 'scrap', () => scrapDevice(app.db, id, parsed.data, request.actor));
    if (!reply.sent) return reply.redirect(`/appareils/${id}`, 303);
  });

  async function actOrExplain(request: FastifyRequest, reply: FastifyReply, id: string, action: Action, work: () => Promise<unknown>) {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status === 404 || error.status === 403) throw error;
      await show(request, reply.code(error.status), id, { message: frenchDetail(error), open: action });
    }
  }

  // The label opens in the browser from the session, so a click prints it.
  app.get('/appareils/:id/etiquette.pdf', { config: { web: { roles: WRITERS.labels } } }, async (request, reply) => {
    const { id } = parseId(request.params);
    const query = deviceLabelQuerySchema.parse(request.query);
    const format = checkedFormat(query.format, query.startPosition);
    const content = await deviceLabelContent(app.db, app.config.publicUrl, id);
    const doc = createLabelDocument(format, labelDocumentTitle(1));
    reply.header('Cache-Control', 'private, no-store');
    return sendPdf(reply, doc, `etiquette-${content.assetTag}.pdf`, () => drawLabels(doc, format, [content], query));
  });
}

export function parseId(params: unknown): { id: string } {
  const parsed = idParams.safeParse(params);
  if (!parsed.success) throw new ProblemError(404, 'Not an id');
  return parsed.data;
}

const DATE_TIME = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' });
export const frDateTime = (iso: string) => DATE_TIME.format(new Date(iso));

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '../../http/problem.js';
import { WRITERS } from '../../http/roles.js';
import { sendPdf } from '../../pdf/send.js';
import { idParams } from '../../shared/fields.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { getCollection } from '../../modules/collections/service.js';
import { nowMs } from '../../clock.js';
import { allowedActions, type Action } from '../../modules/devices/lifecycle.js';
import { DATA_BEARING_KINDS, DEVICE_STATUSES, GRADES, KINDS_WITHOUT_OS, listDevicesQuerySchema, scrapSchema, updateDeviceSchema, type Device, type DeviceKind } from '../../modules/devices/schemas.js';
import { clearanceGap, erasureClearance } from '../../modules/erasure/clearance.js';
import { ERASURE_METHODS, erasureInputSchema } from '../../modules/erasure/schemas.js';
import { scrapDevice } from '../../modules/scrapping/service.js';
import { deviceHistory, lastShipment } from '../../modules/devices/history.js';
import { etagOf, getDeviceRow, listDevices, toDevice, updateDevice } from '../../modules/devices/service.js';
import { getDonor } from '../../modules/donors/service.js';
import { listErasures, recordErasure } from '../../modules/erasure/service.js';
import { getShipmentRow } from '../../modules/shipments/service.js';
import { createLabelDocument, drawLabels, labelDocumentTitle } from '../../modules/labels/render.js';
import { deviceLabelQuerySchema } from '../../modules/labels/schemas.js';
import { checkedFormat, deviceLabelContent, labelUrl } from '../../modules/labels/service.js';
import { currentInstallationOfDevice } from '../../modules/installations/store.js';
import { reconditionSchema } from '../../modules/reconditioning/schemas.js';
import { reconditionDevice } from '../../modules/reconditioning/service.js';
import { deviceActionsFor } from '../device-actions.js';
import { formInput, parisInstant, parisLocal } from '../form.js';
import { deviceStatusLabel, erasureMethodLabel, eventDates, eventLabel, fieldErrorsOf, frenchDetail, statusLabel, zodFieldErrors, type FieldErrors, isFormProblem } from '../messages.js';
import { allowed } from '../roles.js';

const EDIT_FIELDS = ['brand', 'model', 'serialNumber', 'grade', 'weightKg', 'notes'] as const;

interface Draft {
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  message?: string;
  open?: Action | 'edit' | 'erasure';
}

const ERASURE_FIELDS = ['method', 'tool', 'performedAt', 'operator', 'result', 'verification', 'notes', 'supersedes'] as const;
const GRADE_OPTIONS = GRADES.map((g) => [g, g === 'parts' ? 'Pièces' : g]);

export async function devicePages(app: FastifyInstance) {
  async function show(request: FastifyRequest, reply: FastifyReply, id: string, draft: Draft = {}) {
    const row = await getDeviceRow(app.db.kysely, id);
    const device = toDevice(row);
    const role = request.staff?.actor.role;
    const [events, erasures, donor, collection, installation, gap] = await Promise.all([
      deviceHistory(app.db, id),
      listErasures(app.db, id),
      device.donorId ? getDonor(app.db, device.donorId) : undefined,
      device.collectionId ? getCollection(app.db, device.collectionId) : undefined,
      // Personal data (the beneficiary's name) only for the roles the API shows it to.
      currentInstallationOfDevice(app.db.kysely, id, allowed(role, WRITERS.beneficiaries)),
      allowedActions(device.status).some((a) => a === 'recondition' || a === 'scrap') ? erasureGap(device) : null,
    ]);
    const actions = deviceActionsFor(device, role, { installationId: installation?.id });
    const shipped = device.status === 'shipped' ? lastShipment(events) : undefined;
    // Not received: TRIRA says so when confirming the shipment's receipt, which the link leads to.
    // Missing since the reception day of its shipment, as the history dates it; typed maybe days later.
    const missingEvent = device.missingSince ? events.filter((e) => e.type === 'missing').at(-1) : undefined;
    const reportMissing = allowed(role, WRITERS.acknowledge) && shipped && !shipped.received && !device.missingSince ? await shipmentAwaitingReceipt(shipped.shipmentId) : undefined;
    return reply.page('device', {
      title: `${device.assetTag} · ${kindLabelFr(device.kind)}`,
      device,
      deviceStatus: deviceStatusLabel({ ...device, received: shipped?.received }),
      etag: draft.values?.etag ?? etagOf(row),
      events,
      erasures,
      donor,
      collection,
      installation,
      actions,
      // A data-bearing device without a qualifying erasure: reconditioning waits for one, scrapping needs the recycler's certificate.
      erasureGap: gap,
      // A monitor, printer or peripheral runs no system: reconditioning it asks for none.
      asksOs: !KINDS_WITHOUT_OS.includes(device.kind),
      reportMissing,
      missing: missingEvent ? eventDates(missingEvent) : null,
      canErase: allowed(role, WRITERS.erasure),
      erasureMethods: [['', '— choisir —'], ...ERASURE_METHODS.map((m) => [m, erasureMethodLabel(m)])],
      erasureResults: [['passed', 'Réussi'], ['failed', 'Échoué']],
      supersedable: [['', 'Aucun (nouvel effacement)'], ...erasures.filter((e) => !e.supersededById).map((e) => [e.id, `${frDateTime(e.performedAt)} · ${erasureMethodLabel(e.method)} · ${e.result === 'passed' ? 'réussi' : 'échoué'}`])],
      nowLocal: parisLocal(new Date(nowMs())),
      canEdit: allowed(role, WRITERS.deviceEdit),
      canPrint: allowed(role, WRITERS.labels),
      labelUrl: labelUrl(app.config.publicUrl, device.assetTag),
      grades: GRADES,
      gradeOptions: GRADE_OPTIONS,
      kindLabel: kindLabelFr,
      statusLabel,
      eventLabel,
      eventDates,
      methodLabel: erasureMethodLabel,
      frDateTime,
      scanned: (request.query as Record<string, unknown>).scan === '1',
      draft,
      scripts: ['scanner.js'],
    });
  }

  /** What a data-bearing device still lacks before reuse or disposal, in the service's words; null when nothing. */
  async function erasureGap(device: Device): Promise<string | null> {
    if (!DATA_BEARING_KINDS.includes(device.kind as DeviceKind)) return null;
    return clearanceGap((await erasureClearance(app.db.kysely, [device.id])).get(device.id), device.kind);
  }

  /** The dispatched shipment this device travels in, while the reconditioner has not confirmed its receipt. */
  async function shipmentAwaitingReceipt(shipmentId: string) {
    const shipment = await getShipmentRow(app.db.kysely, shipmentId);
    return shipment.status === 'dispatched' ? { id: shipment.id, reference: shipment.reference } : undefined;
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
      deviceStatusLabel,
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

  app.post('/appareils/:id/effacement', { config: { web: { roles: WRITERS.erasure } } }, async (request, reply) => {
    const { id } = parseId(request.params);
    const values = formInput(request.body, ERASURE_FIELDS);
    const parsed = erasureInputSchema.safeParse({ ...values, performedAt: parisInstant(values.performedAt) });
    if (!parsed.success) return show(request, reply.code(422), id, { values, errors: zodFieldErrors(parsed.error), open: 'erasure' });
    await actOrExplain(request, reply, id, 'erasure', values, () => recordErasure(app.db, id, parsed.data, request.actor));
    if (!reply.sent) return reply.redirect(`/appareils/${id}#erasure-title`, 303);
  });

  app.post('/appareils/:id/reconditionner', { config: { web: { roles: WRITERS.recondition } } }, async (request, reply) => {
    const { id } = parseId(request.params);
    const values = formInput(request.body, ['grade', 'os', 'notes', 'reconditionedOn']);
    const parsed = reconditionSchema.safeParse(values);
    if (!parsed.success) return show(request, reply.code(422), id, { values, errors: zodFieldErrors(parsed.error), open: 'recondition' });
    await actOrExplain(request, reply, id, 'recondition', values, () => reconditionDevice(app.db, id, parsed.data, request.actor));
    if (!reply.sent) return reply.redirect(`/appareils/${id}`, 303);
  });

  app.post('/appareils/:id/rebut', { config: { web: { roles: WRITERS.scrap } } }, async (request, reply) => {
    const { id } = parseId(request.params);
    const values = formInput(request.body, ['reason', 'notes', 'scrappedOn', 'destructionCertificate']);
    const parsed = scrapSchema.safeParse(values);
    if (!parsed.success) return show(request, reply.code(422), id, { values, errors: zodFieldErrors(parsed.error), open: 'scrap' });
    await actOrExplain(request, reply, id, 'scrap', values, () => scrapDevice(app.db, id, parsed.data, request.actor));
    if (!reply.sent) return reply.redirect(`/appareils/${id}`, 303);
  });

  /** Runs the service; a refusal is shown on the device page, next to the field it names, with what was typed. */
  async function actOrExplain(request: FastifyRequest, reply: FastifyReply, id: string, open: Draft['open'], values: Record<string, unknown>, work: () => Promise<unknown>) {
    try {
      await work();
    } catch (error) {
      if (!isFormProblem(error, { notFound: 'page' })) throw error;
      const errors = fieldErrorsOf(error.errors);
      // Scrapping a data-bearing device without a qualifying erasure: what is missing is the certificate.
      if ((error.extra as { missing?: string }).missing === 'erasure' && open === 'scrap') {
        errors.destructionCertificate = 'Exigée pour cet appareil : la référence du certificat de destruction du recycleur.';
      }
      await show(request, reply.code(error.status), id, { values, errors, message: frenchDetail(error), open });
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

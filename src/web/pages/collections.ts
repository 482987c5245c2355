import type { FastifyInstance, FastifyReply } from 'fastify';
import { today } from '../../clock.js';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { DeviceRow } from '../../db/schema.js';
import { ProblemError } from '../../http/problem.js';
import { WRITERS } from '../../http/roles.js';
import { sendPdf, sendPdfBuffer } from '../../pdf/send.js';
import { createCollectionSchema, listCollectionsQuerySchema } from '../../modules/collections/schemas.js';
import { createCollection, getCollection, listCollections } from '../../modules/collections/service.js';
import { intakeDevices } from '../../modules/devices/intake.js';
import { checkedIntakeSchema, DEVICE_KINDS, DEVICE_STATUSES, MAX_BATCH } from '../../modules/devices/schemas.js';
import { listDevices, toDevice } from '../../modules/devices/service.js';
import { renderErasureCertificate } from '../../modules/donor-documents/erasure-certificate.js';
import { renderCollectionReceipt } from '../../modules/donor-documents/receipt.js';
import { createDonorSchema, DONOR_KINDS, updateDonorSchema } from '../../modules/donors/schemas.js';
import { createDonor, donorEtag, getDonorRow, listDonors, toDonor, updateDonor } from '../../modules/donors/service.js';
import { FORMAT_IDS, FORMATS } from '../../modules/labels/formats.js';
import { createLabelDocument, drawLabels, labelDocumentTitle } from '../../modules/labels/render.js';
import { labelRequestSchema } from '../../modules/labels/schemas.js';
import { prepareLabels } from '../../modules/labels/service.js';
import { frKg } from '../../shared/french.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { formInput } from '../form.js';
import { deviceStatusLabel, fieldErrorsOf, frenchDetail, statusLabel, zodFieldErrors, isFormProblem } from '../messages.js';
import { parseId } from './devices.js';

const DONOR_KIND_FR: Record<string, string> = { company: 'Entreprise', public_body: 'Organisme public', association: 'Association', other: 'Autre' };
const DONOR_FIELDS = ['name', 'kind', 'siret', 'addressLine', 'postcode', 'city', 'contactName', 'contactEmail', 'contactPhone', 'notes'] as const;
const COLLECTION_FIELDS = ['collectedOn', 'addressLine', 'postcode', 'city', 'notes'] as const;

const collectors = { web: { roles: WRITERS.collections } };

/** What the intake page's script needs of the devices created (also what an idempotent replay sends). */
function intakeSummary(rows: DeviceRow[]) {
  return { items: rows.map(toDevice).map((d) => ({ id: d.id, assetTag: d.assetTag, serialNumber: d.serialNumber })) };
}

export async function collectionPages(app: FastifyInstance) {
  const donorList = async (query: Record<string, unknown>) => {
    const q = typeof query.q === 'string' && query.q.trim() ? query.q.trim().slice(0, 100) : undefined;
    return { q, page: await listDonors(app.db, { q, limit: 50, cursor: typeof query.cursor === 'string' ? query.cursor.slice(0, 200) : undefined }) };
  };
  const donorKinds = DONOR_KINDS.map((k) => [k, DONOR_KIND_FR[k]]);
  /** A serial number the scanner did not know, carried from page to page until the intake grid. */
  const serialOf = (query: unknown) => {
    const raw = (query as Record<string, unknown>).serie;
    return typeof raw === 'string' && /^[\x21-\x7e]{1,100}$/.test(raw.trim()) ? raw.trim() : undefined;
  };

  app.get('/donateurs', { config: collectors }, async (request, reply) => {
    const { q, page } = await donorList(request.query as Record<string, unknown>);
    return reply.page('donors', { title: 'Donateurs', q, donors: page.items, nextCursor: page.nextCursor, donorKinds, values: { kind: 'company' }, serial: serialOf(request.query), scripts: ['siret.js'] });
  });

  app.post('/donateurs', { config: collectors }, async (request, reply) => {
    const values = formInput(request.body, DONOR_FIELDS);
    const parsed = createDonorSchema.safeParse(values);
    const fail = async (status: number, errors: Record<string, string>, message?: string) => {
      const { q, page } = await donorList({});
      return reply.code(status).page('donors', { title: 'Donateurs', q, donors: page.items, donorKinds, values, errors, message, scripts: ['siret.js'] });
    };
    if (!parsed.success) return fail(422, zodFieldErrors(parsed.error));
    try {
      const donor = await createDonor(app.db, parsed.data);
      return reply.redirect(`/donateurs/${donor.id}`, 303);
    } catch (error) {
      if (isFormProblem(error, { notFound: 'form' })) return fail(error.status, fieldErrorsOf(error.errors), frenchDetail(error));
      throw error;
    }
  });

  /** A donor's page: identity, contact, collections, the edit form (with what was typed after a refusal). */
  async function showDonor(reply: FastifyReply, id: string, extra: { values?: Record<string, unknown>; errors?: Record<string, string>; edit?: { values: Record<string, unknown>; errors?: Record<string, string>; message?: string; etag?: string }; serial?: string; saved?: boolean } = {}) {
    const [row, collections] = await Promise.all([getDonorRow(app.db, id), listCollections(app.db, { donorId: id, limit: 100 })]);
    const donor = toDonor(row);
    return reply.page('donor', {
      title: donor.name,
      donor,
      etag: extra.edit?.etag ?? donorEtag(row),
      collections: collections.items,
      kindLabel: (k: string) => DONOR_KIND_FR[k] ?? k,
      donorKinds,
      values: extra.values ?? { collectedOn: today() },
      errors: extra.errors,
      edit: extra.edit,
      serial: extra.serial,
      saved: extra.saved,
      scripts: ['siret.js'],
    });
  }

  app.get('/donateurs/:id', { config: collectors }, async (request, reply) => {
    const { id } = parseId(request.params);
    return showDonor(reply, id, { serial: serialOf(request.query), saved: (request.query as Record<string, unknown>).modifie === '1' });
  });

  // The API's PATCH in a form: every field sent (a cleared one as null), with the ETag read.
  app.post('/donateurs/:id/modifier', { config: collectors }, async (request, reply) => {
    const { id } = parseId(request.params);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = formInput(body, DONOR_FIELDS);
    const typed = Object.fromEntries(DONOR_FIELDS.map((f) => [f, typeof body[f] === 'string' ? body[f] : '']));
    const etag = typeof body.etag === 'string' ? body.etag.slice(0, 200) : undefined;
    const patch = { ...Object.fromEntries(DONOR_FIELDS.map((f) => [f, values[f] ?? null])), name: values.name ?? '', kind: values.kind ?? '' };
    const parsed = updateDonorSchema.safeParse(patch);
    if (!parsed.success) return showDonor(reply.code(422), id, { edit: { values: typed, errors: zodFieldErrors(parsed.error), etag } });
    try {
      await updateDonor(app.db, id, parsed.data, etag);
    } catch (error) {
      if (!isFormProblem(error, { notFound: 'page' })) throw error;
      if (error.status === 412) {
        // Saving again after reading the new version is a deliberate overwrite: the form carries the new ETag.
        const message = 'Ce donateur a été modifié entre-temps par quelqu’un d’autre. Vos saisies sont conservées ci-dessous : vérifiez la fiche à jour, puis enregistrez à nouveau.';
        return showDonor(reply.code(412), id, { edit: { values: typed, message } });
      }
      return showDonor(reply.code(error.status), id, { edit: { values: typed, errors: fieldErrorsOf(error.errors), message: frenchDetail(error), etag } });
    }
    return reply.redirect(`/donateurs/${id}?modifie=1`, 303);
  });

  app.post('/donateurs/:id/collectes', { config: collectors }, async (request, reply) => {
    const { id } = parseId(request.params);
    const values = formInput(request.body, COLLECTION_FIELDS);
    const parsed = createCollectionSchema.safeParse({ ...values, donorId: id });
    if (!parsed.success) return showDonor(reply.code(422), id, { values, errors: zodFieldErrors(parsed.error) });
    try {
      const collection = await createCollection(app.db, parsed.data, request.actor);
      return reply.redirect(`/collectes/${collection.id}/saisie`, 303);
    } catch (error) {
      // A date after today: said next to the field, with what was typed.
      if (!isFormProblem(error, { notFound: 'page' })) throw error;
      return showDonor(reply.code(error.status), id, { values, errors: fieldErrorsOf(error.errors) });
    }
  });

  // Every collection, newest first, searched by donor, dates and the status of its devices.
  app.get('/collectes', { config: collectors }, async (request, reply) => {
    const filters = formInput(request.query, ['q', 'from', 'to', 'deviceStatus']);
    const parsed = listCollectionsQuerySchema.safeParse({ ...filters, ...formInput(request.query, ['cursor']), limit: 50, order: 'newest' });
    const page = parsed.success ? await listCollections(app.db, parsed.data) : { items: [], nextCursor: null };
    const next = page.nextCursor ? `/collectes?${new URLSearchParams({ ...(filters as Record<string, string>), cursor: page.nextCursor })}` : undefined;
    return reply.code(parsed.success ? 200 : 400).page('collections', {
      title: 'Collectes',
      values: filters,
      errors: parsed.success ? undefined : zodFieldErrors(parsed.error),
      filtered: Object.keys(filters).length > 0,
      collections: page.items,
      next,
      statuses: [['', 'Tous'], ...DEVICE_STATUSES.map((st) => [st, statusLabel(st)])],
      frDate,
      frKg,
    });
  });

  app.get('/collectes/:id', { config: collectors }, async (request, reply) => {
    const { id } = parseId(request.params);
    const [collection, devices] = await Promise.all([getCollection(app.db, id), listDevices(app.db, { collectionId: id, limit: 500 })]);
    return reply.page('collection', { title: `Collecte du ${frDate(collection.collectedOn)}`, collection, devices: devices.items, frDate, kindLabel: kindLabelFr, statusLabel, deviceStatusLabel });
  });

  app.get('/collectes/:id/recu.pdf', { config: collectors }, async (request, reply) => {
    const { id } = parseId(request.params);
    const { bytes, filename } = await renderCollectionReceipt(app.db, id);
    return sendPdfBuffer(reply, bytes, filename);
  });

  app.get('/collectes/:id/certificat.pdf', { config: collectors }, async (request, reply) => {
    const { id } = parseId(request.params);
    const { bytes, filename } = await renderErasureCertificate(app.db, id);
    return sendPdfBuffer(reply, bytes, filename);
  });

  // Saisie rapide: the grid sends one batch as JSON with an Idempotency-Key, so a double
  // click or a resent request creates nothing twice.
  app.get('/collectes/:id/saisie', { config: { web: { roles: WRITERS.intake } } }, async (request, reply) => {
    const { id } = parseId(request.params);
    const collection = await getCollection(app.db, id);
    return reply.page('intake', {
      title: 'Saisie rapide',
      collection,
      frDate,
      kinds: DEVICE_KINDS.map((k) => [k, kindLabelFr(k)]),
      formats: FORMAT_IDS.map((f) => [f, FORMATS[f].name]),
      maxBatch: MAX_BATCH,
      idempotencyKey: randomUUID(),
      serial: serialOf(request.query),
      scripts: ['intake.js'],
    });
  });

  app.post('/collectes/:id/saisie', { config: { web: { roles: WRITERS.intake }, idempotent: { status: 201, body: intakeSummary } } }, async (request, reply) => {
    const { id } = parseId(request.params);
    const parsed = z.array(checkedIntakeSchema).min(1).max(MAX_BATCH).safeParse(request.body);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({ line: Number(i.path[0]) + 1, field: String(i.path[1] ?? ''), message: zodFieldErrors(new z.ZodError([i]))[i.path.join('.')] }));
      return reply.code(422).send({ message: 'Certaines lignes sont invalides.', errors });
    }
    try {
      const rows = await intakeDevices(app.db, id, parsed.data, request.actor, app.config.assetTagPrefix);
      return reply.code(201).send(intakeSummary(rows));
    } catch (error) {
      if (error instanceof ProblemError && error.status < 500) {
        const serial = (error.extra as { serialNumber?: string }).serialNumber;
        return reply.code(error.status).send({ message: frenchDetail(error), serialNumber: serial ?? null });
      }
      throw error;
    }
  });

  app.get('/collectes/:id/etiquettes.pdf', { config: { web: { roles: WRITERS.labels } } }, async (request, reply) => {
    const { id } = parseId(request.params);
    const query = request.query as Record<string, unknown>;
    const tags = typeof query.tags === 'string' ? query.tags.split(',').filter(Boolean) : undefined;
    const parsed = labelRequestSchema.safeParse({
      ...(tags ? { assetTags: tags } : { collectionId: id }),
      ...formInput(query, ['format', 'startPosition'], ['startPosition']),
    });
    if (!parsed.success) throw new ProblemError(400, 'Bad label request');
    const job = await prepareLabels(app.db, app.config.publicUrl, parsed.data, app.config.limits.labelsMax);
    const doc = createLabelDocument(job.format, labelDocumentTitle(job.count));
    return sendPdf(reply, doc, job.filename, () => drawLabels(doc, job.format, job.contents, job));
  });
}

export const frDate = (date: string) => date.split('-').reverse().join('/');

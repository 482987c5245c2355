import type { FastifyInstance, FastifyReply } from 'fastify';
import { today } from '../../clock.js';
import { ProblemError, type FieldError } from '../../http/problem.js';
import { WRITERS } from '../../http/roles.js';
import { createDeliverySchema } from '../../modules/deliveries/schemas.js';
import { createDelivery, getDelivery, listDeliveries } from '../../modules/deliveries/service.js';
import { DEVICE_KINDS, GRADES, normaliseSerial } from '../../modules/devices/schemas.js';
import { ERASURE_METHODS } from '../../modules/erasure/schemas.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import type { Db } from '../../db/connection.js';
import { resolveCodes } from '../../modules/shipments/items.js';
import { formInput, parisInstant } from '../form.js';
import { deviceStatusLabel, erasureMethodLabel, frenchDetail, frenchField, type FieldErrors, isFormProblem } from '../messages.js';
import { parseId } from './devices.js';

const receivers = { web: { roles: WRITERS.deliveries } };
const DELIVERY_FIELDS = ['reference', 'receivedOn', 'notes', 'codes', 'returnGrade', 'method', 'tool', 'performedAt', 'operator', 'result', 'verification'] as const;
/** One line of the new units' grid: the intake shape's fields a delivery note gives. */
const UNIT_FIELDS = ['kind', 'brand', 'model', 'serialNumber', 'grade', 'weightKg'] as const;
const FIRST_LINES = 3;
const MORE_LINES = 3;
const MAX_LINES = 60;

/**
 * Réceptions: units coming back from the reconditioner, scanned one per line, and new units
 * TRIRA brings (one grid line each), with the reconditioner's erasure attestation for every
 * unit of the delivery. The service checks every code, line and attestation; nothing is
 * recorded unless all of it is right.
 */
export async function deliveryPages(app: FastifyInstance) {
  const form = (reply: FastifyReply, extra: { values?: Record<string, unknown>; errors?: FieldErrors; lines?: number } = {}) =>
    reply.page('reception', {
      title: 'Nouvelle réception',
      methods: [['', 'Aucune attestation'], ...ERASURE_METHODS.map((m) => [m, erasureMethodLabel(m)])],
      results: [['passed', 'Réussi'], ['failed', 'Échoué']],
      kinds: [['', '—'], ...DEVICE_KINDS.map((k) => [k, kindLabelFr(k)])],
      grades: [['', '—'], ...GRADES.map((g) => [g, g === 'parts' ? 'Pièces' : g])],
      lines: extra.lines ?? FIRST_LINES,
      errors: extra.errors,
      values: { receivedOn: today(), ...extra.values },
    });

  // Past deliveries, newest first, each linking to its page.
  app.get('/receptions', { config: receivers }, async (request, reply) => {
    const raw = (request.query as Record<string, unknown>).cursor;
    const cursor = typeof raw === 'string' && raw.length <= 200 ? raw : undefined;
    const page = await listDeliveries(app.db, 50, cursor, 'newest');
    return reply.page('deliveries', {
      title: 'Réceptions',
      deliveries: page.items,
      next: page.nextCursor ? `/receptions?${new URLSearchParams({ cursor: page.nextCursor })}` : undefined,
    });
  });

  app.get('/receptions/nouvelle', { config: receivers }, async (request, reply) => {
    // From a device page ("Enregistrer sa réception"): its code is the first line.
    const code = (request.query as Record<string, unknown>).code;
    return form(reply, { values: typeof code === 'string' && /^[\x21-\x7e]{1,100}$/.test(code) ? { codes: `${code}\n` } : {} });
  });

  app.post('/receptions/nouvelle', { config: receivers }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = formInput(body, DELIVERY_FIELDS);
    const lines = Math.min(MAX_LINES, Math.max(FIRST_LINES, Number(body.lines) || FIRST_LINES));
    // Typed back as they were, with every line of the grid.
    const typed = { ...values, ...formInput(body, Array.from({ length: lines }, (_, i) => UNIT_FIELDS.map((f) => `${f}_${i}`)).flat()) };
    if (body.more !== undefined) return form(reply, { values: typed, lines: Math.min(MAX_LINES, lines + MORE_LINES) });

    const codes = String(values.codes ?? '').split(/\r?\n/).map((c) => c.trim()).filter(Boolean).slice(0, 500);
    // Lines left blank are not units; a line's number stays its place in the grid.
    const units = Array.from({ length: lines }, (_, line) => ({ line, unit: formInput(body, UNIT_FIELDS.map((f) => `${f}_${line}`), [`weightKg_${line}`]) }))
      .filter(({ unit }) => Object.keys(unit).length > 0)
      .map(({ line, unit }) => ({ line, unit: Object.fromEntries(Object.entries(unit).map(([key, value]) => [key.replace(/_\d+$/, ''), value])) }));
    const erasure = values.method
      ? { method: values.method, tool: values.tool, operator: values.operator, result: values.result, verification: values.verification, performedAt: parisInstant(values.performedAt) }
      : undefined;
    const items = [
      ...codes.map((code) => ({ code, ...(values.returnGrade ? { grade: values.returnGrade } : {}), ...(erasure ? { erasure } : {}) })),
      ...units.map(({ unit }) => ({ ...unit, ...(erasure ? { erasure } : {}) })),
    ];
    if (!items.length) return form(reply.code(422), { values: typed, lines, errors: { codes: 'Scannez au moins un appareil qui revient, ou décrivez un nouvel appareil.' } });

    // Where a refusal about item N belongs: the codes box, the attestation, or a grid cell.
    const placeOf = (path: string): string => {
      const match = /^items\.(\d+)(?:\.(\w+))?(?:\.(\w+))?/.exec(path);
      if (!match) return path;
      const [, index, field, sub] = match;
      if (field === 'erasure') return sub ?? 'method';
      if (Number(index) < codes.length) return field === 'grade' ? 'returnGrade' : 'codes';
      return `${field === 'specs' ? 'kind' : (field ?? 'kind')}_${units[Number(index) - codes.length].line}`;
    };
    const parsed = createDeliverySchema.safeParse({ reference: values.reference, receivedOn: values.receivedOn, notes: values.notes, items });
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) errors[placeOf(issue.path.join('.'))] ??= frenchField(issue.message);
      return form(reply.code(422), { values: typed, lines, errors: unionErrors(errors, parsed.error.issues, placeOf) });
    }
    try {
      const delivery = await createDelivery(app.db, parsed.data, request.actor, app.config.assetTagPrefix);
      return reply.redirect(`/receptions/${delivery.id}`, 303);
    } catch (error) {
      if (!isFormProblem(error, { notFound: 'form' })) throw error;
      return form(reply.code(error.status), { values: typed, lines, errors: await refusalErrors(app.db, error, codes, units, placeOf) });
    }
  });

  app.get('/receptions/:id', { config: receivers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const delivery = await getDelivery(app.db.kysely, id);
    return reply.page('delivery', { title: `Réception ${delivery.reference}`, delivery, kindLabel: kindLabelFr, deviceStatusLabel });
  });
}

/**
 * An item is either a returning unit or a new one (a union): zod reports a bad new unit as a
 * failed union, its own issues nested. The new-unit branch's are the ones to show.
 */
function unionErrors(errors: FieldErrors, issues: { code: string; path: PropertyKey[]; message: string; errors?: unknown }[], placeOf: (path: string) => string): FieldErrors {
  for (const issue of issues) {
    if (issue.code !== 'invalid_union' || !Array.isArray(issue.errors)) continue;
    const branch = (issue.errors as { path: PropertyKey[]; message: string }[][]).find((list) => !list.some((i) => i.path[0] === 'code')) ?? [];
    const place = placeOf(issue.path.join('.'));
    delete errors[place];
    for (const nested of branch) errors[placeOf([...issue.path, ...nested.path].join('.'))] ??= frenchField(nested.message);
  }
  return errors;
}

/**
 * The service's refusal, each reason next to its field: codes named by line (with the asset
 * tag, not the label URL that was scanned), a grid line by its cell, the attestation's fields.
 */
async function refusalErrors(db: Db, error: ProblemError, codes: string[], units: { line: number; unit: Record<string, unknown> }[], placeOf: (path: string) => string): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const codeLines: string[] = [];
  // A serial number already registered (or twice in the grid): next to each line that holds it.
  const serial = (error.extra as { serialNumber?: string }).serialNumber;
  for (const { line, unit } of units) {
    if (serial && typeof unit.serialNumber === 'string' && normaliseSerial(unit.serialNumber) === serial) errors[`serialNumber_${line}`] = frenchDetail(error);
  }
  if (serial) return errors;
  const refused = (error.errors ?? []) as FieldError[];
  const indexOf = (e: FieldError) => Number(/^items\.(\d+)/.exec(e.path)?.[1]);
  const resolved = await resolveCodes(db, [...new Set(refused.map(indexOf).filter((i) => i < codes.length).map((i) => codes[i]))]);
  const nameOf = (index: number) => resolved.get(codes[index])?.asset_tag ?? codes[index];
  const unerased: string[] = [];
  for (const e of refused) {
    const index = indexOf(e);
    const place = placeOf(e.path);
    if (e.path.endsWith('.erasure')) {
      if (index < codes.length) {
        unerased.push(nameOf(index));
      } else {
        const line = units[index - codes.length].line;
        unerased.push(`nouvel appareil de la ligne ${line + 1}`);
        errors[`kind_${line}`] ??= `Ligne ${line + 1} : il faut l’attestation d’effacement du reconditionneur (Purge ou destruction réussie).`;
      }
    } else if (place === 'codes') {
      const why = /appears twice/.test(e.message) ? 'en double' : /no device/.test(e.message) ? 'inconnu' : 'refusé';
      codeLines.push(`ligne ${index + 1} (${nameOf(index)}) : ${why}`);
    } else {
      errors[place] ??= frenchField(e.message);
    }
  }
  if (unerased.length) errors.method = `Effacement manquant ou insuffisant (${unerased.join(', ')}) : il faut l’attestation d’une Purge ou d’une destruction réussie.`;
  if (codeLines.length) errors.codes = `Codes refusés, rien n’a été enregistré : ${codeLines.join(' ; ')}.`;
  if (!Object.keys(errors).length) errors.codes = frenchDetail(error);
  return errors;
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { nowIso, today } from '../../clock.js';
import { ProblemError } from '../../http/problem.js';
import { TRAINING_READERS, WRITERS } from '../../http/roles.js';
import { sendPdfBuffer } from '../../pdf/send.js';
import { seesEverything, viewOf } from '../../modules/training/access.js';
import { getAttendance, saveAttendance } from '../../modules/training/attendance.js';
import { listBeneficiaries } from '../../modules/beneficiaries/service.js';
import { createCycle, createPartner, getCycle, listCycles, listPartners, trainerChoices } from '../../modules/training/cycles.js';
import { enrol, getEnrolment, listEnrolments, overrideCompletion, removeOverride, withdraw } from '../../modules/training/enrolments.js';
import { cycleReview, recordEvaluation } from '../../modules/training/evaluations.js';
import {
  attendanceInputSchema,
  ATTENDANCE_STATUSES,
  completionOverrideSchema,
  createCycleSchema,
  createPartnerSchema,
  createSessionSchema,
  enrolSchema,
  evaluationInputSchema,
  SKILL_LABELS,
  SKILLS,
  withdrawSchema,
  type CompletionRule,
  type Enrolment,
} from '../../modules/training/schemas.js';
import { createSession, listSessions } from '../../modules/training/sessions.js';
import { frLongDate as frDay, renderAttendanceSheet, sheetFacts } from '../../modules/training/sheet.js';
import { agree, count, de, frLongDate, frTime } from '../../shared/french.js';
import { formInput } from '../form.js';
import { frenchDetail, zodFieldErrors, type FieldErrors, isFormProblem } from '../messages.js';
import { allowed } from '../roles.js';
import { SMALL_COUNT } from '../../modules/reports/figures/neighbourhoods.js';
import { parseId } from './devices.js';

const readers = { web: { roles: TRAINING_READERS } };
const planners = { web: { roles: WRITERS.training } };
const markers = { web: { roles: WRITERS.attendance } };
const admins = { web: { roles: WRITERS.admin } };

/** The 1–4 scale of the self-assessments, as the person reads it. */
export const LEVELS_FR = ['Pas du tout', 'Un peu, avec de l’aide', 'Seul, avec quelques hésitations', 'Seul, avec aisance'] as const;
const MOMENT_PATH = { debut: 'start', fin: 'end' } as const;
const MOMENT_FR = { start: 'de début de cycle', end: 'de fin de cycle' } as const;

/** A form's text field, trimmed; '' when absent. */
const field = (body: unknown, name: string, max = 600) => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
};

export const ATTENDANCE_FR = { present: 'Présent', absent: 'Absent', excused: 'Excusé' } as const;
const ENROLMENT_FR = { enrolled: 'Inscrit', waiting: 'En attente', withdrawn: 'Désisté' } as const;

const ruleFr = (rule: CompletionRule) =>
  rule.kind === 'sessions' ? `au moins ${count(rule.minSessions, 'séance')} suivie${rule.minSessions > 1 ? 's' : ''}` : `au moins ${rule.minPercent} % des heures prévues`;
const personName = (p: { firstName: string | null; lastName: string | null; beneficiaryReference: string }) =>
  p.lastName || p.firstName ? [p.firstName, p.lastName].filter(Boolean).join(' ') : p.beneficiaryReference;

const SESSION_FIELDS_FR: Record<string, string> = { date: 'date', startTime: 'début', endTime: 'fin', place: 'lieu', theme: 'thème', trainer: 'formateur' };

const CYCLE_FIELDS_FR: Record<string, string> = {
  title: 'Intitulé',
  organiserId: 'Organisé par',
  place: 'Lieu',
  capacity: 'Places',
  startsOn: 'Début',
  endsOn: 'Fin',
  minSessions: 'Séances à suivre',
  trainerIds: 'Formateurs',
  notes: 'Remarques',
};

/** Each message names its field (the summary lists them apart from the form); a blank field is "à remplir". */
const named = (errors: FieldErrors, values: Record<string, unknown>): FieldErrors =>
  Object.fromEntries(
    Object.entries(errors).map(([field, message]) => [field, `${CYCLE_FIELDS_FR[field] ?? field} : ${values[field] === undefined && field in CYCLE_FIELDS_FR && field !== 'trainerIds' ? 'à remplir.' : message.charAt(0).toLowerCase() + message.slice(1)}`]),
  );

/** The rule's one form field stands for `completionRule.minSessions`. */
const renameRule = (errors: FieldErrors): FieldErrors =>
  Object.fromEntries(Object.entries(errors).map(([path, message]) => [path.startsWith('completionRule') ? 'minSessions' : path.startsWith('trainerIds') ? 'trainerIds' : path, message]));

function problemFields(error: ProblemError): FieldErrors {
  const fields = Object.fromEntries((error.errors ?? []).map((e) => [e.path, frenchDetail(error)]));
  return Object.keys(fields).length ? fields : { title: frenchDetail(error) };
}

const wantsJson = (request: FastifyRequest) => request.headers['content-type']?.startsWith('application/json') === true;

/**
 * Formations: the cycles a person may see (a trainer, only those they are assigned to), a
 * cycle's sessions and people, and a session's attendance, tapped on a phone. Every rule —
 * who sees names, who may record — is the training service's, as for the API.
 */
export async function trainingPages(app: FastifyInstance) {
  const cyclesPage = async (request: FastifyRequest, reply: FastifyReply, extra: { values?: Record<string, unknown>; errors?: FieldErrors; status?: number } = {}) => {
    const page = await listCycles(app.db, { limit: 200 }, request.actor);
    const canPlan = allowed(request.actor.role, WRITERS.training);
    return reply.code(extra.status ?? 200).page('training-cycles', {
      title: 'Formations',
      styles: ['training.css'],
      cycles: page.items,
      frLongDate,
      isTrainer: request.actor.role === 'trainer',
      canPlan,
      partners: canPlan ? await listPartners(app.db) : [],
      trainers: canPlan ? await trainerChoices(app.db) : [],
      values: { capacity: '10', minSessions: '8', ...extra.values },
      ticked: new Set([extra.values?.trainerIds ?? []].flat()),
      errors: extra.errors ?? {},
    });
  };

  app.get('/formations', { config: readers }, async (request, reply) => cyclesPage(request, reply));

  app.post('/formations/organismes', { config: planners }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const parsed = createPartnerSchema.safeParse(formInput(body, ['name']));
    if (!parsed.success) return cyclesPage(request, reply, { errors: { partnerName: zodFieldErrors(parsed.error).name ?? 'Nom invalide' }, status: 422 });
    try {
      await createPartner(app.db, parsed.data.name);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 409) return cyclesPage(request, reply, { errors: { partnerName: 'Cet organisme existe déjà.' }, status: 409 });
      throw error;
    }
    return reply.redirect('/formations#nouveau-cycle', 303);
  });

  app.post('/formations', { config: planners }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = formInput(body, ['title', 'organiserId', 'place', 'capacity', 'startsOn', 'endsOn', 'minSessions', 'notes'], ['capacity', 'minSessions']);
    const trainerIds = [body.trainerIds ?? []].flat().filter((t): t is string => typeof t === 'string');
    const { minSessions, ...rest } = values;
    const parsed = createCycleSchema.safeParse({ ...rest, completionRule: { kind: 'sessions', minSessions }, trainerIds });
    const again = (errors: FieldErrors, status: number) => cyclesPage(request, reply, { values: { ...body, trainerIds }, errors, status });
    if (!parsed.success) return again(named(renameRule(zodFieldErrors(parsed.error)), values), 422);
    try {
      const cycle = await createCycle(app.db, parsed.data, request.actor);
      return reply.redirect(`/formations/${cycle.id}`, 303);
    } catch (error) {
      if (isFormProblem(error, { notFound: 'form' })) return again(renameRule(problemFields(error)), error.status);
      throw error;
    }
  });

  app.get('/formations/:id', { config: readers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const cycle = await getCycle(app.db, id, request.actor);
    const view = await viewOf(app.db.kysely, id, request.actor);
    const [sessions, enrolments] = await Promise.all([listSessions(app.db, id, request.actor), listEnrolments(app.db, id, { limit: 500 }, request.actor)]);
    const canPlan = allowed(request.actor.role, WRITERS.training);
    const query = request.query as Record<string, unknown>;
    const q = canPlan && typeof query.q === 'string' ? query.q.trim().slice(0, 100) : '';
    const taken = new Set(enrolments.items.filter((e) => e.status !== 'withdrawn').map((e) => e.beneficiaryId));
    const candidates = q ? (await listBeneficiaries(app.db, { q, limit: 20 })).items.filter((b) => !b.anonymisedAt && !taken.has(b.id)) : [];
    const trainers = canPlan ? new Map((await trainerChoices(app.db)).map((t) => [t.id, t.name])) : new Map<string, string>();
    const byId = new Map(enrolments.items.map((e) => [e.id, e]));
    const pick = (key: string) => (typeof query[key] === 'string' ? byId.get(query[key]) : undefined);
    const newPerson = typeof query.nouvelle === 'string' ? candidates.find((b) => b.id === query.nouvelle) : undefined;
    return reply.page('training-cycle', {
      newPerson,
      canRegister: allowed(request.actor.role, WRITERS.beneficiaries),
      withdrawnFlash: pick('desiste'),
      promotedFlash: pick('promu'),
      overrideFlash: pick('validee'),
      isAdmin: request.actor.role === 'admin',
      styles: ['training.css'],
      canPlan,
      q,
      candidates,
      trainerNames: cycle.trainerIds.map((t) => trainers.get(t) ?? t),
      title: cycle.title,
      cycle,
      sessions: sessions.items,
      enrolled: enrolments.items.filter((e) => e.status === 'enrolled'),
      waiting: enrolments.items.filter((e) => e.status === 'waiting'),
      withdrawn: enrolments.items.filter((e) => e.status === 'withdrawn'),
      names: view !== 'references',
      canMark: view !== 'references' && allowed(request.actor.role, WRITERS.attendance),
      full: seesEverything(request.actor),
      rule: ruleFr(cycle.completionRule),
      enrolmentFr: ENROLMENT_FR,
      personName,
      count,
      frLongDate,
      frDay,
      frTime,
      de,
    });
  });

  app.post('/formations/:id/seances', { config: planners }, async (request, reply) => {
    const { id } = parseId(request.params);
    const values = formInput(request.body, ['date', 'startTime', 'endTime', 'place', 'theme', 'trainer']);
    const parsed = createSessionSchema.safeParse(values);
    const errors = parsed.success ? undefined : zodFieldErrors(parsed.error);
    if (parsed.success) {
      try {
        await createSession(app.db, id, parsed.data);
        return reply.redirect(`/formations/${id}#seances`, 303);
      } catch (error) {
        if (!isFormProblem(error, { notFound: 'page' })) throw error;
        throw new ProblemError(error.status, frenchDetail(error));
      }
    }
    throw new ProblemError(422, `Séance refusée : ${Object.entries(errors ?? {}).map(([field, message]) => `${SESSION_FIELDS_FR[field] ?? field} : ${message}`).join(' ; ')}`);
  });

  app.post('/formations/:id/inscriptions', { config: planners }, async (request, reply) => {
    const { id } = parseId(request.params);
    const parsed = enrolSchema.safeParse(formInput(request.body, ['beneficiaryId']));
    if (!parsed.success) throw new ProblemError(400, 'Choose a person to enrol');
    await enrol(app.db, id, parsed.data, request.actor);
    return reply.redirect(`/formations/${id}#inscrits`, 303);
  });

  app.get('/formations/seances/:id/presences', { config: markers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const attendance = await getAttendance(app.db, id, request.actor);
    const cycle = await getCycle(app.db, attendance.session.cycleId, request.actor);
    const tally = Object.fromEntries(ATTENDANCE_STATUSES.map((s) => [s, attendance.items.filter((p) => p.status === s).length]));
    return reply.page('training-attendance', {
      title: `Présences du ${frDay(attendance.session.date)}`,
      scripts: ['attendance.js'],
      styles: ['training.css'],
      session: attendance.session,
      upcoming: attendance.session.date > today(),
      user: request.actor.keyId,
      // The server's time when the page was sent: the script stamps taps on the server's clock.
      now: nowIso(),
      people: attendance.items,
      tally,
      cycle,
      statuses: ATTENDANCE_STATUSES,
      statusFr: ATTENDANCE_FR,
      agree,
      personName,
      frDay,
      frTime,
    });
  });

  /**
   * One tap, or the queue of taps a phone kept while offline. A form (no JavaScript) carries one
   * person and comes back to the list; the script sends JSON `{ records }` and gets the states
   * back. Recording a status a person already has changes nothing, so a re-sent tap counts once.
   */
  app.post('/formations/seances/:id/presences', { config: markers }, async (request, reply) => {
    const { id } = parseId(request.params);
    if (wantsJson(request)) {
      const parsed = attendanceInputSchema.safeParse(request.body);
      if (!parsed.success) return reply.code(422).send({ title: 'Pointage invalide' });
      const saved = await saveAttendance(app.db, id, parsed.data, request.actor);
      const sent = new Set(parsed.data.records.map((r) => r.enrolmentId));
      // A superseded tap (older than a mark tapped since on another device) comes back with the kept mark.
      const superseded = new Set(saved.superseded);
      return reply.header('Cache-Control', 'no-store').send({
        items: saved.items.filter((p) => sent.has(p.enrolmentId)).map((p) => ({ enrolmentId: p.enrolmentId, status: p.status, recordedAt: p.recordedAt, superseded: superseded.has(p.enrolmentId) })),
      });
    }
    const values = formInput((request.body ?? {}) as Record<string, unknown>, ['enrolmentId', 'status']);
    const parsed = attendanceInputSchema.safeParse({ records: [{ enrolmentId: values.enrolmentId, status: values.status ?? null }] });
    if (!parsed.success) throw new ProblemError(400, 'Choose present, absent or excused for a person of this session');
    try {
      await saveAttendance(app.db, id, parsed.data, request.actor);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 422) throw new ProblemError(422, frenchDetail(error));
      throw error;
    }
    return reply.redirect(`/formations/seances/${id}/presences#p-${parsed.data.records[0].enrolmentId}`, 303);
  });

  app.get('/formations/seances/:id/emargement.pdf', { config: markers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const facts = await sheetFacts(app.db, id, request.actor);
    return sendPdfBuffer(reply, await renderAttendanceSheet(facts), `emargement-${facts.date}.pdf`);
  });


  // ---- withdrawal: a page of its own is the confirmation, with the reason ----

  const withdrawalPage = async (request: FastifyRequest, reply: FastifyReply, enrolment: Enrolment, extra: { values?: Record<string, string>; errors?: FieldErrors; message?: string; status?: number } = {}) => {
    const cycle = await getCycle(app.db, enrolment.cycleId, request.actor);
    return reply.code(extra.status ?? 200).page('training-withdrawal', {
      title: `Désistement ${de(personName(enrolment))}`,
      styles: ['training.css'],
      cycle,
      enrolment,
      name: personName(enrolment),
      values: { withdrawnOn: today(), ...extra.values },
      errors: extra.errors ?? {},
      message: extra.message,
      statusFr: ENROLMENT_FR,
      frLongDate,
    });
  };

  app.get('/formations/inscriptions/:id/desistement', { config: planners }, async (request, reply) => {
    const { id } = parseId(request.params);
    return withdrawalPage(request, reply, await getEnrolment(app.db, id, request.actor));
  });

  app.post('/formations/inscriptions/:id/desistement', { config: planners }, async (request, reply) => {
    const { id } = parseId(request.params);
    const enrolment = await getEnrolment(app.db, id, request.actor);
    const values = { reason: field(request.body, 'reason'), withdrawnOn: field(request.body, 'withdrawnOn', 20) };
    const parsed = withdrawSchema.safeParse({ reason: values.reason || undefined, withdrawnOn: values.withdrawnOn || undefined });
    const errors: FieldErrors = parsed.success ? {} : zodFieldErrors(parsed.error);
    if (!values.reason) errors.reason = 'Indiquez le motif du désistement.';
    if (errors.withdrawnOn) errors.withdrawnOn = `Date du désistement : ${errors.withdrawnOn.charAt(0).toLowerCase()}${errors.withdrawnOn.slice(1)}`;
    if (!parsed.success || Object.keys(errors).length) return withdrawalPage(request, reply, enrolment, { values, errors, status: 422 });
    try {
      const result = await withdraw(app.db, id, parsed.data);
      const promoted = result.promoted ? `&promu=${result.promoted.id}` : '';
      return reply.redirect(`/formations/${enrolment.cycleId}?desiste=${id}${promoted}#inscrits`, 303);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 409) return withdrawalPage(request, reply, enrolment, { values, message: 'Cette personne est déjà désistée : rien n’a changé.', status: 409 });
      throw error;
    }
  });

  // ---- the admin's completion override ----

  const overridePage = async (request: FastifyRequest, reply: FastifyReply, enrolment: Enrolment, extra: { values?: Record<string, string>; errors?: FieldErrors; message?: string; status?: number } = {}) => {
    const cycle = await getCycle(app.db, enrolment.cycleId, request.actor);
    return reply.code(extra.status ?? 200).page('training-override', {
      title: `Valider le cycle ${de(personName(enrolment))}`,
      styles: ['training.css'],
      cycle,
      enrolment,
      name: personName(enrolment),
      rule: ruleFr(cycle.completionRule),
      values: { completedOn: enrolment.completedOn ?? (cycle.endsOn < today() ? cycle.endsOn : today()), reason: enrolment.overrideReason ?? '', ...extra.values },
      errors: extra.errors ?? {},
      message: extra.message,
      frLongDate,
      count,
    });
  };

  app.get('/formations/inscriptions/:id/validation', { config: admins }, async (request, reply) => {
    const { id } = parseId(request.params);
    return overridePage(request, reply, await getEnrolment(app.db, id, request.actor));
  });

  app.post('/formations/inscriptions/:id/validation', { config: admins }, async (request, reply) => {
    const { id } = parseId(request.params);
    const enrolment = await getEnrolment(app.db, id, request.actor);
    const values = { reason: field(request.body, 'reason'), completedOn: field(request.body, 'completedOn', 20) };
    const parsed = completionOverrideSchema.safeParse({ reason: values.reason || undefined, completedOn: values.completedOn || undefined });
    const errors: FieldErrors = parsed.success ? {} : zodFieldErrors(parsed.error);
    if (!values.reason) errors.reason = 'Indiquez le motif de la dérogation.';
    if (!values.completedOn) errors.completedOn = 'Indiquez la date de validation.';
    else if (values.completedOn > today() && !errors.completedOn) errors.completedOn = 'Cette date est dans le futur.';
    if (!parsed.success || Object.keys(errors).length) return overridePage(request, reply, enrolment, { values, errors, status: 422 });
    try {
      await overrideCompletion(app.db, id, parsed.data, request.actor);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 409) return overridePage(request, reply, enrolment, { values, message: 'Une personne en liste d’attente n’a pas suivi ce cycle : il ne peut pas être validé pour elle.', status: 409 });
      throw error;
    }
    return reply.redirect(`/formations/${enrolment.cycleId}?validee=${id}#inscrits`, 303);
  });

  app.post('/formations/inscriptions/:id/validation/retrait', { config: admins }, async (request, reply) => {
    const { id } = parseId(request.params);
    const enrolment = await getEnrolment(app.db, id, request.actor);
    if (enrolment.completionSource === 'override') await removeOverride(app.db, id, request.actor);
    return reply.redirect(`/formations/${enrolment.cycleId}#inscrits`, 303);
  });

  // ---- self-assessments and the cycle's review ("évaluations et bilans") ----

  const evaluationPage = async (request: FastifyRequest, reply: FastifyReply, enrolment: Enrolment, moment: 'start' | 'end', extra: { chosen?: Record<string, number>; errors?: FieldErrors; message?: string; status?: number } = {}) => {
    const cycle = await getCycle(app.db, enrolment.cycleId, request.actor);
    let chosen = extra.chosen;
    if (!chosen) {
      const review = await cycleReview(app.db, enrolment.cycleId, request.actor);
      chosen = (review.answers?.find((a) => a.enrolmentId === enrolment.id)?.[moment] ?? {}) as Record<string, number>;
    }
    return reply.code(extra.status ?? 200).page('training-evaluation', {
      title: `Auto-évaluation ${MOMENT_FR[moment]} ${de(personName(enrolment))}`,
      styles: ['training.css'],
      cycle,
      enrolment,
      name: personName(enrolment),
      moment,
      momentPath: moment === 'start' ? 'debut' : 'fin',
      momentFr: MOMENT_FR[moment],
      skills: SKILLS.map((skill) => ({ skill, label: SKILL_LABELS[skill] })),
      levels: LEVELS_FR,
      chosen,
      errors: extra.errors ?? {},
      message: extra.message,
    });
  };

  const momentOf = (params: unknown) => {
    const moment = MOMENT_PATH[(params as { moment?: string }).moment as keyof typeof MOMENT_PATH];
    if (!moment) throw new ProblemError(404, 'Évaluation introuvable : début ou fin de cycle');
    return moment;
  };

  app.get('/formations/inscriptions/:id/evaluation/:moment', { config: planners }, async (request, reply) => {
    const { id } = parseId(request.params);
    return evaluationPage(request, reply, await getEnrolment(app.db, id, request.actor), momentOf(request.params));
  });

  app.post('/formations/inscriptions/:id/evaluation/:moment', { config: planners }, async (request, reply) => {
    const { id } = parseId(request.params);
    const moment = momentOf(request.params);
    const enrolment = await getEnrolment(app.db, id, request.actor);
    const chosen: Record<string, number> = {};
    const errors: FieldErrors = {};
    for (const skill of SKILLS) {
      const level = Number(field(request.body, skill, 2));
      if (Number.isInteger(level) && level >= 1 && level <= 4) chosen[skill] = level;
      else errors[`${skill}-1`] = `Choisissez un niveau pour « ${SKILL_LABELS[skill]} ».`;
    }
    const parsed = evaluationInputSchema.safeParse(chosen);
    if (!parsed.success || Object.keys(errors).length) return evaluationPage(request, reply, enrolment, moment, { chosen, errors, status: 422 });
    try {
      await recordEvaluation(app.db, id, moment, parsed.data, request.actor);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 409) return evaluationPage(request, reply, enrolment, moment, { chosen, message: 'Une personne en liste d’attente n’a pas commencé ce cycle : pas d’auto-évaluation pour elle.', status: 409 });
      throw error;
    }
    return reply.redirect(`/formations/${enrolment.cycleId}/bilan?enregistre=${id}&moment=${moment}`, 303);
  });

  app.get('/formations/:id/bilan', { config: readers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const cycle = await getCycle(app.db, id, request.actor);
    const review = await cycleReview(app.db, id, request.actor);
    const enrolments = review.answers ? (await listEnrolments(app.db, id, { limit: 500 }, request.actor)).items : [];
    const names = new Map(enrolments.map((e) => [e.id, personName(e)]));
    const query = request.query as Record<string, unknown>;
    const saved = typeof query.enregistre === 'string' && names.has(query.enregistre) ? names.get(query.enregistre) : undefined;
    const number = (n: number | null, signed = false) => (n === null ? '—' : `${signed && n > 0 ? '+' : ''}${String(n).replace('.', ',').replace('-', '−')}`);
    return reply.page('training-review', {
      title: `Bilan — ${cycle.title}`,
      styles: ['training.css'],
      cycle,
      review,
      names,
      saved,
      savedMoment: query.moment === 'end' ? MOMENT_FR.end : MOMENT_FR.start,
      hidden: review.skills.some((s) => s.startAverage === null && review.startAnswers > 0) || review.skills.some((s) => s.endAverage === null && review.endAnswers > 0),
      smallCount: SMALL_COUNT,
      skills: SKILLS.map((skill) => ({ skill, label: SKILL_LABELS[skill] })),
      number,
      count,
    });
  });
}

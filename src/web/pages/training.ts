import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemError } from '../../http/problem.js';
import { TRAINING_READERS, WRITERS } from '../../http/roles.js';
import { sendPdfBuffer } from '../../pdf/send.js';
import { seesEverything, viewOf } from '../../modules/training/access.js';
import { getAttendance, saveAttendance } from '../../modules/training/attendance.js';
import { getCycle, listCycles } from '../../modules/training/cycles.js';
import { listEnrolments } from '../../modules/training/enrolments.js';
import { attendanceInputSchema, ATTENDANCE_STATUSES, type CompletionRule } from '../../modules/training/schemas.js';
import { listSessions } from '../../modules/training/sessions.js';
import { frLongDate as frDay, renderAttendanceSheet, sheetFacts } from '../../modules/training/sheet.js';
import { count, frLongDate } from '../../shared/french.js';
import { formInput } from '../form.js';
import { allowed } from '../roles.js';
import { parseId } from './devices.js';

const readers = { web: { roles: TRAINING_READERS } };
const markers = { web: { roles: WRITERS.attendance } };

export const ATTENDANCE_FR = { present: 'Présent', absent: 'Absent', excused: 'Excusé' } as const;
const ENROLMENT_FR = { enrolled: 'Inscrit', waiting: 'En attente', withdrawn: 'Désisté' } as const;

const frTime = (t: string) => t.replace(':', ' h ');
const ruleFr = (rule: CompletionRule) =>
  rule.kind === 'sessions' ? `au moins ${count(rule.minSessions, 'séance')} suivie${rule.minSessions > 1 ? 's' : ''}` : `au moins ${rule.minPercent} % des heures prévues`;
const personName = (p: { firstName: string | null; lastName: string | null; beneficiaryReference: string }) =>
  p.lastName || p.firstName ? [p.firstName, p.lastName].filter(Boolean).join(' ') : p.beneficiaryReference;

const wantsJson = (request: FastifyRequest) => request.headers['content-type']?.startsWith('application/json') === true;

/**
 * Formations: the cycles a person may see (a trainer, only those they are assigned to), a
 * cycle's sessions and people, and a session's attendance, tapped on a phone. Every rule —
 * who sees names, who may record — is the training service's, as for the API.
 */
export async function trainingPages(app: FastifyInstance) {
  app.get('/formations', { config: readers }, async (request, reply) => {
    const page = await listCycles(app.db, { limit: 200 }, request.actor);
    return reply.page('training-cycles', { title: 'Formations', cycles: page.items, frLongDate, isTrainer: request.actor.role === 'trainer' });
  });

  app.get('/formations/:id', { config: readers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const cycle = await getCycle(app.db, id, request.actor);
    const view = await viewOf(app.db.kysely, id, request.actor);
    const [sessions, enrolments] = await Promise.all([listSessions(app.db, id, request.actor), listEnrolments(app.db, id, { limit: 500 }, request.actor)]);
    return reply.page('training-cycle', {
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
    });
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
      people: attendance.items,
      tally,
      cycle,
      statuses: ATTENDANCE_STATUSES,
      statusFr: ATTENDANCE_FR,
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
      return reply.header('Cache-Control', 'no-store').send({ items: saved.items.filter((p) => sent.has(p.enrolmentId)).map((p) => ({ enrolmentId: p.enrolmentId, status: p.status })) });
    }
    const values = formInput((request.body ?? {}) as Record<string, unknown>, ['enrolmentId', 'status']);
    const parsed = attendanceInputSchema.safeParse({ records: [{ enrolmentId: values.enrolmentId, status: values.status ?? null }] });
    if (!parsed.success) throw new ProblemError(400, 'Choose present, absent or excused for a person of this session');
    await saveAttendance(app.db, id, parsed.data, request.actor);
    return reply.redirect(`/formations/seances/${id}/presences#p-${parsed.data.records[0].enrolmentId}`, 303);
  });

  app.get('/formations/seances/:id/emargement.pdf', { config: markers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const facts = await sheetFacts(app.db, id, request.actor);
    return sendPdfBuffer(reply, await renderAttendanceSheet(facts), `emargement-${facts.date}.pdf`);
  });

}

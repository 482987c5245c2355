import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pdfResponse } from '../../http/openapi.js';
import { pageSchema } from '../../http/pagination.js';
import { TRAINING_READERS, WRITERS } from '../../http/roles.js';
import { sendPdfBuffer } from '../../pdf/send.js';
import { idParams } from '../../shared/fields.js';
import { getAttendance, saveAttendance } from './attendance.js';
import { createCycle, createPartner, getCycle, listCycles, listPartners, updateCycle } from './cycles.js';
import { enrol, getEnrolment, listEnrolments, overrideCompletion, removeOverride, withdraw } from './enrolments.js';
import { cycleReview, recordEvaluation } from './evaluations.js';
import {
  attendanceInputSchema,
  attendanceSchema,
  completionOverrideSchema,
  createCycleSchema,
  createPartnerSchema,
  createSessionSchema,
  cycleSchema,
  enrolmentSchema,
  enrolSchema,
  evaluationInputSchema,
  evaluationParams,
  evaluationSchema,
  listCyclesQuerySchema,
  listEnrolmentsQuerySchema,
  partnerSchema,
  reviewSchema,
  sessionSchema,
  updateCycleSchema,
  updateSessionSchema,
  withdrawalSchema,
  withdrawSchema,
} from './schemas.js';
import { createSession, deleteSession, getSession, listSessions, updateSession } from './sessions.js';
import { renderAttendanceSheet, sheetFacts } from './sheet.js';


/**
 * Training cycles, workshops, enrolments, attendance and self-assessments (issue 14).
 * Reads are open to every role, `trainer` included, and narrowed by the service (see access.ts).
 */
export async function trainingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['training'];
  const readers = TRAINING_READERS;
  const writers = WRITERS.training;

  app.post('/training/partners', {
    config: { roles: writers, idempotent: true },
    schema: { operationId: 'createPartner', tags, summary: 'Add a partner organisation (BLÉ, the Médiathèque…)', body: createPartnerSchema, response: { 201: partnerSchema } },
  }, async (request, reply) => reply.code(201).send(await createPartner(app.db, request.body.name)));

  app.get('/training/partners', {
    config: { roles: readers },
    schema: { operationId: 'listPartners', tags, summary: 'Partner organisations that run cycles', response: { 200: z.object({ items: z.array(partnerSchema) }) } },
  }, async () => ({ items: await listPartners(app.db) }));

  app.post('/training/cycles', {
    config: { roles: writers, idempotent: true },
    schema: { operationId: 'createCycle', tags, summary: 'Plan a training cycle', body: createCycleSchema, response: { 201: cycleSchema } },
  }, async (request, reply) => reply.code(201).send(await createCycle(app.db, request.body, request.actor)));

  app.get('/training/cycles', {
    config: { roles: readers },
    schema: { operationId: 'listCycles', tags, summary: 'List cycles, newest first (a trainer: their own cycles only)', querystring: listCyclesQuerySchema, response: { 200: pageSchema(cycleSchema) } },
  }, async (request) => listCycles(app.db, request.query, request.actor));

  app.get('/training/cycles/:id', {
    config: { roles: readers },
    schema: { operationId: 'getCycle', tags, summary: 'Get a cycle with its counts', params: idParams, response: { 200: cycleSchema } },
  }, async (request) => getCycle(app.db, request.params.id, request.actor));

  app.patch('/training/cycles/:id', {
    config: { roles: writers },
    schema: {
      operationId: 'updateCycle',
      tags,
      summary: 'Change a cycle',
      description: 'A larger capacity promotes the waiting list in order; a capacity below the people holding a place is 409. A new completion rule is applied to everyone at once.',
      params: idParams,
      body: updateCycleSchema,
      response: { 200: cycleSchema },
    },
  }, async (request) => updateCycle(app.db, request.params.id, request.body));

  app.post('/training/cycles/:id/sessions', {
    config: { roles: writers, idempotent: true },
    schema: { operationId: 'createSession', tags, summary: 'Add a workshop (session) to a cycle', params: idParams, body: createSessionSchema, response: { 201: sessionSchema } },
  }, async (request, reply) => reply.code(201).send(await createSession(app.db, request.params.id, request.body)));

  app.get('/training/cycles/:id/sessions', {
    config: { roles: readers },
    schema: { operationId: 'listCycleSessions', tags, summary: 'A cycle’s sessions in date order, with attendance counts', params: idParams, response: { 200: pageSchema(sessionSchema) } },
  }, async (request) => listSessions(app.db, request.params.id, request.actor));

  app.get('/training/sessions/:id', {
    config: { roles: readers },
    schema: { operationId: 'getSession', tags, summary: 'Get a session', params: idParams, response: { 200: sessionSchema } },
  }, async (request) => getSession(app.db, request.params.id, request.actor));

  app.patch('/training/sessions/:id', {
    config: { roles: writers },
    schema: { operationId: 'updateSession', tags, summary: 'Change a session (completions are worked out again)', description: 'A session with attendance recorded may not move after today (422 naming `date`): attendance is recorded on the day or after.', params: idParams, body: updateSessionSchema, response: { 200: sessionSchema } },
  }, async (request) => updateSession(app.db, request.params.id, request.body));

  app.delete('/training/sessions/:id', {
    config: { roles: writers },
    schema: { operationId: 'deleteSession', tags, summary: 'Remove a session without attendance (409 otherwise)', params: idParams, response: { 204: z.null() } },
  }, async (request, reply) => {
    await deleteSession(app.db, request.params.id);
    return reply.code(204).send(null);
  });

  // Not idempotent-replayed: the stored answer would keep the person's name past an anonymisation.
  // Enrolling the same person twice is answered 409 instead, naming the enrolment.
  app.post('/training/cycles/:id/enrolments', {
    config: { roles: writers, idempotent: true },
    schema: {
      operationId: 'enrolBeneficiary',
      tags,
      summary: 'Enrol a beneficiary: a place, or the waiting list when the cycle is full',
      params: idParams,
      body: enrolSchema,
      response: { 201: enrolmentSchema },
    },
  }, async (request, reply) => reply.code(201).send(await enrol(app.db, request.params.id, request.body, request.actor)));

  app.get('/training/cycles/:id/enrolments', {
    config: { roles: readers },
    schema: {
      operationId: 'listCycleEnrolments',
      tags,
      summary: 'People who applied to a cycle, in order of application',
      description: 'Names for installer and admin, and for a trainer of this cycle; references and counts for every other role. Never an address or a phone.',
      params: idParams,
      querystring: listEnrolmentsQuerySchema,
      response: { 200: pageSchema(enrolmentSchema) },
    },
  }, async (request) => listEnrolments(app.db, request.params.id, request.query, request.actor));

  app.get('/training/enrolments/:id', {
    config: { roles: readers },
    schema: { operationId: 'getEnrolment', tags, summary: 'Get an enrolment', params: idParams, response: { 200: enrolmentSchema } },
  }, async (request) => getEnrolment(app.db, request.params.id, request.actor));

  app.post('/training/enrolments/:id/withdraw', {
    config: { roles: writers },
    schema: { operationId: 'withdrawEnrolment', tags, summary: 'Withdraw with a reason; the place goes to the first on the waiting list', params: idParams, body: withdrawSchema, response: { 200: withdrawalSchema } },
  }, async (request) => withdraw(app.db, request.params.id, request.body));

  app.put('/training/enrolments/:id/completion', {
    config: { roles: WRITERS.admin },
    schema: {
      operationId: 'overrideCompletion',
      tags,
      summary: 'Admin override: count the cycle as completed on a date, with a recorded reason',
      description: 'The date may not be after today (422 naming `completedOn`): the person would count as trained in a period still to come.',
      params: idParams,
      body: completionOverrideSchema,
      response: { 200: enrolmentSchema },
    },
  }, async (request) => overrideCompletion(app.db, request.params.id, request.body, request.actor));

  app.delete('/training/enrolments/:id/completion', {
    config: { roles: WRITERS.admin },
    schema: { operationId: 'removeCompletionOverride', tags, summary: 'Remove the override: completion follows attendance again', params: idParams, response: { 200: enrolmentSchema } },
  }, async (request) => removeOverride(app.db, request.params.id, request.actor));

  app.get('/training/sessions/:id/attendance', {
    config: { roles: readers },
    schema: { operationId: 'getAttendance', tags, summary: 'Who is expected at a session and their attendance', params: idParams, response: { 200: attendanceSchema } },
  }, async (request) => getAttendance(app.db, request.params.id, request.actor));

  app.put('/training/sessions/:id/attendance', {
    config: { roles: WRITERS.attendance },
    schema: {
      operationId: 'recordAttendance',
      tags,
      summary: 'Record present / absent / excused for the people listed',
      description:
        'Only the listed people change (`status: null` clears a record); completions are worked out again in the same transaction. ' +
        'Setting a status a person already has changes nothing, so a request queued offline may be sent again safely. ' +
        'The newest tap per person wins, by its `tappedAt` (the server’s time when absent): a record older than the mark already kept changes nothing and its person is listed in `superseded` (still 200, the kept mark in `items`). ' +
        'A `tappedAt` more than 5 minutes ahead of the server or more than 2 hours old is refused (422 naming it). A trainer: their own cycles only. ' +
        'A session after today is refused (422, naming its date): attendance is recorded on the day or after, so no completion is ever dated ahead.',
      params: idParams,
      body: attendanceInputSchema,
      response: { 200: attendanceSchema },
    },
  }, async (request) => saveAttendance(app.db, request.params.id, request.body, request.actor));

  app.get('/training/sessions/:id/attendance-sheet.pdf', {
    config: { roles: WRITERS.attendance },
    schema: {
      operationId: 'getAttendanceSheetPdf',
      tags,
      summary: 'The attendance sheet (feuille d’émargement) to print and sign, in French',
      params: idParams,
      response: { 200: pdfResponse() },
    },
  }, async (request, reply) => {
    const facts = await sheetFacts(app.db, request.params.id, request.actor);
    return sendPdfBuffer(reply, await renderAttendanceSheet(facts), `emargement-${facts.date}.pdf`);
  });

  app.put('/training/enrolments/:id/evaluations/:moment', {
    config: { roles: writers },
    schema: {
      operationId: 'recordEvaluation',
      tags,
      summary: 'Record the self-assessment at the start or the end of the cycle (1–4 on each skill)',
      params: evaluationParams,
      body: evaluationInputSchema,
      response: { 200: evaluationSchema },
    },
  }, async (request) => recordEvaluation(app.db, request.params.id, request.params.moment, request.body, request.actor));

  app.get('/training/cycles/:id/review', {
    config: { roles: readers },
    schema: {
      operationId: 'getCycleReview',
      tags,
      summary: 'The cycle’s review: self-assessed progress per skill',
      description: 'Individual answers for installer and admin only (`answers` is null for every other role).',
      params: idParams,
      response: { 200: reviewSchema },
    },
  }, async (request) => cycleReview(app.db, request.params.id, request.actor));
}

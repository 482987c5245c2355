import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.js';
import { id, isoDate, isoDateTime, line, optional, text } from '../../shared/fields.js';

// ---- partner organisations -------------------------------------------------------------

export const createPartnerSchema = z.strictObject({
  name: line(200).meta({ example: 'Médiathèque Jean-Jacques Rousseau' }),
});
export const partnerSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.string() }).meta({ id: 'TrainingPartner' });
export type Partner = z.infer<typeof partnerSchema>;

// ---- cycles ----------------------------------------------------------------------------

export const completionRuleSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('sessions'),
      minSessions: z.number().int().min(1).max(200).describe('Sessions attended (present) out of the cycle’s sessions'),
    }),
    z.strictObject({
      kind: z.literal('hours'),
      minPercent: z.number().int().min(1).max(100).describe('Share of the cycle’s planned hours attended, in %'),
    }),
  ])
  .meta({ id: 'CompletionRule', example: { kind: 'sessions', minSessions: 8 } });
export type CompletionRule = z.infer<typeof completionRuleSchema>;

const trainerIds = z
  .array(id)
  .max(20)
  .describe(
    'Identities of role `trainer` who may see this cycle’s names and record its attendance: the id of a staff user who signs in to the web app (Administration › Utilisateurs), or of an API key (`GET /api-keys`). Each must be active and of role `trainer`, else 422 naming `trainerIds.<i>`',
  );

const cycleFields = {
  title: line(200).meta({ example: 'Premiers pas numériques — printemps 2027' }),
  organiserId: id.describe('The partner organisation running the cycle (`GET /training/partners`)'),
  place: line(200).meta({ example: 'Médiathèque Jean-Jacques Rousseau, Chambéry' }),
  capacity: z.number().int().min(1).max(500).default(10).describe('Places; further applicants go on the waiting list'),
  startsOn: isoDate,
  endsOn: isoDate,
  completionRule: completionRuleSchema,
  trainerIds: trainerIds.default([]),
  notes: optional(text()),
};

const datesInOrder = (c: { startsOn?: string; endsOn?: string }) => !c.startsOn || !c.endsOn || c.startsOn <= c.endsOn;

export const createCycleSchema = z.strictObject(cycleFields).refine(datesInOrder, { message: 'must not be before startsOn', path: ['endsOn'] });
export type CreateCycle = z.infer<typeof createCycleSchema>;

export const updateCycleSchema = z
  .strictObject({
    title: cycleFields.title,
    organiserId: cycleFields.organiserId,
    place: cycleFields.place,
    capacity: z.number().int().min(1).max(500),
    startsOn: isoDate,
    endsOn: isoDate,
    completionRule: completionRuleSchema,
    trainerIds,
    notes: cycleFields.notes,
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'give at least one field to change')
  .refine(datesInOrder, { message: 'must not be before startsOn', path: ['endsOn'] });
export type UpdateCycle = z.infer<typeof updateCycleSchema>;

export const cycleSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    organiser: z.object({ id: z.string(), name: z.string() }),
    place: z.string(),
    capacity: z.number().int(),
    startsOn: z.string(),
    endsOn: z.string(),
    completionRule: completionRuleSchema,
    trainerIds: z.array(z.string()).describe('Empty unless your role is installer or admin'),
    notes: z.string().nullable(),
    sessionCount: z.number().int(),
    plannedHours: z.number().describe('Sum of the sessions’ durations'),
    enrolledCount: z.number().int(),
    waitingCount: z.number().int(),
    withdrawnCount: z.number().int(),
    completedCount: z.number().int().describe('Enrolments whose completion date is set'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'TrainingCycle' });
export type Cycle = z.infer<typeof cycleSchema>;

export const listCyclesQuerySchema = pageQuerySchema.extend({
  organiserId: id.optional(),
});
export type ListCyclesQuery = z.infer<typeof listCyclesQuerySchema>;

// ---- sessions --------------------------------------------------------------------------

const time = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM')
  .meta({ example: '14:00' });

const sessionFields = {
  date: isoDate,
  startTime: time,
  endTime: time.meta({ example: '16:30' }),
  place: optional(line(200)).describe('Default: the cycle’s place'),
  theme: line(300).meta({ example: 'E-administration : ameli, CAF, impots.gouv' }),
  trainer: optional(line(200)).describe('The trainer’s name, printed on the attendance sheet').meta({ example: 'Sophie Martin' }),
};
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
// Judged only when both times are valid: a bad time is reported on its own field.
const timesInOrder = (s: { startTime?: string; endTime?: string }) => !TIME.test(s.startTime ?? '') || !TIME.test(s.endTime ?? '') || s.startTime! < s.endTime!;

export const createSessionSchema = z.strictObject(sessionFields).refine(timesInOrder, { message: 'must be after startTime', path: ['endTime'] });
export type CreateSession = z.infer<typeof createSessionSchema>;
export const updateSessionSchema = z
  .strictObject(sessionFields)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'give at least one field to change')
  .refine(timesInOrder, { message: 'must be after startTime', path: ['endTime'] });
export type UpdateSession = z.infer<typeof updateSessionSchema>;

export const sessionSchema = z
  .object({
    id: z.string(),
    cycleId: z.string(),
    date: z.string(),
    startTime: z.string(),
    endTime: z.string(),
    durationMinutes: z.number().int(),
    place: z.string().describe('The session’s own place, else the cycle’s'),
    theme: z.string(),
    trainer: z.string().nullable(),
    attendance: z.object({ present: z.number().int(), absent: z.number().int(), excused: z.number().int(), unrecorded: z.number().int() }),
  })
  .meta({ id: 'TrainingSession' });
export type Session = z.infer<typeof sessionSchema>;

// ---- enrolments ------------------------------------------------------------------------

export const ENROLMENT_STATUSES = ['enrolled', 'waiting', 'withdrawn'] as const;

export const enrolSchema = z.strictObject({
  beneficiaryId: id,
  prescriber: optional(line(200)).describe('Who referred the person to this cycle; default: the beneficiary’s prescriber'),
});
export type EnrolInput = z.infer<typeof enrolSchema>;

export const withdrawSchema = z.strictObject({
  withdrawnOn: isoDate.optional().describe('Default: today (UTC)'),
  reason: line(500).meta({ example: 'a trouvé un emploi' }),
});
export type WithdrawInput = z.infer<typeof withdrawSchema>;

export const completionOverrideSchema = z.strictObject({
  completedOn: isoDate,
  reason: line(500).meta({ example: 'a suivi le même cycle à la Maison des associations' }),
});
export type CompletionOverride = z.infer<typeof completionOverrideSchema>;

export const enrolmentSchema = z
  .object({
    id: z.string(),
    cycleId: z.string(),
    beneficiaryId: z.string(),
    beneficiaryReference: z.string().meta({ example: 'B-2026-0042' }),
    firstName: z.string().nullable().describe('Null unless your role may see names: installer, admin, or a trainer of this cycle'),
    lastName: z.string().nullable(),
    status: z.enum(ENROLMENT_STATUSES),
    waitingPosition: z.number().int().nullable().describe('1 = next to get a place; null unless waiting'),
    prescriber: z.string().nullable().describe('Null unless your role is installer or admin'),
    appliedAt: z.string(),
    placedAt: z.string().nullable(),
    withdrawnOn: z.string().nullable(),
    withdrawalReason: z.string().nullable().describe('Null unless your role is installer or admin'),
    sessionsAttended: z.number().int(),
    minutesAttended: z.number().int(),
    completedOn: z.string().nullable().describe('When the cycle’s rule was met (or the override’s date)'),
    completionSource: z.enum(['attendance', 'override']).nullable(),
    overrideReason: z.string().nullable().describe('Null unless your role is installer or admin'),
  })
  .meta({ id: 'TrainingEnrolment' });
export type Enrolment = z.infer<typeof enrolmentSchema>;

export const listEnrolmentsQuerySchema = pageQuerySchema.extend({
  status: z.enum(ENROLMENT_STATUSES).optional(),
});
export type ListEnrolmentsQuery = z.infer<typeof listEnrolmentsQuerySchema>;

export const withdrawalSchema = z
  .object({
    enrolment: enrolmentSchema,
    promoted: enrolmentSchema.nullable().describe('The first person of the waiting list, given the freed place'),
  })
  .meta({ id: 'TrainingWithdrawal' });

// ---- attendance ------------------------------------------------------------------------

export const ATTENDANCE_STATUSES = ['present', 'absent', 'excused'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export const attendanceInputSchema = z.strictObject({
  records: z
    .array(
      z.strictObject({
        enrolmentId: id,
        status: z.enum(ATTENDANCE_STATUSES).nullable().describe('null clears the record (undo)'),
        tappedAt: isoDateTime
          .optional()
          .describe(
            'When the tap was made, by the device that made it (a tap queued offline is sent later): the newest tap per person wins, and one older than the mark already recorded changes nothing (its person is listed in `superseded`). At most 5 minutes ahead of the server and 2 hours old (the offline queue’s bound); the server’s time when absent',
          ),
      }),
    )
    .min(1)
    .max(500)
    .describe('Only the people listed change; a repeated request changes nothing more (safe to resend after a lost answer)'),
});
export type AttendanceInput = z.infer<typeof attendanceInputSchema>;

export const attendanceSchema = z
  .object({
    session: sessionSchema,
    items: z.array(
      z.object({
        enrolmentId: z.string(),
        beneficiaryReference: z.string(),
        firstName: z.string().nullable(),
        lastName: z.string().nullable(),
        status: z.enum(ATTENDANCE_STATUSES).nullable().describe('null: not recorded yet'),
        recordedAt: z.string().nullable().describe('When the kept mark was tapped (its `tappedAt`, or when the server received it)'),
        completedOn: z.string().nullable(),
      }),
    ),
    superseded: z
      .array(z.string())
      .describe('Enrolments whose record in this request was older than the mark already kept (tapped since on another device): unchanged, the kept mark is in `items`'),
  })
  .meta({ id: 'TrainingAttendance' });
export type Attendance = z.infer<typeof attendanceSchema>;

export const sessionParams = z.object({ id });

// ---- evaluations -----------------------------------------------------------------------

export const SKILLS = ['mouseKeyboard', 'browsing', 'email', 'onlineProcedures', 'onlineSafety'] as const;
export type Skill = (typeof SKILLS)[number];
export const SKILL_LABELS: Record<Skill, string> = {
  mouseKeyboard: 'Utiliser la souris et le clavier',
  browsing: 'Naviguer sur internet',
  email: 'Envoyer et recevoir des courriels',
  onlineProcedures: 'Faire ses démarches en ligne',
  onlineSafety: 'Se protéger en ligne',
};
const level = z.number().int().min(1).max(4).describe('1 = not at all, 4 = on my own with ease');

export const MOMENTS = ['start', 'end'] as const;
export const evaluationParams = z.object({ id, moment: z.enum(MOMENTS) });
export const evaluationInputSchema = z.strictObject(Object.fromEntries(SKILLS.map((s) => [s, level])) as Record<Skill, typeof level>);
export type EvaluationInput = z.infer<typeof evaluationInputSchema>;

export const evaluationSchema = z
  .object({ enrolmentId: z.string(), moment: z.enum(MOMENTS), ...Object.fromEntries(SKILLS.map((s) => [s, z.number().int()])), recordedAt: z.string() })
  .meta({ id: 'TrainingEvaluation' });

export const reviewSchema = z
  .object({
    cycleId: z.string(),
    enrolled: z.number().int(),
    completed: z.number().int(),
    startAnswers: z.number().int().describe('Self-assessments at the start'),
    endAnswers: z.number().int(),
    skills: z.array(
      z.object({
        skill: z.enum(SKILLS),
        label: z.string(),
        startAverage: z.number().nullable().describe('Null without answers, or, except for installer and admin, with fewer than 5'),
        endAverage: z.number().nullable().describe('Null without answers, or, except for installer and admin, with fewer than 5'),
        pairs: z.number().int().describe('People who answered both times'),
        averageProgress: z.number().nullable().describe('Mean of (end − start) over those people; null as the averages are'),
        improved: z.number().int().nullable().describe('Of them, how many rated themselves higher at the end; null as the averages are'),
      }),
    ),
    answers: z
      .array(z.object({ enrolmentId: z.string(), beneficiaryReference: z.string(), start: z.record(z.string(), z.number()).nullable(), end: z.record(z.string(), z.number()).nullable() }))
      .nullable()
      .describe('Individual answers: installer and admin only, null for every other role'),
  })
  .meta({ id: 'TrainingReview' });
export type Review = z.infer<typeof reviewSchema>;

// ---- the person's training record (GDPR right of access) ----

export const trainingRecordSchema = z
  .object({
    enrolmentId: z.string(),
    cycleId: z.string(),
    cycleTitle: z.string(),
    organiser: z.string(),
    status: z.enum(ENROLMENT_STATUSES),
    appliedAt: z.string(),
    placedAt: z.string().nullable(),
    prescriber: z.string().nullable(),
    withdrawnOn: z.string().nullable(),
    withdrawalReason: z.string().nullable(),
    completedOn: z.string().nullable(),
    completionSource: z.enum(['attendance', 'override']).nullable(),
    overrideReason: z.string().nullable(),
    attendance: z.array(z.object({ sessionId: z.string(), date: z.string(), theme: z.string(), status: z.enum(ATTENDANCE_STATUSES), recordedBy: z.string(), recordedAt: z.string() })),
    evaluations: z.array(z.object({ moment: z.enum(MOMENTS), ...Object.fromEntries(SKILLS.map((s) => [s, z.number().int()])), recordedAt: z.string() })),
  })
  .meta({ id: 'TrainingRecord' });
export type TrainingRecord = z.infer<typeof trainingRecordSchema>;

import { afterAll, beforeAll, expect } from 'vitest';
import type { TestContext } from './app.js';
import { createBeneficiary, type BeneficiaryBody } from './installations.js';

export interface CycleBody {
  id: string;
  capacity: number;
  enrolledCount: number;
  waitingCount: number;
}
export interface SessionBody {
  id: string;
  date: string;
}
export interface EnrolmentBody {
  id: string;
  beneficiaryId: string;
  beneficiaryReference: string;
  status: 'enrolled' | 'waiting' | 'withdrawn';
  waitingPosition: number | null;
  completedOn: string | null;
}

let partnerSeq = 0;

export async function createPartner(ctx: TestContext, name = `Médiathèque Jean-Jacques Rousseau ${++partnerSeq}`): Promise<{ id: string; name: string }> {
  const res = await ctx.api('installer').post('/api/v1/training/partners').send({ name });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** A cycle from 2027-03-01 to 2027-05-31; `sessions` workshops on consecutive Tuesdays from 2027-03-02, 14:00–16:30 by default. */
export async function createCycle(
  ctx: TestContext,
  options: { sessions?: number; capacity?: number; rule?: Record<string, unknown>; trainerIds?: string[]; organiserId?: string; times?: [string, string][]; title?: string } = {},
): Promise<{ cycle: CycleBody; sessions: SessionBody[] }> {
  const organiserId = options.organiserId ?? (await createPartner(ctx)).id;
  const res = await ctx.api('installer').post('/api/v1/training/cycles').send({
    title: options.title ?? 'Premiers pas numériques — printemps 2027',
    organiserId,
    place: 'Médiathèque Jean-Jacques Rousseau, Chambéry',
    ...(options.capacity ? { capacity: options.capacity } : {}),
    startsOn: '2027-03-01',
    endsOn: '2027-05-31',
    completionRule: options.rule ?? { kind: 'sessions', minSessions: 8 },
    trainerIds: options.trainerIds ?? [],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const sessions: SessionBody[] = [];
  for (let i = 0; i < (options.sessions ?? 0); i++) {
    const [startTime, endTime] = options.times?.[i] ?? ['14:00', '16:30'];
    const date = new Date(Date.UTC(2027, 2, 2 + 7 * i)).toISOString().slice(0, 10);
    const s = await ctx.api('installer').post(`/api/v1/training/cycles/${res.body.id}/sessions`).send({
      date,
      startTime,
      endTime,
      theme: `Atelier ${i + 1} : ${['Souris et clavier', 'Internet', 'Courriel', 'E-administration : ameli, CAF, impots.gouv', 'Sécurité'][i % 5]}`,
      trainer: 'Sophie Martin',
    });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    sessions.push(s.body);
  }
  return { cycle: res.body, sessions };
}

export async function enrol(ctx: TestContext, cycleId: string, beneficiary: BeneficiaryBody): Promise<EnrolmentBody> {
  const res = await ctx.api('installer').post(`/api/v1/training/cycles/${cycleId}/enrolments`).send({ beneficiaryId: beneficiary.id });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

export async function trainees(ctx: TestContext, count: number, overrides: (i: number) => Record<string, unknown> = () => ({})): Promise<BeneficiaryBody[]> {
  const people: BeneficiaryBody[] = [];
  for (let i = 0; i < count; i++) {
    people.push(await createBeneficiary(ctx, { firstName: FIRST[i % FIRST.length], lastName: `${LAST[i % LAST.length]}${i >= LAST.length ? `-${i}` : ''}`, trainingCompletedOn: null, ...overrides(i) }));
  }
  return people;
}

const FIRST = ['Aïcha', 'Bernard', 'Chloé', 'Djamel', 'Élodie', 'Fatou', 'Gérard', 'Hélène', 'Ibrahim', 'Joëlle', 'Karim', 'Léa', 'Mamadou', 'Nadia', 'Olivier', 'Pauline', 'Rachid', 'Sylvie', 'Thierry', 'Yasmina'];
const LAST = ['Benali', 'Durand', 'Martinez', 'Haddad', 'Lefèvre', 'Diallo', 'Perrin', 'Girard', 'Traoré', 'Rousseau', 'Mansouri', 'Blanc', 'Keita', 'Bouzid', 'Fournier', 'Chevalier', 'Amrani', 'Morel', 'Garnier', 'Saïdi'];

/** The day after the helper's cycle ends: every one of its sessions is past. */
export const AFTER_CYCLE = '2027-06-01T10:00:00.000Z';
/** A day before the helper's cycle starts, whatever TEST_CLOCK says: its sessions are all still to come. */
export const BEFORE_CYCLE = '2026-12-02T09:00:00.000Z';

/** Runs `work` with the service's clock at `time`, then puts the clock back. */
export async function at<T>(ctx: TestContext, time: string, work: () => Promise<T>): Promise<T> {
  const before = ctx.clock.now();
  ctx.clock.set(time);
  try {
    return await work();
  } finally {
    ctx.clock.set(before.toISOString());
  }
}

/** Inside a describe block: its tests run with the service's clock at `time`. */
export function useClockAt(ctx: TestContext, time: string): void {
  let before: Date;
  beforeAll(() => {
    before = ctx.clock.now();
    ctx.clock.set(time);
  });
  afterAll(() => ctx.clock.set(before.toISOString()));
}

export async function mark(ctx: TestContext, sessionId: string, records: { enrolmentId: string; status: string | null }[], role: 'installer' | 'trainer' | 'admin' = 'installer') {
  // The cycles run in 2027 and attendance is refused before a session's day: mark once they are over.
  const res = await at(ctx, AFTER_CYCLE, () => ctx.api(role).put(`/api/v1/training/sessions/${sessionId}/attendance`).send({ records }));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

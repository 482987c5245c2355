import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { scheduleKit } from '../helpers/installations.js';
import { binaryParser, pdfPages } from '../helpers/pdf.js';
import { AFTER_CYCLE, at, createCycle, enrol, mark, trainees, type EnrolmentBody } from '../helpers/training.js';

const ctx = useTestApp();

/**
 * The scenario, by hand. One cycle, rule "2 sessions attended", workshops of 2 h 30 every
 * Tuesday from 2027-03-02 (s0) to 2027-05-04 (s9). People:
 *   P1–P6  Les Hauts de Chambéry: present s0 (03-02) and s1 (03-09) → trained 03-09; P1 also present s5... see below
 *   P7     Le Biollay: present s4 (03-30) and s9 (05-04) → trained 05-04, after the period
 *   P9–P12 Le Biollay: present s4 (03-30) only → attended, not trained
 *   P8     no neighbourhood: present s9 (05-04) only; admin override → trained 04-15
 *   P1     absent s2 (03-16: nobody present, so not held); present s6 (04-13)
 * Workshops held in March–April 2027: s0, s1, s4 (March, 7.5 h), s6 (April, 2.5 h).
 * Installations: P1 a laptop and a monitor, installed 04-20; P2 a laptop, installed 05-10.
 */
beforeAll(async () => {
  const { cycle, sessions: s } = await createCycle(ctx, { sessions: 10, capacity: 12, rule: { kind: 'sessions', minSessions: 2 } });
  const people = await trainees(ctx, 12, (i) => ({ neighbourhood: i < 6 ? 'Les Hauts de Chambéry' : i === 7 ? null : 'Le Biollay' }));
  const e: EnrolmentBody[] = [];
  for (const p of people) e.push(await enrol(ctx, cycle.id, p));
  const present = (ids: number[]) => ids.map((i) => ({ enrolmentId: e[i].id, status: 'present' }));
  await mark(ctx, s[0].id, present([0, 1, 2, 3, 4, 5]));
  await mark(ctx, s[1].id, present([0, 1, 2, 3, 4, 5]));
  await mark(ctx, s[2].id, [{ enrolmentId: e[0].id, status: 'absent' }]);
  await mark(ctx, s[4].id, present([6, 8, 9, 10, 11]));
  await mark(ctx, s[6].id, present([0]));
  await mark(ctx, s[9].id, present([6, 7]));
  const override = await at(ctx, AFTER_CYCLE, () => ctx.api('admin').put(`/api/v1/training/enrolments/${e[7].id}/completion`).send({ completedOn: '2027-04-15', reason: 'cycle suivi au centre social' }));
  expect(override.status).toBe(200);

  const first = await scheduleKit(ctx, { beneficiary: people[0], extras: 1 });
  const second = await scheduleKit(ctx, { beneficiary: people[1] });
  // Completed once they happened: an installation may not be dated after today.
  for (const [kit, installedOn] of [[first, '2027-04-20'], [second, '2027-05-10']] as const) {
    const res = await at(ctx, AFTER_CYCLE, () => ctx.api('installer').post(`/api/v1/installations/${kit.installation.id}/complete`).send({ installedOn, installedBy: 'Julien Morel' }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  // Breakdowns by neighbourhood cover finished months only: read the report once they are over.
  if (ctx.clock.now().toISOString() < '2027-06-01') ctx.clock.set('2027-06-01');
});

const PERIOD = 'from=2027-03-01&to=2027-04-30';
/** By neighbourhood, one month at a time (the last whole one of a period): March. */
const MARCH = 'from=2027-03-01&to=2027-03-31';

describe('training figures in the programme report', () => {
  it('when the period is March–April 2027, then people trained, attended, workshops, hours and computers are those worked out by hand', async () => {
    const res = await ctx.api('viewer').get(`/api/v1/reports/summary?${PERIOD}`);
    expect(res.status).toBe(200);
    expect(res.body.totals).toMatchObject({ peopleTrained: 7, peopleAttended: 11, workshopsHeld: 4, trainingHours: 10, computersInstalled: 1, householdsEquipped: 1 });
    const months = Object.fromEntries(res.body.byMonth.map((m: { month: string }) => [m.month, m]));
    expect(months['2027-03']).toMatchObject({ peopleTrained: 6, peopleAttended: 11, workshopsHeld: 3, trainingHours: 7.5, computersInstalled: 0 });
    expect(months['2027-04']).toMatchObject({ peopleTrained: 1, peopleAttended: 1, workshopsHeld: 1, trainingHours: 2.5, computersInstalled: 1 });
    // April alone, as broken down for March–April: one person attended, one trained; withheld.
    expect(res.body.neighbourhoodBreakdowns).toMatchObject({ from: '2027-04-01', to: '2027-04-30' });
    expect(res.body.neighbourhoodBreakdowns.withheld).toEqual(expect.arrayContaining(['peopleTrainedByNeighbourhood', 'peopleAttendedByNeighbourhood']));
    const march = (await ctx.api('viewer').get(`/api/v1/reports/summary?${MARCH}`)).body;
    expect(march.peopleAttendedByNeighbourhood).toEqual([
      { neighbourhood: 'Le Biollay', people: 5 },
      { neighbourhood: 'Les Hauts de Chambéry', people: 6 },
    ]);
    expect(march.peopleTrainedByNeighbourhood).toEqual([{ neighbourhood: 'Les Hauts de Chambéry', people: 6 }]);
  });

  it('when the period runs to the end of May, then the May workshop, completion and installation count too', async () => {
    const res = await ctx.api('viewer').get('/api/v1/reports/summary?from=2027-03-01&to=2027-05-31');
    expect(res.body.totals).toMatchObject({ peopleTrained: 8, peopleAttended: 12, workshopsHeld: 5, trainingHours: 12.5, computersInstalled: 2 });
    expect(res.body.byMonth.find((m: { month: string }) => m.month === '2027-05')).toMatchObject({ peopleTrained: 1, peopleAttended: 2, workshopsHeld: 1, computersInstalled: 1 });
  });

  it('when the report is asked as CSV, then the training figures are lines of it', async () => {
    const res = await ctx.api('viewer').get(`/api/v1/reports/summary?${PERIOD}&format=csv`).buffer(true).parse(binaryParser);
    const rows = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    const value = (month: string, metric: string, breakdown = '') => rows.find((r) => r.month === month && r.metric === metric && r.breakdown === breakdown)?.value;
    expect(value('total', 'peopleTrained')).toBe('7');
    expect(value('total', 'workshopsHeld')).toBe('4');
    expect(value('total', 'trainingHours')).toBe('10');
    expect(value('2027-03', 'trainingHours')).toBe('7.5');
    const march = await ctx.api('viewer').get(`/api/v1/reports/summary?${MARCH}&format=csv`).buffer(true).parse(binaryParser);
    const marchRows = parse(march.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(marchRows.find((r) => r.metric === 'peopleAttendedByNeighbourhood' && r.breakdown === 'Le Biollay')?.value).toBe('5');
    expect(marchRows.find((r) => r.metric === 'peopleTrainedByNeighbourhood' && r.breakdown === 'Les Hauts de Chambéry')?.value).toBe('6');
  });

  it('when the PDF is asked, then it leads with people trained, workshops held and computers installed, on one page', async () => {
    const res = await ctx.api('viewer').get(`/api/v1/reports/summary.pdf?${PERIOD}`).buffer(true).parse(binaryParser);
    expect(res.status).toBe(200);
    const pages = await pdfPages(res.body);
    expect(pages).toHaveLength(1);
    const text = pages[0];
    expect(text).toMatch(/7 personnes formées 4 ateliers réalisés 1 ordinateur installé/);
    expect(text.indexOf('personnes formées')).toBeLessThan(text.indexOf('Donateurs'));
    expect(text).toContain('Personnes venues aux ateliers 11');
    expect(text).toContain('Heures d’atelier 10');
    if (process.env.REPORT_PDF_OUT) (await import('node:fs')).writeFileSync(process.env.REPORT_PDF_OUT, res.body);
  });
});

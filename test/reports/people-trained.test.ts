import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createBeneficiary, scheduleKit } from '../helpers/installations.js';
import { binaryParser, pdfPages } from '../helpers/pdf.js';
import { createCycle, enrol, mark, trainees, useClockAt, type EnrolmentBody } from '../helpers/training.js';

const ctx = useTestApp();
// Everything is typed in late June 2027, weeks after the March–April business dates.
useClockAt(ctx, '2027-06-21T09:00:00.000Z');

/**
 * People trained = a cycle recorded here or a date entered by hand on the person, counted once.
 * One cycle, rule "2 sessions attended", workshops on Tuesdays from 2027-03-02 (s0), 03-09 (s1).
 *   P1, P2  Les Hauts de Chambéry: present s0 and s1 → cycle completed 03-09 (their file shows it too)
 *   P3      present s0 only → attended, not trained
 *   H0      Les Hauts de Chambéry: trained by hand, 2027-03-25; then anonymised
 *   H1–H5   Le Biollay: trained by hand, 2027-04-06 (a partner's course); H1 equipped on 04-20
 *   H6      trained by hand, 2027-02-20: before the period
 * March–April: 8 people trained (3 in March, 5 in April), 2 of them through a recorded cycle.
 */
beforeAll(async () => {
  const { cycle, sessions: s } = await createCycle(ctx, { sessions: 3, rule: { kind: 'sessions', minSessions: 2 } });
  const people = await trainees(ctx, 3, () => ({ neighbourhood: 'Les Hauts de Chambéry' }));
  const e: EnrolmentBody[] = [];
  for (const p of people) e.push(await enrol(ctx, cycle.id, p));
  await mark(ctx, s[0].id, e.map((x) => ({ enrolmentId: x.id, status: 'present' })));
  await mark(ctx, s[1].id, e.slice(0, 2).map((x) => ({ enrolmentId: x.id, status: 'present' })));

  const h0 = await createBeneficiary(ctx, { trainingCompletedOn: '2027-03-25', neighbourhood: 'Les Hauts de Chambéry' });
  const byHand: string[] = [];
  for (let i = 1; i <= 5; i++) byHand.push((await createBeneficiary(ctx, { trainingCompletedOn: '2027-04-06', neighbourhood: 'Le Biollay' })).id);
  await createBeneficiary(ctx, { trainingCompletedOn: '2027-02-20', neighbourhood: 'Le Biollay' });

  const kit = await scheduleKit(ctx, { beneficiary: (await ctx.api('installer').get(`/api/v1/beneficiaries/${byHand[0]}`)).body });
  const done = await ctx.api('installer').post(`/api/v1/installations/${kit.installation.id}/complete`).send({ installedOn: '2027-04-20', installedBy: 'Julien Morel' });
  expect(done.status, JSON.stringify(done.body)).toBe(200);

  const anonymised = await ctx.api('installer').post(`/api/v1/beneficiaries/${h0.id}/anonymise`);
  expect(anonymised.status, JSON.stringify(anonymised.body)).toBe(200);
  // Anonymisation keeps the date (tied to the reference only), so the figures stay as they were.
  expect((await ctx.api('installer').get(`/api/v1/beneficiaries/${h0.id}`)).body).toMatchObject({ firstName: null, trainingCompletedOn: '2027-03-25' });
});

const PERIOD = 'from=2027-03-01&to=2027-04-30';

describe('people trained in the programme report', () => {
  it('when people were trained through a cycle or by hand, then each counts once, and the report says how many came through cycles', async () => {
    const res = await ctx.api('viewer').get(`/api/v1/reports/summary?${PERIOD}`);
    expect(res.status).toBe(200);
    expect(res.body.totals).toMatchObject({ peopleTrained: 8, peopleTrainedInCycles: 2, peopleAttended: 3, workshopsHeld: 2, householdsEquipped: 1, computersInstalled: 1 });
    const months = Object.fromEntries(res.body.byMonth.map((m: { month: string }) => [m.month, m]));
    expect(months['2027-03']).toMatchObject({ peopleTrained: 3, peopleTrainedInCycles: 2 });
    expect(months['2027-04']).toMatchObject({ peopleTrained: 5, peopleTrainedInCycles: 0, householdsEquipped: 1 });
    // By neighbourhood (April, the last whole month of the period), by the same definition.
    expect(res.body.neighbourhoodBreakdowns).toMatchObject({ from: '2027-04-01', to: '2027-04-30', withheld: expect.not.arrayContaining(['peopleTrainedByNeighbourhood']) });
    expect(res.body.peopleTrainedByNeighbourhood).toEqual([{ neighbourhood: 'Le Biollay', people: 5 }]);

    const february = await ctx.api('viewer').get('/api/v1/reports/summary?from=2027-02-01&to=2027-02-28');
    expect(february.body.totals).toMatchObject({ peopleTrained: 1, peopleTrainedInCycles: 0 });
  });

  it('when the report is asked as CSV, then both figures are lines of it', async () => {
    const res = await ctx.api('viewer').get(`/api/v1/reports/summary?${PERIOD}&format=csv`).buffer(true).parse(binaryParser);
    const rows = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    const value = (month: string, metric: string) => rows.find((r) => r.month === month && r.metric === metric && r.breakdown === '')?.value;
    expect([value('total', 'peopleTrained'), value('total', 'peopleTrainedInCycles')]).toEqual(['8', '2']);
    expect([value('2027-04', 'peopleTrained'), value('2027-04', 'peopleTrainedInCycles')]).toEqual(['5', '0']);
  });

  it('when the PDF is asked, then its headline counts everyone trained and a line says how many through a recorded cycle', async () => {
    const res = await ctx.api('viewer').get(`/api/v1/reports/summary.pdf?${PERIOD}`).buffer(true).parse(binaryParser);
    expect(res.status).toBe(200);
    const pages = await pdfPages(res.body);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatch(/8 personnes formées 2 ateliers réalisés 1 ordinateur installé/);
    expect(pages[0]).toContain('Personnes formées lors d’un cycle enregistré 2');
    expect(pages[0]).toContain('Foyers équipés 1');
    if (process.env.REPORT_PDF_OUT) (await import('node:fs')).writeFileSync(process.env.REPORT_PDF_OUT, res.body);
  });
});

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MASKED, SMALL, SMALL_COUNT, suppressSmallCounts } from '../../src/modules/reports/figures/neighbourhoods.js';
import { useTestApp } from '../helpers/app.js';
import { createBeneficiary, scheduleKit } from '../helpers/installations.js';

const ctx = useTestApp();

/** Every value each hidden cell can take, for a reader who knows the rule and the total: brute force. */
function possibleValues(counts: number[], shown: (number | string)[]): Set<number>[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const hidden = shown.map((s, i) => (typeof s === 'number' ? -1 : i)).filter((i) => i >= 0);
  const rest = total - shown.reduce<number>((sum, s) => sum + (typeof s === 'number' ? s : 0), 0);
  const seen = hidden.map(() => new Set<number>());
  const walk = (k: number, left: number, picked: number[]) => {
    if (k === hidden.length) {
      if (left === 0) picked.forEach((v, j) => seen[j].add(v));
      return;
    }
    const [low, high] = shown[hidden[k]] === SMALL ? [1, SMALL_COUNT - 1] : [SMALL_COUNT, left];
    for (let v = low; v <= Math.min(high, left); v++) walk(k + 1, left - v, [...picked, v]);
  };
  walk(0, rest, []);
  return seen;
}

describe('small-count suppression', () => {
  it('when any table of counts is suppressed, then it is withheld or no hidden cell can be worked out from the total', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 14 }), { minLength: 1, maxLength: 5 }), (counts) => {
        const shown = suppressSmallCounts(counts);
        if (shown === null) return;
        counts.forEach((n, i) => expect(shown[i] === n || shown[i] === MASKED || (shown[i] === SMALL && n < SMALL_COUNT)).toBe(true));
        expect(shown.some((s) => typeof s === 'number' && s < SMALL_COUNT)).toBe(false);
        for (const values of possibleValues(counts, shown)) expect(values.size, JSON.stringify({ counts, shown })).toBeGreaterThan(1);
      }),
      { numRuns: 500 },
    );
  });
});

describe('report periods', () => {
  beforeAll(async () => {
    // Seven homes in October and November 2026: three neighbourhoods, small counts everywhere.
    const homes: [string, string][] = [
      ['2026-10-05', 'Bissy'], ['2026-10-05', 'Bissy'], ['2026-10-12', 'Le Biollay'], ['2026-10-20', 'Bissy'],
      ['2026-11-03', 'Le Covet'], ['2026-11-26', 'Bissy'], ['2026-11-27', 'Le Biollay'],
    ];
    for (const [installedOn, neighbourhood] of homes) {
      const beneficiary = await createBeneficiary(ctx, { neighbourhood, trainingCompletedOn: '2026-09-01' }); // trained before the first home
      const { installation } = await scheduleKit(ctx, { beneficiary, scheduledOn: installedOn });
      const res = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn, installedBy: 'Julien Morel' });
      expect(res.status, res.text).toBe(200);
    }
  }, 120_000);

  const report = async (from: string, to: string) => {
    const res = await ctx.api('viewer').get(`/api/v1/reports/summary?from=${from}&to=${to}`);
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  const day = (offset: number) => new Date(Date.UTC(2026, 9, 1) + offset * 86_400_000).toISOString().slice(0, 10);

  it('when every one-day and one-week period of October-November is asked, then no breakdown by neighbourhood is given', async () => {
    let tried = 0;
    for (let start = 0; start < 61; start++) {
      for (const length of [1, 7]) {
        if (start + length > 61) continue;
        const body = await report(day(start), day(start + length - 1));
        expect(body.neighbourhoodBreakdowns, `${day(start)} +${length}`).toBeNull();
        expect(body.installationsByNeighbourhood).toEqual([]);
        expect(body.peopleTrainedByNeighbourhood).toEqual([]);
        tried++;
      }
    }
    expect(tried).toBe(61 + 55);
  }, 120_000);

  it('when a period holds whole months, then the breakdown covers its last finished one only and no "< 5" can be worked out from the total', async () => {
    // September 15 to November 30: November only. One home in each of three neighbourhoods,
    // total 3: each "< 5" could only be 1, so the table is withheld whole.
    const body = await report('2026-09-15', '2026-11-30');
    expect(body.neighbourhoodBreakdowns).toMatchObject({ from: '2026-11-01', to: '2026-11-30' });
    expect(body.neighbourhoodBreakdowns.withheld).toContain('installationsByNeighbourhood');
    expect(body.installationsByNeighbourhood).toEqual([]);
    expect(body.totals.householdsEquipped).toBe(7);
    // October: Bissy 3 and Le Biollay 1, total 4: either could be 1, 2 or 3.
    const october = await report('2026-10-01', '2026-10-31');
    expect(october.installationsByNeighbourhood).toEqual([
      { neighbourhood: 'Bissy', installations: '< 5' },
      { neighbourhood: 'Le Biollay', installations: '< 5' },
    ]);
    // December is not over (the suite's today is 2 December): never broken down.
    if (ctx.clock.now().toISOString().startsWith('2026-12')) expect((await report('2026-12-01', '2026-12-31')).neighbourhoodBreakdowns).toBeNull();
  });

  it('when the report is read as PDF for a period without a whole month, then it says why the table is empty', async () => {
    const { binaryParser, pdfText } = await import('../helpers/pdf.js');
    const res = await ctx.api('viewer').get('/api/v1/reports/summary.pdf?from=2026-11-26&to=2026-11-26').buffer(true).parse(binaryParser);
    expect(res.status).toBe(200);
    expect(await pdfText(res.body)).toContain('mois entier et terminé seulement');
  });
});

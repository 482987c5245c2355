import { beforeAll, describe, expect, it } from 'vitest';
import { MASKED, SMALL, SMALL_COUNT } from '../../src/modules/reports/figures/neighbourhoods.js';
import { useTestApp } from '../helpers/app.js';
import { createBeneficiary, scheduleKit } from '../helpers/installations.js';

const ctx = useTestApp();

// October: Bissy 5, Le Biollay 5. November: Bissy 1, Le Biollay 5. Summed over October and
// November (6 and 10) then over October alone (5 and 5), the one home of Bissy in November
// would be a difference of two exact counts.
const HOMES: [string, string, number][] = [
  ['2026-10', 'Bissy', 5],
  ['2026-10', 'Le Biollay', 5],
  ['2026-11', 'Bissy', 1],
  ['2026-11', 'Le Biollay', 5],
];
const MONTHS = ['2026-09', '2026-10', '2026-11', '2026-12'];
const lastDay = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 0)).toISOString().slice(0, 10);

interface Table {
  months: string[];
  cells: Map<string, number | typeof SMALL | typeof MASKED>;
}

/** What a reader learns from one answer: which months the breakdown covers and its cells. */
async function published(from: string, to: string): Promise<Table | null> {
  const res = await ctx.api('viewer').get(`/api/v1/reports/summary?from=${from}&to=${to}`);
  expect(res.status, res.text).toBe(200);
  const cover = res.body.neighbourhoodBreakdowns;
  if (!cover || cover.withheld.includes('installationsByNeighbourhood')) return null;
  const months = MONTHS.filter((m) => `${m}-01` >= cover.from && lastDay(m) <= cover.to);
  const cells = new Map<string, number | typeof SMALL | typeof MASKED>(res.body.installationsByNeighbourhood.map((n: { neighbourhood: string; installations: number | string }) => [n.neighbourhood, n.installations]));
  return { months, cells };
}

/**
 * The attacker: for one neighbourhood, every count per month (0 to 12) that agrees with all the
 * tables read (exact cells, "< 5" is 1 to 4, "masked" 5 or more, absent 0); returns the sums
 * over runs of consecutive months that every such assignment agrees on.
 */
function derivedSums(tables: Table[], neighbourhood: string): Map<string, number> {
  const fits = (counts: number[]) =>
    tables.every((t) => {
      const sum = t.months.reduce((s, m) => s + counts[MONTHS.indexOf(m)], 0);
      const cell = t.cells.get(neighbourhood);
      if (cell === undefined) return sum === 0;
      if (cell === SMALL) return sum >= 1 && sum < SMALL_COUNT;
      if (cell === MASKED) return sum >= SMALL_COUNT;
      return sum === cell;
    });
  const runs: [number, number][] = [];
  for (let a = 0; a < MONTHS.length; a++) for (let b = a; b < MONTHS.length; b++) runs.push([a, b]);
  const seen = runs.map(() => new Set<number>());
  const counts = [0, 0, 0, 0];
  const walk = (i: number) => {
    if (i === MONTHS.length) {
      if (fits(counts)) runs.forEach(([a, b], r) => seen[r].add(counts.slice(a, b + 1).reduce((s, n) => s + n, 0)));
      return;
    }
    for (let n = 0; n <= 12; n++) {
      counts[i] = n;
      walk(i + 1);
    }
  };
  walk(0);
  const exact = new Map<string, number>();
  runs.forEach(([a, b], r) => {
    if (seen[r].size === 1) exact.set(`${MONTHS[a]}..${MONTHS[b]}`, [...seen[r]][0]);
  });
  return exact;
}

describe('small counts cannot be worked out by differencing periods', () => {
  beforeAll(async () => {
    for (const [month, neighbourhood, count] of HOMES) {
      for (let i = 0; i < count; i++) {
        const installedOn = `${month}-${String(3 + i * 4).padStart(2, '0')}`;
        const beneficiary = await createBeneficiary(ctx, { neighbourhood, trainingCompletedOn: '2026-09-01' }); // trained before the first home
        const { installation } = await scheduleKit(ctx, { beneficiary, scheduledOn: installedOn });
        const res = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn, installedBy: 'Julien Morel' });
        expect(res.status, res.text).toBe(200);
      }
    }
  }, 300_000);

  it('when every month-aligned period, one-day and one-week period is read, then no count under 5 follows from any pair or all of them', async () => {
    const tables: Table[] = [];
    for (let a = 0; a < MONTHS.length; a++) {
      for (let b = a; b < MONTHS.length; b++) {
        const table = await published(`${MONTHS[a]}-01`, lastDay(MONTHS[b]));
        if (table) tables.push(table);
      }
    }
    const day = (offset: number) => new Date(Date.UTC(2026, 9, 1) + offset * 86_400_000).toISOString().slice(0, 10);
    for (let start = 0; start < 61; start++) {
      for (const length of [1, 7]) {
        if (start + length > 61) continue;
        const table = await published(day(start), day(start + length - 1));
        if (table) tables.push(table);
      }
    }
    const pairs = tables.flatMap((t, i) => tables.slice(i + 1).map((u) => [t, u]));
    for (const neighbourhood of ['Bissy', 'Le Biollay']) {
      for (const known of [...pairs, tables]) {
        for (const [run, sum] of derivedSums(known, neighbourhood)) {
          expect(sum === 0 || sum >= SMALL_COUNT, `${neighbourhood} ${run} is exactly ${sum}`).toBe(true);
        }
      }
    }
    // A month still running changes day by day: never broken down (the suite's today is 2 December).
    const running = ctx.clock.now().toISOString().slice(0, 7);
    expect(tables.every((t) => !t.months.includes(running)), 'a breakdown covers a month not over').toBe(true);
    // Still useful: October is published, exactly.
    expect(tables.some((t) => t.months.join() === '2026-10' && t.cells.get('Bissy') === 5)).toBe(true);
  }, 300_000);
});

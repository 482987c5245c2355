import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { useClockAt } from '../helpers/training.js';

const ctx = useTestApp();

describe('the report’s default period', () => {
  // 00:30 on 1 January 2027 in Paris; still 31 December 2026 in UTC.
  useClockAt(ctx, '2026-12-31T23:30:00Z');

  it('when no period is given just after midnight in Paris on New Year’s Day, then it is the new year so far, not the UTC day before', async () => {
    const res = await ctx.api('viewer').get('/api/v1/reports/summary');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.period).toEqual({ from: '2027-01-01', to: '2027-01-01' });
  });
});

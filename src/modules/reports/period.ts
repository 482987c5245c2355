import { sql, type RawBuilder } from 'kysely';
import { badRequest } from '../../http/problem.js';
import { today as parisToday } from '../../shared/business-date.js';

/** A report's period: whole UTC days, `to` included. */
export interface Period {
  from: string;
  to: string;
  /** `from` at 00:00 UTC and the day after `to` at 00:00 UTC, to compare with event times. */
  fromAt: string;
  untilAt: string;
  /** Every month of the period, `YYYY-MM`. */
  months: string[];
}

export const MAX_MONTHS = 120;

/** `to` left out is today as a day in Paris, like every business date (not the UTC day, which lags from 22:00/23:00). */
export function toPeriod(from: string | undefined, to: string | undefined, today = parisToday()): Period {
  const end = to ?? today;
  const start = from ?? `${end.slice(0, 4)}-01-01`;
  if (start > end) throw badRequest('`from` must not be after `to`', [{ path: 'query.from', message: 'after to' }]);
  // Counted on numbers, not strings: "10000-01" sorts before "9999-12".
  const [startYear, startMonth] = start.split('-').map(Number);
  const [endYear, endMonth] = end.split('-').map(Number);
  const count = (endYear - startYear) * 12 + (endMonth - startMonth) + 1;
  if (count > MAX_MONTHS) throw badRequest(`A report covers at most ${MAX_MONTHS} months`, [{ path: 'query.from', message: 'period too long' }]);
  const months = Array.from({ length: count }, (_, i) => {
    const index = startYear * 12 + (startMonth - 1) + i;
    return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
  const untilAt = new Date(Date.parse(`${end}T00:00:00Z`) + 86_400_000).toISOString();
  return { from: start, to: end, fromAt: `${start}T00:00:00.000Z`, untilAt, months };
}

/**
 * A period chosen in whole months (the web page): the first day of `fromMonth` to the last of
 * `toMonth`, or to today while that month is not over; a month left out takes the API's default.
 */
export function monthPeriod(fromMonth: string | undefined, toMonth: string | undefined, today = parisToday()): Period {
  const [year, month] = (toMonth ?? '').split('-').map(Number);
  const lastDay = toMonth ? new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10) : undefined;
  const over = lastDay !== undefined && lastDay < today;
  return toPeriod(fromMonth && `${fromMonth}-01`, over ? lastDay : undefined, today);
}

export interface MonthRange {
  month: string;
  /** First and last day of the month inside the period. */
  from: string;
  to: string;
  /** The same as instants: [fromAt, untilAt). */
  fromAt: string;
  untilAt: string;
}

/** The period cut into its months, the first and last clipped to the period. */
export function monthRanges(period: Period): MonthRange[] {
  return period.months.map((month) => {
    const [year, m] = month.split('-').map(Number);
    const next = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
    const lastDay = new Date(Date.parse(`${next}-01T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const from = `${month}-01` < period.from ? period.from : `${month}-01`;
    const to = lastDay > period.to ? period.to : lastDay;
    const untilAt = `${next}-01T00:00:00.000Z` > period.untilAt ? period.untilAt : `${next}-01T00:00:00.000Z`;
    return { month, from, to, fromAt: `${from}T00:00:00.000Z`, untilAt };
  });
}

/**
 * The period's months as a table for one statement, `months(month_key, first_day, last_day)`:
 * `WITH months … SELECT month_key, (SELECT count(*) … BETWEEN first_day AND last_day) … FROM months`.
 * Each correlated count still reads only its month's slice of an index, with no sort, as the
 * one-query-per-month it replaces did, but the report prepares (and, on PostgreSQL, sends) one
 * statement instead of one per month (SQLite and PostgreSQL alike: a CTE with a column list
 * over VALUES).
 */
export function monthsTable(period: Period): RawBuilder<unknown> {
  const rows = monthRanges(period).map((range) => sql`(${range.month}, ${range.from}, ${range.to})`);
  return sql`with months (month_key, first_day, last_day) as (values ${sql.join(rows)})`;
}

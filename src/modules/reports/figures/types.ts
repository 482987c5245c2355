import type { Db } from '../../../db/connection.js';
import type { Period } from '../period.js';

/**
 * One group of report figures: totals over the period and the same by month (`YYYY-MM`). A
 * month with nothing may be left out; the report fills zeros. Each group is one query or two.
 */
export interface FigureGroup<K extends string> {
  totals: Record<K, number>;
  byMonth: Map<string, Partial<Record<K, number>>>;
}

export type Figures<K extends string, Extra = object> = (db: Db, period: Period) => Promise<FigureGroup<K> & Extra>;

export function addTo<K extends string>(byMonth: Map<string, Partial<Record<K, number>>>, month: string, key: K, value: number): void {
  const entry: Partial<Record<K, number>> = byMonth.get(month) ?? {};
  entry[key] = (entry[key] ?? 0) + value;
  byMonth.set(month, entry);
}

export const round3 = (value: number) => Math.round(value * 1000) / 1000;

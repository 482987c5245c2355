import type { Db } from '../../../db/connection.js';
import { ledgerSums } from '../../exchange/service.js';
import type { Period } from '../period.js';

export interface ExchangeFigures {
  asOf: string;
  credits: number;
  unitsReceived: number;
  adjustments: number;
  balance: number;
}

/**
 * The exchange with the reconditioner as it stood at the end of the period, or today for a
 * period still running (a balance is never stated at a date to come): the same sums as
 * `GET /exchange` (`ledgerSums`, shared with `getExchangeSummary`), over the ledger entries
 * dated on or before that day. A stock, not a flow: there is no monthly breakdown.
 */
export async function exchangeFigures(db: Db, period: Period, today: string): Promise<ExchangeFigures> {
  const asOf = period.to < today ? period.to : today;
  const { credits, unitsReceived, adjustments, balance } = await ledgerSums(db, asOf);
  return { asOf, credits, unitsReceived, adjustments, balance };
}

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
 * The exchange with the reconditioner as it stood at the end of the period: the same sums as
 * `GET /exchange` (`ledgerSums`, shared with `getExchangeSummary`), over the ledger entries
 * dated on or before `to`. A stock, not a flow: there is no monthly breakdown.
 */
export async function exchangeFigures(db: Db, period: Period): Promise<ExchangeFigures> {
  const { credits, unitsReceived, adjustments, balance } = await ledgerSums(db, period.to);
  return { asOf: period.to, credits, unitsReceived, adjustments, balance };
}

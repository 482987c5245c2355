import { nowIso } from '../db/transaction.js';
import { ProblemError } from '../http/problem.js';

/** Today's date (UTC), `YYYY-MM-DD`: the default business date of an action recorded now. */
export const today = () => nowIso().slice(0, 10);

/** A business date given by the client (dispatch, scrap, reconditioning…) must not be in the future. */
export function assertNotFuture(date: string, path: string, what: string): void {
  if (date > today()) throw new ProblemError(422, `${what} cannot be dated in the future`, {}, [{ path, message: 'after today' }]);
}

import { today } from '../clock.js';
import { ProblemError } from '../http/problem.js';

/** Today's date in Paris, `YYYY-MM-DD`, from the clock: the default business date of an action recorded now. */
export { today };

/**
 * A business date given by the client (dispatch, scrap, reconditioning, receipt, collection,
 * installation…) must not be in the future: after today's date in Paris, the day the staff
 * typing it live in.
 */
export function assertNotFuture(date: string, path: string, what: string): void {
  if (date > today()) throw new ProblemError(422, `${what} cannot be dated in the future`, {}, [{ path, message: 'after today' }]);
}

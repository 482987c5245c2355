import { isBlank } from '../shared/fields.js';

/**
 * A submitted form as the module schemas expect it: empty fields left out (a blank input, spaces
 * or invisible characters only, means "not given"), numeric fields turned into numbers when they look like one (else left for the
 * schema to refuse), and the CSRF token dropped.
 */
export function formInput(body: unknown, fields: readonly string[], numeric: readonly string[] = []): Record<string, unknown> {
  const source = (body ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = source[field];
    if (typeof raw !== 'string' || isBlank(raw)) continue;
    if (numeric.includes(field)) {
      const text = raw.trim().replace(',', '.');
      out[field] = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : raw;
    } else {
      out[field] = raw;
    }
  }
  return out;
}

const PARIS_WALL = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});
/** The wall clock in Paris at this instant, read as if it were UTC (ms). */
const parisWall = (ms: number) => Date.parse(`${PARIS_WALL.format(ms).replace(' ', 'T')}Z`);

/** An instant as a `datetime-local` value on the depot's clock (Paris), for a form's default. */
export function parisLocal(at: Date): string {
  return PARIS_WALL.format(at).replace(' ', 'T').slice(0, 16);
}

/**
 * A `datetime-local` value typed on the depot's clock (Paris) as an ISO instant: the browser
 * sends no time zone, and the server's own is not the depot's. Anything else is returned as
 * typed, for the schema to refuse.
 */
export function parisInstant(local: unknown): unknown {
  if (typeof local !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) return local;
  const asUtc = Date.parse(`${local}Z`);
  if (Number.isNaN(asUtc)) return local;
  // Paris is one or two hours ahead; take the offset at the guessed instant, then at the result (DST days).
  const guess = asUtc - (parisWall(asUtc) - asUtc);
  return new Date(asUtc - (parisWall(guess) - guess)).toISOString();
}

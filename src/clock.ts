/**
 * The one source of "now" and "today" for the whole service. Every timestamp written, every
 * "not in the future" check, every default period and every file name dated today reads this
 * clock, so a test can move the whole service to any date (`TEST_CLOCK=2030-06-01 npm test`)
 * and nothing depends on the machine's calendar.
 *
 * `buildApp({ clock })` installs the clock it is given (the system clock by default); scripts
 * use the system clock. The clock is process-wide because "now" is read deep inside services
 * and schemas that have no request at hand; one process serves one app.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that runs at real speed from a chosen start; tests can jump it with `set`. */
export interface SettableClock extends Clock {
  set(at: string | Date): void;
  advance(ms: number): void;
}

export function clockFrom(start: string | Date): SettableClock {
  let offset = 0;
  const set = (at: string | Date) => {
    const target = typeof at === 'string' ? Date.parse(at) : at.getTime();
    if (Number.isNaN(target)) throw new Error(`not a date: ${String(at)}`);
    offset = target - Date.now();
  };
  set(start);
  return {
    now: () => new Date(Date.now() + offset),
    set,
    advance: (ms) => {
      offset += ms;
    },
  };
}

let current: Clock = systemClock;

/** Installs the process's clock (buildApp does it). */
export function useClock(clock: Clock): void {
  current = clock;
}

export function currentClock(): Clock {
  return current;
}

export function now(): Date {
  return current.now();
}

export function nowMs(): number {
  return current.now().getTime();
}

/** The current instant, ISO-8601 UTC with milliseconds. */
export function nowIso(): string {
  return current.now().toISOString();
}

const PARIS_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' });

/**
 * Today's date in Paris, `YYYY-MM-DD`: the business date of an action recorded now without a
 * date, the day a form offers, and the bound of every "not in the future" check. The one
 * "today" of the service: between 22:00/23:00 UTC and midnight the UTC day is still yesterday
 * in France, and an undated action must not fall on the day before.
 */
export function today(): string {
  return dayInParis(current.now());
}

/** The day an instant falls on in Paris, `YYYY-MM-DD`: to compare a time with a business date typed in France. */
export function dayInParis(at: Date): string {
  return PARIS_DAY.format(at);
}

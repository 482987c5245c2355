/**
 * A submitted form as the module schemas expect it: empty fields left out (a blank input means
 * "not given"), numeric fields turned into numbers when they look like one (else left for the
 * schema to refuse), and the CSRF token dropped.
 */
export function formInput(body: unknown, fields: readonly string[], numeric: readonly string[] = []): Record<string, unknown> {
  const source = (body ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = source[field];
    if (typeof raw !== 'string' || raw.trim() === '') continue;
    if (numeric.includes(field)) {
      const text = raw.trim().replace(',', '.');
      out[field] = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : raw;
    } else {
      out[field] = raw;
    }
  }
  return out;
}

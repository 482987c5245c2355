/** True when the Accept header ranks text/csv above JSON (q-values honoured, JSON wins ties). */
export function prefersCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  let csv = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';').map((s) => s.trim());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) || 0 : 1;
    if (range === 'text/csv') csv = Math.max(csv, q);
    if (range === 'application/json' || range === 'application/*' || range === '*/*') json = Math.max(json, range === 'application/json' ? q : q - 0.001);
  }
  return csv > 0 && csv > json;
}

import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { TEMPLATES_DIR } from '../../shared/identity.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';

const wordingSchema = z.object({
  foundLine: z.string(),
  calibrationTitle: z.string(),
  calibrationOffsets: z.string(),
  calibrationStepsTitle: z.string(),
  calibrationSteps: z.array(z.string()).min(1),
});
export type LabelWording = z.infer<typeof wordingSchema>;

let cached: LabelWording | undefined;

/** French wording printed on labels, from `templates/labels.json`. */
export function labelWording(): LabelWording {
  cached ??= wordingSchema.parse(JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, 'labels.json'), 'utf8')));
  return cached;
}

/** Labels name kinds like every document does (one table, `shared/kinds-fr.ts`). */
export const kindLabel = (kind: string): string => kindLabelFr(kind);

/** `Trouvé ? {phone}` → `Trouvé ? 04 79 96 86 00`. */
export function fillIn(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

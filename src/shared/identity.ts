import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Editable wording and templates live in `templates/` at the repository root, never in code. */
export const TEMPLATES_DIR = findTemplatesDir();

function findTemplatesDir(): string {
  // From src/shared under tsx, or dist/src/shared once compiled.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = ['../../templates', '../../../templates'].map((p) => path.resolve(here, p));
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'programme.json'))) ?? candidates[0];
}

const party = z.object({
  name: z.string(),
  /** The name as a sentence needs it, with its article: "la Régie de quartier de Chambéry", "l'association BLÉ". */
  nameInSentence: z.string().optional(),
  /** Who signs this party's documents. */
  signatory: z.object({ name: z.string(), role: z.string() }).optional(),
  addressLine: z.string(),
  postcode: z.string(),
  city: z.string(),
  phone: z.string(),
  email: z.string().optional(),
  website: z.string().optional(),
});

const identitySchema = z.object({
  programmeName: z.string(),
  shortName: z.string(),
  coordinator: party,
  collector: party,
  reconditioner: party,
  lender: party,
  foundPhone: z.string(),
  funding: z.string(),
});
export type ProgrammeIdentity = z.infer<typeof identitySchema>;
export type Party = z.infer<typeof party>;

let cached: ProgrammeIdentity | undefined;

/** The programme's names, addresses and phone numbers, from `templates/programme.json`. */
export function programmeIdentity(): ProgrammeIdentity {
  cached ??= identitySchema.parse(JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, 'programme.json'), 'utf8')));
  return cached;
}

/** A party's name inside a sentence ("la Régie de quartier de Chambéry atteste"). */
export const inSentence = (p: Party) => p.nameInSentence ?? p.name;

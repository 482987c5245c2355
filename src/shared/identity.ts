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

/** Where the identity is read: `PROGRAMME_FILE`, or the shipped example `templates/programme.json`. */
export const programmeFile = (env: NodeJS.ProcessEnv = process.env) =>
  env.PROGRAMME_FILE ? path.resolve(env.PROGRAMME_FILE) : path.join(TEMPLATES_DIR, 'programme.json');

/** Reads and checks an identity file; the error names the file and the field. */
export function loadIdentity(file: string): ProgrammeIdentity {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the programme identity ${file}: ${(error as Error).message}`);
  }
  const parsed = identitySchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Invalid programme identity ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** The fields still holding the shipped example values ("Exemple", exemple.invalid…). */
export function exampleFields(identity: ProgrammeIdentity): string[] {
  const found: string[] = [];
  const walk = (value: unknown, at: string) => {
    if (typeof value === 'string' && /exemple|example/i.test(value)) found.push(at);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, at ? `${at}.${k}` : k);
  };
  walk(identity, '');
  return found;
}

let cached: ProgrammeIdentity | undefined;

/**
 * The programme's names, addresses, phones, e-mails and signatories, set at deployment from
 * `PROGRAMME_FILE` (the shipped `templates/programme.json` holds example values only).
 */
export function programmeIdentity(): ProgrammeIdentity {
  cached ??= loadIdentity(programmeFile());
  return cached;
}

/** A party's name inside a sentence ("la Régie de quartier de Chambéry atteste"). */
export const inSentence = (p: Party) => p.nameInSentence ?? p.name;

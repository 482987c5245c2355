import { z } from 'zod';
import { exampleFields, loadIdentity, programmeFile } from './shared/identity.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'expected sqlite:PATH or postgres://…')
    .optional(),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  ASSET_TAG_PREFIX: z
    .string()
    .regex(/^[A-Z0-9]{1,8}$/, 'expected 1 to 8 upper-case letters or digits')
    .default('OP'),
  ADMIN_API_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  CONTRACT_TEMPLATE: z.string().min(1).optional(),
  RETENTION_MONTHS: z.coerce.number().int().min(1).max(600).default(24),
  PROGRAMME_FILE: z.string().min(1).optional(),
  NODE_ENV: z.string().optional(),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  publicUrl: string;
  assetTagPrefix: string;
  adminApiKey?: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Path of the loan contract template; `templates/contract.fr.md` when unset. */
  contractTemplate?: string;
  /** Months after the last contact before a beneficiary is anonymised (CNIL délibération 2023-095). */
  retentionMonths: number;
}

export class ConfigError extends Error {}

export const DEFAULT_SQLITE_PATH = './data/ordipratique.sqlite';

/** Reads the environment once, at start; a bad value throws naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production') assertDeployable(present);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${DEFAULT_SQLITE_PATH}`,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    assetTagPrefix: e.ASSET_TAG_PREFIX,
    adminApiKey: e.ADMIN_API_KEY,
    logLevel: e.LOG_LEVEL,
    contractTemplate: e.CONTRACT_TEMPLATE,
    retentionMonths: e.RETENTION_MONTHS,
  };
}

/**
 * In production the documents and labels must carry the programme's own identity and address:
 * refuse to start while `PUBLIC_URL` is unset or the identity still holds the shipped examples.
 */
function assertDeployable(env: NodeJS.ProcessEnv): void {
  const problems: string[] = [];
  if (!env.PUBLIC_URL) problems.push('  PUBLIC_URL: set it to the public address printed on labels (e.g. https://ordi.your-domain.fr)');
  const file = programmeFile(env);
  try {
    const examples = exampleFields(loadIdentity(file));
    if (examples.length) {
      problems.push(`  PROGRAMME_FILE: ${file} still holds example values (${examples.join(', ')}); copy it, fill in your programme's names, addresses, phones, e-mails and signatories, and point PROGRAMME_FILE at the copy`);
    }
  } catch (error) {
    problems.push(`  PROGRAMME_FILE: ${(error as Error).message}`);
  }
  if (problems.length) throw new ConfigError(`Not ready for production (NODE_ENV=production):\n${problems.join('\n')}`);
}

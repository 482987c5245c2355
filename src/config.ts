import { z } from 'zod';

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
  ADMIN_EMAIL: z.email('expected an e-mail address').optional(),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  CONTRACT_TEMPLATE: z.string().min(1).optional(),
  RETENTION_MONTHS: z.coerce.number().int().min(1).max(600).default(24),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  publicUrl: string;
  assetTagPrefix: string;
  adminApiKey?: string;
  /** With `adminPassword`: a web admin with this e-mail and password exists after start. */
  adminEmail?: string;
  adminPassword?: string;
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
  if (Boolean(e.ADMIN_EMAIL) !== Boolean(e.ADMIN_PASSWORD)) {
    throw new ConfigError(`Invalid configuration:\n  ${e.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'}: required with ${e.ADMIN_EMAIL ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD'}`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${DEFAULT_SQLITE_PATH}`,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    assetTagPrefix: e.ASSET_TAG_PREFIX,
    adminApiKey: e.ADMIN_API_KEY,
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    logLevel: e.LOG_LEVEL,
    contractTemplate: e.CONTRACT_TEMPLATE,
    retentionMonths: e.RETENTION_MONTHS,
  };
}

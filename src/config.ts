import { z } from 'zod';

/** The most labels one request may ever print, whatever LABELS_MAX says (the body's own bound). */
export const MAX_LABELS_CEILING = 20_000;

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
  CORS_ORIGINS: z
    .string()
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/ }).regex(/^https?:\/\/[^/]+$/, 'expected origins such as https://app.example.fr (no path)')))
    .optional(),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/,\s]+)$/, 'expected true, false, a number of proxies, or addresses/CIDRs separated by commas')
    .default('false'),
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  EXPENSIVE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  EXPENSIVE_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(2),
  PUBLIC_PAGE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  LABELS_MAX: z.coerce.number().int().min(1).max(MAX_LABELS_CEILING).default(5000),
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
  /** Browser origins allowed to call the API (CORS); empty: none, CORS off. */
  corsOrigins: string[];
  /** Fastify's `trustProxy`: whose X-Forwarded-For to believe for the client address. */
  trustProxy: boolean | string[] | ((address: string, hop: number) => boolean);
  limits: Limits;
}

/** Rate and size limits; see README's configuration table. */
export interface Limits {
  /** Failed authentications per client address per minute before 429. */
  authFailuresPerMinute: number;
  /** Expensive requests (PDFs, labels, CSV, reports) per API key per minute. */
  expensivePerMinute: number;
  /** Expensive requests in flight at once per API key. */
  expensiveConcurrency: number;
  /** Public label page views per client address per minute. */
  publicPagePerMinute: number;
  /** Labels (devices × copies) one request may print. */
  labelsMax: number;
}

function trustProxy(value: string): Config['trustProxy'] {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) {
    // The n nearest proxies are trusted: the client is the address n hops back.
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value.split(',').map((s) => s.trim()).filter(Boolean);
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
    corsOrigins: e.CORS_ORIGINS ?? [],
    trustProxy: trustProxy(e.TRUST_PROXY),
    limits: {
      authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
      expensivePerMinute: e.EXPENSIVE_PER_MINUTE,
      expensiveConcurrency: e.EXPENSIVE_CONCURRENCY,
      publicPagePerMinute: e.PUBLIC_PAGE_PER_MINUTE,
      labelsMax: e.LABELS_MAX,
    },
  };
}

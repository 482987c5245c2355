import { z } from 'zod';
import { line, timestamp } from '../../shared/fields.js';

export const ROLES = ['admin', 'collector', 'reconditioner', 'installer', 'viewer', 'trainer'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

export const createApiKeySchema = z.strictObject({
  name: line(100).describe('Who or what uses the key; recorded as the actor of every event'),
  role: roleSchema,
});
export type CreateApiKey = z.infer<typeof createApiKeySchema>;

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    keyPrefix: z.string().describe('The first characters of the secret, to tell keys apart'),
    createdAt: timestamp,
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof apiKeySchema>;

export const createdApiKeySchema = apiKeySchema
  .extend({ key: z.string().describe('The secret, shown this once only') })
  .meta({ id: 'CreatedApiKey' });

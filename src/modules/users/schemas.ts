import { z } from 'zod';
import { email, line } from '../../shared/fields.js';
import { roleSchema } from '../api-keys/schemas.js';

export const MIN_PASSWORD_LENGTH = 12;

export const createUserSchema = z.strictObject({
  email: email.transform((value) => value.toLowerCase()),
  name: line(100).describe('Shown on screen and recorded as the actor of every change the person makes'),
  role: roleSchema,
});
export type CreateUser = z.infer<typeof createUserSchema>;

export const signInSchema = z.strictObject({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().max(1000),
});

export const setPasswordSchema = z.strictObject({
  password: z.string().max(1000),
  confirmation: z.string().max(1000),
});

export interface StaffUser {
  id: string;
  email: string;
  name: string;
  role: z.infer<typeof roleSchema>;
  active: boolean;
  hasPassword: boolean;
  createdAt: string;
}

import { z } from 'zod';
import { line, optional, text } from '../../shared/fields.js';
import { GRADES } from '../devices/schemas.js';

export const reconditionSchema = z.strictObject({
  grade: z.enum(GRADES),
  os: optional(line(120)).describe('The system installed, e.g. "Linux Mint 22"'),
  notes: optional(text()),
});
export type ReconditionInput = z.infer<typeof reconditionSchema>;

import { z } from 'zod';
import { isoDate, line, optional, text } from '../../shared/fields.js';
import { GRADES } from '../devices/schemas.js';

export const reconditionSchema = z.strictObject({
  grade: z.enum(GRADES),
  reconditionedOn: isoDate.optional().describe('The day it was made ready (today by default; not in the future, nor before the device came into the programme or last came back from a home); reports count by it'),
  os: optional(line(120)).describe('The system installed, e.g. "Linux Mint 22"'),
  notes: optional(text()),
});
export type ReconditionInput = z.infer<typeof reconditionSchema>;

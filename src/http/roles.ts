import { ROLES, type Role } from '../shared/enums.js';

/** Every role an API key may have (api-keys/schemas.ts builds its zod enum from this list). */
export { ROLES, type Role };

/** Who may change what; `admin` may always. Reads are open to every role unless a route says otherwise. */
export const WRITERS = {
  donors: ['collector'],
  collections: ['collector'],
  intake: ['collector'],
  deviceEdit: ['collector', 'reconditioner'],
  scrap: ['collector', 'reconditioner'],
  admin: ['admin'],
  beneficiaries: ['installer'],
  installations: ['installer'],
  erasure: ['collector', 'reconditioner'],
  recondition: ['collector', 'reconditioner'],
  shipments: ['collector'],
  acknowledge: ['reconditioner'],
  deliveries: ['reconditioner', 'collector'],
  exchangeTerms: ['admin'],
  labels: ['collector', 'reconditioner', 'installer'],
  training: ['installer'],
  attendance: ['installer', 'trainer'],
} as const satisfies Record<string, readonly Role[]>;

/**
 * Who reads the training module: every role, `trainer` included (partner staff, who reach
 * nothing else: `trainer` is not in ANY_ROLE). What each sees is narrowed by the service:
 * names for installer and admin, and for a trainer in their own cycles only.
 */
export const TRAINING_READERS = ['collector', 'reconditioner', 'installer', 'viewer', 'trainer'] as const satisfies readonly Role[];

/**
 * Who reads the programme report (API and web page alike): every role but `trainer`, who reaches
 * the training pages only. The figures hold no personal data.
 */
export const REPORT_READERS = ['collector', 'reconditioner', 'installer', 'viewer'] as const satisfies readonly Role[];

import type { Role } from '../modules/api-keys/schemas.js';

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
} as const satisfies Record<string, readonly Role[]>;

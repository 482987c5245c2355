import type { Role } from '../modules/api-keys/schemas.js';

/** Whether a page shows an action to this role: admin always, else the roles the API route names. */
export function allowed(role: Role | undefined, roles: readonly Role[]): boolean {
  return role === 'admin' || (role !== undefined && roles.includes(role));
}

import { WRITERS } from '../http/roles.js';
import type { Role } from '../modules/api-keys/schemas.js';
import { allowedActions, type Action } from '../modules/devices/lifecycle.js';
import type { Device } from '../modules/devices/schemas.js';
import { allowed } from './roles.js';

/**
 * How the device page offers each action of the lifecycle's transition table, with the roles of
 * the API route that performs it. The record is keyed by `Action`, so an action added to the
 * table does not compile until it is given a place here; which actions a device shows is always
 * `allowedActions(status)`, never a list of our own.
 */
type Offer =
  | { on: 'page'; roles: readonly Role[]; label: string }
  /** A link to the page that does it; no link (undefined) when the device lacks what that page needs. */
  | { on: 'link'; roles: readonly Role[]; label: (device: Device) => string; href: (device: Device, context: DeviceContext) => string | undefined }
  /** Not offered in the web app: the API only. */
  | { on: 'api' };

/** What a link needs beyond the device: the installation it is reserved for or lent under. */
export interface DeviceContext {
  installationId?: string;
}

const OFFERS: Record<Action, Offer> = {
  dispatch: { on: 'link', roles: WRITERS.shipments, label: () => 'Ajouter à une expédition', href: () => '/expeditions' },
  deliver: {
    on: 'link',
    roles: WRITERS.deliveries,
    label: (d) => (d.missingSince ? 'Retrouvé : enregistrer sa réception' : 'Enregistrer sa réception'),
    href: (d) => `/receptions/nouvelle?code=${encodeURIComponent(d.assetTag)}`,
  },
  recondition: { on: 'page', roles: WRITERS.recondition, label: 'Reconditionner (grade)' },
  schedule: { on: 'link', roles: WRITERS.installations, label: () => 'Planifier une installation', href: () => '/installations/nouvelle' },
  // Cancelling a reservation has no page yet: the installation's page says where it stands.
  cancel: { on: 'api' },
  complete: {
    on: 'link',
    roles: WRITERS.installations,
    label: () => 'Valider l’installation (signatures)',
    href: (_d, c) => (c.installationId ? `/installations/${c.installationId}/signature` : undefined),
  },
  return: {
    on: 'link',
    roles: WRITERS.installations,
    label: () => 'Enregistrer la restitution',
    href: (d, c) => (c.installationId ? `/installations/${c.installationId}/restitution?appareil=${d.id}` : undefined),
  },
  scrap: { on: 'page', roles: WRITERS.scrap, label: 'Mettre au rebut' },
};

export type OfferedAction =
  | { action: Action; kind: 'form'; label: string }
  | { action: Action; kind: 'link'; label: string; href: string };

/** The lifecycle actions this role may take on this device now: exactly those the API would accept from its status. */
export function deviceActionsFor(device: Device, role: Role | undefined, context: DeviceContext = {}): OfferedAction[] {
  const offered: OfferedAction[] = [];
  for (const action of allowedActions(device.status)) {
    const offer = OFFERS[action];
    if (offer.on === 'api' || !allowed(role, offer.roles)) continue;
    if (offer.on === 'page') {
      offered.push({ action, kind: 'form', label: offer.label });
      continue;
    }
    const href = offer.href(device, context);
    if (href) offered.push({ action, kind: 'link', label: offer.label(device), href });
  }
  return offered;
}

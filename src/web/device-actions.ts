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
  | { on: 'link'; roles: readonly Role[]; label: (device: Device) => string; href: (device: Device) => string }
  /** Done from the page that holds what the action needs (an installation and its beneficiary). */
  | { on: 'elsewhere' };

const OFFERS: Record<Action, Offer> = {
  dispatch: { on: 'link', roles: WRITERS.shipments, label: () => 'Ajouter à une expédition', href: () => '/expeditions' },
  deliver: {
    on: 'link',
    roles: WRITERS.deliveries,
    label: (d) => (d.missingSince ? 'Retrouvé : enregistrer sa réception' : 'Enregistrer sa réception'),
    href: (d) => `/receptions/nouvelle?code=${encodeURIComponent(d.assetTag)}`,
  },
  recondition: { on: 'page', roles: WRITERS.recondition, label: 'Reconditionner (grade)' },
  schedule: { on: 'elsewhere' },
  cancel: { on: 'elsewhere' },
  complete: { on: 'elsewhere' },
  return: { on: 'elsewhere' },
  scrap: { on: 'page', roles: WRITERS.scrap, label: 'Mettre au rebut' },
};

export type OfferedAction =
  | { action: Action; kind: 'form'; label: string }
  | { action: Action; kind: 'link'; label: string; href: string };

/** The lifecycle actions this role may take on this device now: exactly those the API would accept from its status. */
export function deviceActionsFor(device: Device, role: Role | undefined): OfferedAction[] {
  const offered: OfferedAction[] = [];
  for (const action of allowedActions(device.status)) {
    const offer = OFFERS[action];
    if (offer.on === 'elsewhere' || !allowed(role, offer.roles)) continue;
    offered.push(offer.on === 'page' ? { action, kind: 'form', label: offer.label } : { action, kind: 'link', label: offer.label(device), href: offer.href(device) });
  }
  return offered;
}

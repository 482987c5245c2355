import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TEMPLATES_DIR, inSentence, programmeIdentity } from '../../shared/identity.js';
import type { PublicDevice } from './schemas.js';

interface PageTemplates {
  found: string;
  notFound: string;
  style: string;
  contentSecurityPolicy: string;
}

let cached: PageTemplates | undefined;

/** The page wording lives in `templates/`; the stylesheet is inline, allowed by its hash only. */
function templates(): PageTemplates {
  if (!cached) {
    const read = (name: string) => fs.readFileSync(path.join(TEMPLATES_DIR, name), 'utf8');
    const style = read('public-page.css');
    const hash = createHash('sha256').update(style).digest('base64');
    cached = {
      found: read('device-page.html'),
      notFound: read('device-not-found.html'),
      style,
      contentSecurityPolicy: [
        "default-src 'none'",
        `style-src 'sha256-${hash}'`,
        "img-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
    };
  }
  return cached;
}

export const pageContentSecurityPolicy = () => templates().contentSecurityPolicy;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };
export const escapeHtml = (value: string) => value.replace(/[&<>"'`]/g, (c) => ESCAPES[c]);

/** `{{name}}` is escaped; `{{{name}}}` is inserted as is (only the stylesheet is). */
function fill(template: string, values: Record<string, string>, raw: Record<string, string>): string {
  return template
    .replace(/\{\{\{(\w+)\}\}\}/g, (_, key: string) => raw[key] ?? '')
    .replace(/\{\{(\w+)\}\}/g, (_, key: string) => escapeHtml(values[key] ?? ''));
}

function common(assetTag: string): Record<string, string> {
  const identity = programmeIdentity();
  return {
    assetTag,
    programmeName: identity.programmeName,
    coordinatorName: identity.coordinator.name,
    coordinatorInSentence: inSentence(identity.coordinator),
    foundPhone: identity.foundPhone,
    foundPhoneTel: identity.foundPhone.replace(/[^\d+]/g, ''),
    funding: identity.funding,
  };
}

export function devicePage(device: PublicDevice): string {
  const name = [device.brand, device.model].filter(Boolean).join(' ');
  return fill(templates().found, { ...common(device.assetTag), kindLabel: device.kindLabel, deviceName: name ? ` · ${name}` : '' }, { style: templates().style });
}

export function notFoundPage(assetTag: string): string {
  return fill(templates().notFound, common(assetTag.slice(0, 100)), { style: templates().style });
}

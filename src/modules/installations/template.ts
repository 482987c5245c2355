import fs from 'node:fs';
import path from 'node:path';
import { TEMPLATES_DIR } from '../../shared/identity.js';

/**
 * The loan contract's wording lives in an editable Markdown-like file (`templates/contract.fr.md`):
 * a front matter with `version` and `title`, then `# title`, `## heading`, paragraphs, `- bullets`,
 * `**bold**`, `{{placeholders}}`, and the blocks `[[kit]]` and `[[signatures]]` on their own line.
 */
export type Block =
  | { kind: 'title'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'bullets'; items: string[] }
  | { kind: 'kit' }
  | { kind: 'signatures' };

export interface ContractTemplate {
  version: string;
  title: string;
  /** The file as read, stored with a frozen contract so a redacted copy keeps the signed wording. */
  source: string;
  blocks: Block[];
}

export const PLACEHOLDERS = [
  'programme.name', 'programme.funding',
  'lender.name', 'lender.inSentence', 'lender.address', 'lender.city', 'lender.phone', 'lender.email',
  'coordinator.name', 'coordinator.inSentence', 'coordinator.phone', 'coordinator.email',
  'beneficiary.name', 'beneficiary.address', 'beneficiary.phone', 'beneficiary.reference',
  'contract.number', 'contract.date', 'installation.scheduledOn', 'installation.date',
  'staff.name', 'kit.accessories', 'found.phone', 'retention.months',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export class TemplateError extends Error {}

export const DEFAULT_CONTRACT_TEMPLATE = path.join(TEMPLATES_DIR, 'contract.fr.md');

const cache = new Map<string, { stamp: string; template: ContractTemplate }>();

/** Reads the template, again only when the file changed (an edit applies to the next draft without a restart). */
export function loadContractTemplate(file = DEFAULT_CONTRACT_TEMPLATE): ContractTemplate {
  const stat = fs.statSync(file);
  const stamp = `${stat.mtimeMs}:${stat.size}`;
  const hit = cache.get(file);
  if (hit?.stamp === stamp) return hit.template;
  const template = parseContractTemplate(fs.readFileSync(file, 'utf8'), file);
  cache.set(file, { stamp, template });
  return template;
}

export function parseContractTemplate(source: string, name = 'contract template'): ContractTemplate {
  const front = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(source);
  if (!front) throw new TemplateError(`${name}: missing the front matter (--- version: … ---)`);
  const meta = Object.fromEntries(
    front[1].split(/\r?\n/).map((l) => /^\s*([a-z]+)\s*:\s*(.+?)\s*$/i.exec(l)).filter((m) => m !== null).map((m) => [m[1], m[2]]),
  );
  if (!meta.version) throw new TemplateError(`${name}: the front matter needs a version`);
  const unknown = [...source.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)].map((m) => m[1]).filter((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown.length) throw new TemplateError(`${name}: unknown placeholder(s) ${[...new Set(unknown)].join(', ')}; known: ${PLACEHOLDERS.join(', ')}`);

  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let bullets: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
    if (bullets.length) blocks.push({ kind: 'bullets', items: bullets });
    paragraph = [];
    bullets = [];
  };
  for (const raw of source.slice(front[0].length).split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') flush();
    else if (line === '[[kit]]' || line === '[[signatures]]') {
      flush();
      blocks.push({ kind: line === '[[kit]]' ? 'kit' : 'signatures' });
    } else if (line.startsWith('## ')) {
      flush();
      blocks.push({ kind: 'heading', text: line.slice(3).trim() });
    } else if (line.startsWith('# ')) {
      flush();
      blocks.push({ kind: 'title', text: line.slice(2).trim() });
    } else if (line.startsWith('- ')) {
      if (paragraph.length) flush();
      bullets.push(line.slice(2).trim());
    } else if (bullets.length) {
      bullets[bullets.length - 1] += ` ${line}`;
    } else paragraph.push(line);
  }
  flush();
  return { version: meta.version, title: meta.title ?? 'Contrat de prêt', source, blocks };
}

/** Replaces every `{{placeholder}}`; all names were checked when the template was read. */
export function fill(text: string, values: Record<Placeholder, string>): string {
  return text.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_, name: Placeholder) => values[name]);
}

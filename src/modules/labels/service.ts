import type { Db } from '../../db/connection.js';
import { ProblemError, badRequest } from '../../http/problem.js';
import { programmeIdentity } from '../../shared/identity.js';
import { getCollectionRow } from '../collections/service.js';
import { getDeviceRow } from '../devices/service.js';
import { FORMATS, DEFAULT_FORMAT, FORMAT_IDS, labelsPerPage, type FormatId, type LabelFormat } from './formats.js';
import type { LabelContent } from './render.js';
import type { LabelRequest, PublicDevice } from './schemas.js';
import { kindLabel } from './wording.js';

interface LabelDevice {
  id: string;
  asset_tag: string;
  kind: string;
  brand: string | null;
  model: string | null;
}

const COLUMNS = ['id', 'asset_tag', 'kind', 'brand', 'model'] as const;
/** Below SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

export interface LabelJob {
  format: LabelFormat;
  count: number;
  contents: Iterable<LabelContent>;
  filename: string;
  startPosition: number;
  offsetXMm: number;
  offsetYMm: number;
}

export function listFormats() {
  return {
    items: FORMAT_IDS.map((formatId) => {
      const format = FORMATS[formatId];
      // edgeMm is a drawing choice, not geometry: the response schema leaves it out.
      return { ...format, labelsPerPage: labelsPerPage(format), default: formatId === DEFAULT_FORMAT };
    }),
  };
}

export const labelUrl = (publicUrl: string, assetTag: string) => `${publicUrl}/d/${encodeURIComponent(assetTag)}`;

/** 422 naming the cap (LABELS_MAX) when a request asks for more labels than one may print. */
function checkLabelCount(count: number, labelsMax: number, path: string): void {
  if (count <= labelsMax) return;
  throw new ProblemError(422, `${count} labels asked; at most ${labelsMax} per request (LABELS_MAX): split the request`, { limit: labelsMax, requested: count }, [
    { path, message: `at most ${labelsMax} labels in all (devices × copies)` },
  ]);
}

/**
 * Everything that can refuse the request is checked here, before the PDF starts streaming:
 * once the first byte is sent, the status can no longer say what went wrong.
 */
export async function prepareLabels(db: Db, publicUrl: string, request: LabelRequest, labelsMax: number): Promise<LabelJob> {
  const format = checkedFormat(request.format, request.startPosition);
  // A list is counted before it is looked up; a collection once its devices are known.
  const listed = request.assetTags ?? request.deviceIds;
  if (listed) checkLabelCount(listed.length * request.copies, labelsMax, request.assetTags ? 'assetTags' : 'deviceIds');
  const devices = await resolveDevices(db, request);
  const count = devices.length * request.copies;
  checkLabelCount(count, labelsMax, request.collectionId ? 'collectionId' : 'copies');
  return {
    format,
    count,
    contents: withCopies(devices, request.copies, publicUrl),
    filename: fileName(devices, request.collectionId),
    startPosition: request.startPosition,
    offsetXMm: request.offsetXMm,
    offsetYMm: request.offsetYMm,
  };
}

export function checkedFormat(formatId: FormatId, startPosition = 1): LabelFormat {
  const format = FORMATS[formatId];
  const perPage = labelsPerPage(format);
  if (startPosition > perPage) {
    throw badRequest(`startPosition ${startPosition} is past the last label of ${format.name} (${perPage} per page)`, [
      { path: 'startPosition', message: `at most ${perPage} on ${format.id}` },
    ]);
  }
  return format;
}

async function resolveDevices(db: Db, request: LabelRequest): Promise<LabelDevice[]> {
  if (request.collectionId) {
    await getCollectionRow(db.kysely, request.collectionId);
    const rows = await db.kysely.selectFrom('devices').select(COLUMNS).where('collection_id', '=', request.collectionId).orderBy('asset_number').execute();
    if (rows.length === 0) throw new ProblemError(422, `Collection ${request.collectionId} has no devices yet: nothing to print`);
    return rows;
  }
  if (request.assetTags) {
    const tags = request.assetTags.map((tag) => tag.toUpperCase());
    return inRequestOrder(tags, request.assetTags, await fetchBy(db, 'asset_tag', tags), (row) => row.asset_tag, 'assetTags', 'asset tag');
  }
  const ids = request.deviceIds ?? [];
  return inRequestOrder(ids, ids, await fetchBy(db, 'id', ids), (row) => row.id, 'deviceIds', 'device id');
}

async function fetchBy(db: Db, column: 'id' | 'asset_tag', values: string[]): Promise<LabelDevice[]> {
  const unique = [...new Set(values)];
  const rows: LabelDevice[] = [];
  for (let i = 0; i < unique.length; i += CHUNK) {
    rows.push(...(await db.kysely.selectFrom('devices').select(COLUMNS).where(column, 'in', unique.slice(i, i + CHUNK)).execute()));
  }
  return rows;
}

/** The devices in the order asked; any unknown value is a 422 that names every one of them. */
function inRequestOrder(
  wanted: string[],
  asSent: string[],
  rows: LabelDevice[],
  key: (row: LabelDevice) => string,
  field: string,
  noun: string,
): LabelDevice[] {
  const byKey = new Map(rows.map((row) => [key(row), row]));
  const unknown = wanted.map((value, index) => ({ value: asSent[index], index })).filter(({ index }) => !byKey.has(wanted[index]));
  if (unknown.length) {
    const names = [...new Set(unknown.map((u) => u.value))];
    const shown = names.slice(0, 20).join(', ') + (names.length > 20 ? ` and ${names.length - 20} more` : '');
    throw new ProblemError(
      422,
      `Unknown ${noun}${names.length > 1 ? 's' : ''}: ${shown}; nothing was printed`,
      { unknown: names },
      unknown.map(({ value, index }) => ({ path: `${field}.${index}`, message: `no device has the ${noun} ${value}` })),
    );
  }
  return wanted.map((value) => byKey.get(value)!);
}

function* withCopies(devices: LabelDevice[], copies: number, publicUrl: string): Generator<LabelContent> {
  for (const device of devices) {
    const content = toContent(device, publicUrl);
    for (let i = 0; i < copies; i++) yield content;
  }
}

export function toContent(device: LabelDevice, publicUrl: string): LabelContent {
  return { assetTag: device.asset_tag, url: labelUrl(publicUrl, device.asset_tag), kind: device.kind, brand: device.brand, model: device.model };
}

function fileName(devices: LabelDevice[], collectionId?: string): string {
  if (collectionId) return `etiquettes-collecte-${collectionId}.pdf`;
  const first = devices[0].asset_tag;
  const last = devices.at(-1)!.asset_tag;
  if (devices.length === 1) return `etiquette-${first}.pdf`;
  return `etiquettes-${first}-${last}.pdf`;
}

export async function deviceLabelContent(db: Db, publicUrl: string, deviceId: string): Promise<LabelContent> {
  return toContent(await getDeviceRow(db.kysely, deviceId), publicUrl);
}

/** The facts the page a label opens may show: no status, no history, no people. */
export async function publicDevice(db: Db, rawTag: string): Promise<PublicDevice | undefined> {
  const row = await db.kysely.selectFrom('devices').select(COLUMNS).where('asset_tag', '=', rawTag.trim().toUpperCase()).executeTakeFirst();
  if (!row) return undefined;
  const identity = programmeIdentity();
  return {
    assetTag: row.asset_tag,
    kind: row.kind,
    kindLabel: kindLabel(row.kind),
    brand: row.brand,
    model: row.model,
    programme: { name: identity.programmeName, coordinator: identity.coordinator.name, website: identity.coordinator.website ?? null },
    foundPhone: identity.foundPhone,
    message: `Ce matériel appartient au programme ${identity.programmeName}. Si vous l'avez trouvé, appelez le ${identity.foundPhone}.`,
  };
}

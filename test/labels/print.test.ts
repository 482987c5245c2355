import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { deviceInput, intake } from '../helpers/factories.js';
import { asBuffer, decodeQr, hasInk, rasterise, textBoxes, type RectMm, type TextBox } from './pdf-geometry.js';

interface Format {
  id: string;
  columns: number;
  rows: number;
  labelWidthMm: number;
  labelHeightMm: number;
  marginTopMm: number;
  marginLeftMm: number;
  pitchXMm: number;
  pitchYMm: number;
  content: 'full' | 'compact';
}

const ctx = useTestApp();
let formats: Record<string, Format>;
let tags: string[];

const cell = (f: Format, position: number, dx = 0, dy = 0): RectMm => ({
  x: f.marginLeftMm + ((position - 1) % f.columns) * f.pitchXMm + dx,
  y: f.marginTopMm + Math.floor((position - 1) / f.columns) * f.pitchYMm + dy,
  width: f.labelWidthMm,
  height: f.labelHeightMm,
});

const inside = (box: RectMm, rect: RectMm) =>
  box.x >= rect.x - 0.01 && box.y >= rect.y - 0.01 && box.x + box.width <= rect.x + rect.width + 0.01 && box.y + box.height <= rect.y + rect.height + 0.01;

async function print(body: Record<string, unknown>) {
  const res = await ctx.api('collector').post('/api/v1/labels').send(body).buffer(true).parse(asBuffer);
  expect(res.status, res.body.toString().slice(0, 300)).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  return res.body as Buffer;
}

/** Which tag each cell of each page should hold (null: left blank). */
function expectedCells(f: Format, printed: string[], startPosition: number) {
  const perPage = f.columns * f.rows;
  const pages: (string | null)[][] = [];
  let slot = startPosition - 1;
  for (const tag of printed) {
    const page = Math.floor(slot / perPage);
    pages[page] ??= Array(perPage).fill(null);
    pages[page][slot % perPage] = tag;
    slot++;
  }
  return pages;
}

/** Every QR code decodes to the tag's public URL, blank positions stay blank, every text run stays in its label. */
async function checkPrint(f: Format, pdf: Buffer, printed: string[], startPosition: number, dx = 0, dy = 0) {
  const expected = expectedCells(f, printed, startPosition);
  const pages = await rasterise(pdf);
  expect(pages).toHaveLength(expected.length);
  const boxes = await textBoxes(pdf);
  expected.forEach((cells, p) => {
    cells.forEach((tag, i) => {
      const rect = cell(f, i + 1, dx, dy);
      if (tag === null) {
        expect(hasInk(pages[p], rect), `page ${p + 1} position ${i + 1} should be blank`).toBe(false);
        return;
      }
      expect(decodeQr(pages[p], rect), `page ${p + 1} position ${i + 1}`).toBe(`https://ordi.example.fr/d/${tag}`);
      const mine = boxes.filter((b) => b.page === p + 1 && inside(b, rect)).map((b) => b.text);
      expect(mine).toContain(tag);
      if (f.content === 'full') {
        expect(mine).toContain('Ordi’Pratique');
        expect(mine).toContain('Trouvé ? 04 79 96 86 00');
        expect(mine.some((t) => t.startsWith('Ordinateur portable') || t.startsWith('Écran'))).toBe(true);
      } else {
        expect(mine).toEqual([tag]);
      }
    });
    const labelled = cells.map((tag, i) => (tag ? cell(f, i + 1, dx, dy) : null)).filter((r): r is RectMm => r !== null);
    const strays = boxes.filter((b: TextBox) => b.page === p + 1 && !labelled.some((rect) => inside(b, rect)));
    expect(strays, `text outside its label on page ${p + 1}`).toEqual([]);
  });
}

beforeAll(async () => {
  const res = await ctx.api('viewer').get('/api/v1/labels/formats');
  formats = Object.fromEntries((res.body.items as Format[]).map((f) => [f.id, f]));
  const devices = await intake(ctx, [
    deviceInput({ brand: 'Hewlett-Packard Enterprise Company', model: 'EliteBook 840 G5 Notebook PC with a very long model name indeed' }),
    deviceInput({ kind: 'monitor', brand: 'Dell', model: 'P2419H', serialNumber: undefined }),
    ...Array.from({ length: 19 }, (_, i) => deviceInput({ brand: i % 2 ? 'Lenovo' : 'HP', model: i % 3 ? 'ThinkPad T480' : 'ProBook 650 G4' })),
  ]);
  tags = devices.map((d) => d.assetTag);
});

describe('printing labels on every format', () => {
  const cases = [
    { format: 'avery-l7160', count: 21, startPosition: 3 },
    { format: 'avery-l7163', count: 14, startPosition: 13 },
    { format: 'avery-l7651', count: 9, startPosition: 60 },
    { format: 'brother-dk11209', count: 3, startPosition: 1 },
    { format: 'dymo-11354', count: 3, startPosition: 1 },
  ];
  for (const { format, count, startPosition } of cases) {
    it(`when ${count} labels are printed on ${format} from position ${startPosition}, then every QR code scans to its label URL at 300 dpi and every text stays inside its label`, async () => {
      const printed = tags.slice(0, count);
      const pdf = await print({ assetTags: printed, format, startPosition });
      await checkPrint(formats[format], pdf, printed, startPosition);
    });
  }

  it('when the sheet is shifted by offsets, then the codes and texts are found in the shifted cells', async () => {
    const printed = tags.slice(0, 5);
    const pdf = await print({ assetTags: printed, format: 'avery-l7160', offsetXMm: 3.5, offsetYMm: -2 });
    await checkPrint(formats['avery-l7160'], pdf, printed, 1, 3.5, -2);
  });

  it('when two copies are asked, then each device gets two consecutive labels', async () => {
    const pdf = await print({ assetTags: tags.slice(0, 2), copies: 2, format: 'avery-l7163' });
    await checkPrint(formats['avery-l7163'], pdf, [tags[0], tags[0], tags[1], tags[1]], 1);
  });
});

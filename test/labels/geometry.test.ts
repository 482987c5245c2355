import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { intake } from '../helpers/factories.js';
import { asBuffer, drawnShapes, type RectMm } from './pdf-geometry.js';

/**
 * The makers' published templates, written out here independently of the code:
 * Avery UK template information for L7160, L7163, L7651 (mm); Brother DK-11209 and Dymo 11354
 * are one label per page.
 */
const MAKERS = {
  'avery-l7160': { columns: 3, rows: 7, width: 63.5, height: 38.1, top: 15.15, left: 7.21, pitchX: 66.04, pitchY: 38.1 },
  'avery-l7163': { columns: 2, rows: 7, width: 99.1, height: 38.1, top: 15.15, left: 4.65, pitchX: 101.6, pitchY: 38.1 },
  'avery-l7651': { columns: 5, rows: 13, width: 38.1, height: 21.2, top: 10.7, left: 4.75, pitchX: 40.6, pitchY: 21.2 },
} as const;
const ROLLS = { 'brother-dk11209': { width: 62, height: 29 }, 'dymo-11354': { width: 57, height: 32 } } as const;
const TOLERANCE_MM = 0.2;

type Sheet = (typeof MAKERS)[keyof typeof MAKERS];
const makerCell = (m: Sheet, position: number, dx = 0, dy = 0): RectMm => ({
  x: m.left + ((position - 1) % m.columns) * m.pitchX + dx,
  y: m.top + Math.floor((position - 1) / m.columns) * m.pitchY + dy,
  width: m.width,
  height: m.height,
});

function expectSameRect(actual: RectMm, expected: RectMm, what: string) {
  for (const key of ['x', 'y', 'width', 'height'] as const) {
    expect(Math.abs(actual[key] - expected[key]), `${what}: ${key} is ${actual[key].toFixed(2)} mm, template says ${expected[key]}`).toBeLessThanOrEqual(TOLERANCE_MM);
  }
}

const ctx = useTestApp();

async function getPdf(url: string) {
  const res = await ctx.api('installer').get(url).buffer(true).parse(asBuffer);
  expect(res.status, res.body.toString().slice(0, 300)).toBe(200);
  return res.body as Buffer;
}

describe('label geometry against the makers’ templates', () => {
  it('when the formats are listed, then each sheet has the maker’s numbers and the L7160 is the default', async () => {
    const res = await ctx.api('viewer').get('/api/v1/labels/formats');
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.items.map((f: { id: string }) => [f.id, f]));
    for (const [id, m] of Object.entries(MAKERS)) {
      expect(byId[id]).toMatchObject({
        kind: 'sheet', pageWidthMm: 210, pageHeightMm: 297, columns: m.columns, rows: m.rows, labelsPerPage: m.columns * m.rows,
        labelWidthMm: m.width, labelHeightMm: m.height, marginTopMm: m.top, marginLeftMm: m.left, pitchXMm: m.pitchX, pitchYMm: m.pitchY,
      });
    }
    for (const [id, r] of Object.entries(ROLLS)) {
      expect(byId[id]).toMatchObject({ kind: 'roll', labelsPerPage: 1, labelWidthMm: r.width, labelHeightMm: r.height, pageWidthMm: r.width, pageHeightMm: r.height });
    }
    expect(res.body.items.filter((f: { default: boolean }) => f.default).map((f: { id: string }) => f.id)).toEqual(['avery-l7160']);
    expect(byId['avery-l7651'].content).toBe('compact');
  });

  for (const [id, m] of Object.entries(MAKERS)) {
    it(`when the ${id} calibration page is printed, then every outline lands where the template puts it, within ${TOLERANCE_MM} mm`, async () => {
      const [page] = await drawnShapes(await getPdf(`/api/v1/labels/calibration.pdf?format=${id}`));
      expect(page.widthMm).toBeCloseTo(210, 1);
      expect(page.heightMm).toBeCloseTo(297, 1);
      expect(page.rects).toHaveLength(m.columns * m.rows);
      page.rects.forEach((rect, i) => expectSameRect(rect, makerCell(m, i + 1), `${id} label ${i + 1}`));
    });

    it(`when ${id} calibration is asked with offsets, then every outline moves by exactly the offsets`, async () => {
      const [page] = await drawnShapes(await getPdf(`/api/v1/labels/calibration.pdf?format=${id}&offsetXMm=2.5&offsetYMm=-1.5`));
      page.rects.forEach((rect, i) => expectSameRect(rect, makerCell(m, i + 1, 2.5, -1.5), `${id} label ${i + 1} shifted`));
    });
  }

  for (const [id, r] of Object.entries(ROLLS)) {
    it(`when the ${id} calibration is printed, then the page is the label, outlined at its edges`, async () => {
      const pages = await drawnShapes(await getPdf(`/api/v1/labels/calibration.pdf?format=${id}`));
      expect(pages).toHaveLength(1);
      expect(pages[0].widthMm).toBeCloseTo(r.width, 1);
      expect(pages[0].heightMm).toBeCloseTo(r.height, 1);
      expect(pages[0].rects).toHaveLength(1);
      expectSameRect(pages[0].rects[0], { x: 0, y: 0, width: r.width, height: r.height }, id);
    });
  }

  it('when labels start at a later position or are shifted, then the QR code moves by exactly the template’s pitch plus the offsets', async () => {
    const [device] = await intake(ctx);
    const squareAt = async (id: string, start: number, dx: number, dy: number) => {
      const pdf = await getPdf(`/api/v1/devices/${device.id}/label.pdf?format=${id}&startPosition=${start}&offsetXMm=${dx}&offsetYMm=${dy}`);
      const [page] = await drawnShapes(pdf);
      expect(page.transforms, `${id}: one QR code`).toHaveLength(1);
      // The transform puts the first dark module after the 4-module quiet zone.
      const qr = page.transforms[0];
      return { x: qr.x - 4 * qr.scale, y: qr.y - 4 * qr.scale };
    };
    for (const [id, m] of Object.entries(MAKERS)) {
      const home = await squareAt(id, 1, 0, 0);
      const first = makerCell(m, 1);
      expect(home.x).toBeGreaterThanOrEqual(first.x);
      expect(home.y).toBeGreaterThanOrEqual(first.y);
      for (const { start, dx, dy } of [{ start: 2, dx: 0, dy: 0 }, { start: 7, dx: 0, dy: 0 }, { start: m.columns * m.rows, dx: -4, dy: 3.2 }, { start: 1, dx: 10, dy: -10 }]) {
        const square = await squareAt(id, start, dx, dy);
        const target = makerCell(m, start, dx, dy);
        expect(Math.abs(square.x - home.x - (target.x - first.x)), `${id} position ${start} (${dx}, ${dy}): x`).toBeLessThanOrEqual(TOLERANCE_MM);
        expect(Math.abs(square.y - home.y - (target.y - first.y)), `${id} position ${start} (${dx}, ${dy}): y`).toBeLessThanOrEqual(TOLERANCE_MM);
      }
    }
  });
});

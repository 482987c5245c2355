import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { binaryParser, pdfText } from '../helpers/pdf.js';

const ctx = useTestApp();

describe('calibration sheet wording', () => {
  it('when a sheet calibration is printed, then its instructions are whole, in plain French, with no parameter names', async () => {
    const res = await ctx.api('collector').get('/api/v1/labels/calibration.pdf?format=avery-l7163').buffer(true).parse(binaryParser);
    expect(res.status).toBe(200);
    const text = await pdfText(res.body as Buffer);
    expect(text).toContain('Calibrage — Avery L7163 · Décalage appliqué : X +0,0 mm, Y +0,0 mm');
    expect(text).toContain('puis reportez ces deux décalages dans le réglage de l’impression des étiquettes.');
    expect(text).not.toMatch(/offset[XY]Mm|…/);
  });
});

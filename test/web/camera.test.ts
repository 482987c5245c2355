import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import QRCode from 'qrcode';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { labelUrl } from '../../src/modules/labels/service.js';
import { deviceInput, intake } from '../helpers/factories.js';
import { ARGS, CHROMIUM, checkPage, textOf, useBrowserApp } from './browser.js';

const ctx = useBrowserApp();

/**
 * A video of a label's QR code, as Chromium's fake camera plays it: Y4M (YUV 4:2:0), the code
 * black on white in the middle of each frame. Chromium loops the file.
 */
function qrVideo(text: string, file: string): void {
  const width = 640;
  const height = 480;
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const scale = Math.floor(Math.min(width, height) / (modules.size + 8));
  const left = Math.floor((width - modules.size * scale) / 2);
  const top = Math.floor((height - modules.size * scale) / 2);
  const luma = Buffer.alloc(width * height, 255);
  for (let y = 0; y < modules.size * scale; y++) {
    for (let x = 0; x < modules.size * scale; x++) {
      if (modules.get(Math.floor(y / scale), Math.floor(x / scale))) luma[(top + y) * width + left + x] = 0;
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  fs.writeFileSync(file, Buffer.concat([header, ...Array.from({ length: 10 }, () => frame)]));
}

describe('scanning with a phone’s camera', () => {
  it('when a collector on a phone presses Caméra and holds a label to it, then the device page opens', async () => {
    const [device] = await intake(ctx, [deviceInput({ brand: 'Dell', model: 'Latitude 7490' })]);
    const collector = await ctx.staff('collector', 'Inès Caméra');
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ordipratique-camera-'));
    const video = path.join(folder, 'label.y4m');
    qrVideo(labelUrl(ctx.config.publicUrl, device.assetTag), video);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    });
    try {
      const context = await browser.newContext({ baseURL: ctx.baseUrl, locale: 'fr-FR', viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      await page.goto('/scanner');
      await page.getByLabel('Adresse e-mail').fill(collector.email);
      await page.getByLabel('Mot de passe').fill(collector.password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.waitForURL('**/scanner');
      const decoders: string[] = [];
      page.on('request', (request) => {
        if (/\/assets\/(jsqr|camera)\./.test(request.url())) decoders.push(new URL(request.url()).pathname);
      });
      const native = await page.evaluate(() => 'BarcodeDetector' in window);
      console.log(`[camera] decoder: ${native ? 'BarcodeDetector (or jsQR if it lacks qr_code)' : 'jsQR (no BarcodeDetector in this Chromium)'}`);
      // The decoder is loaded only when the camera is used.
      expect(decoders).toEqual([]);
      await page.getByRole('button', { name: 'Caméra' }).tap();
      await page.waitForURL(`**/appareils/${device.id}?scan=1`);
      expect(await textOf(page.getByRole('heading', { level: 1 }))).toContain(device.assetTag);
      expect(decoders.some((p) => p.includes('camera.'))).toBe(true);
      if (!native) expect(decoders.some((p) => p.includes('jsqr.'))).toBe(true);
      await checkPage(page, 'appareil-camera');
      await context.close();
    } finally {
      await browser.close();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

// Draws public/favicon.svg as the web app's PNG icons (192 and 512 pixels), for the manifest.
// Run from the repository root after changing the favicon: node scripts/make-icons.mjs
import { readFile, writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
const svg = await readFile('public/favicon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
const page = await browser.newPage();
for (const size of [192, 512]) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:transparent"><img style="display:block;width:${size}px;height:${size}px" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}"></body></html>`);
  await writeFile(`public/icons/icon-${size}.png`, await page.screenshot({ omitBackground: true }));
}
await browser.close();

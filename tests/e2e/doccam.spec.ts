// The document camera (高拍仪) in Chromium, fed by the fake camera with a generated video of
// a page lying askew on a desk: the clerk opens capture for a material, sees the page's
// outline, presses the shutter, sees the page's QR code read by the app and fills it into a
// form field, files the straightened page and sees it counted; the stored page is the page —
// its size matches the true corners within a few pixels, its corners are paper, and its QR
// code reads; the form field holds the QR's text.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { chromiumArgs } from '../../playwright.config.ts';
import { rectifiedSize } from '../../src-main/devices/doccam/rectify.ts';
import { expect, test } from './browser-host.ts';
import { fillForm, signInNewClerk, startSocialSecurityCard, typeApplicant } from './flows.ts';
import { writeDocumentVideo } from './fake-camera.ts';

// jsqr is CommonJS typed with `export default`: under nodenext the function is `.default`.
const jsQR = jsqr.default;

// Written when the file loads, before the browser starts with it. The test runner loads
// this file too (to list the tests), so the video lives in the checkout's ignored
// test-results/ under a fixed name rather than in a fresh temp dir left behind by each load.
mkdirSync('test-results', { recursive: true });
const video = writeDocumentVideo(resolve('test-results', 'doccam-page.y4m'));

test.use({
  viewport: { width: 1366, height: 768 },
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs, `--use-file-for-fake-video-capture=${video.file}`],
  },
});

test.afterEach(({ host }, info) => {
  if (info.status !== info.expectedStatus) console.log(host.output().slice(-4000));
});

test('a page on the document camera: outline, shutter, straightened, its QR read into the form, filed, counted', async ({
  page,
  host,
}) => {
  // Three captures, each starting opencv.js in a fresh worker, on 2 shared cores.
  test.setTimeout(150_000);
  page.on('pageerror', (error) => console.log('[pageerror]', error.message));
  // Everything comes from the app itself: the barcode reader's wasm too, never a CDN.
  const origin = new URL(host.url).origin;
  const requested: string[] = [];
  page.context().on('request', (request) => requested.push(request.url()));
  await signInNewClerk(page, host.url);
  await startSocialSecurityCard(page);
  await typeApplicant(page);
  await fillForm(page, '13812345678');

  const material = page.getByRole('group', { name: '申请人居民身份证' });
  await material.getByRole('button', { name: '用高拍仪拍摄“申请人居民身份证”' }).click();
  const dialog = page.getByRole('dialog', { name: '高拍仪拍摄：申请人居民身份证' });
  await expect(dialog.getByText(`分辨率 ${video.width}×${video.height}`)).toBeVisible();
  // opencv.js starts in the worker (≈ 10 MB): the first outline may take a few seconds.
  await expect(dialog.getByText('已找到页面')).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: 'test-results/e2e/doccam-live.png' });

  // The shutter shows the page of the live frame straightened at once, then the full page.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __shown: string[] }).__shown = seen;
    new MutationObserver(() => {
      const img = document.querySelector<HTMLImageElement>('img.capture-page');
      const kind = img ? (img.dataset.preview === 'true' ? 'preview' : 'page') : null;
      if (kind && seen.at(-1) !== kind) seen.push(kind);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['src'] });
  });
  await page.keyboard.press('Space');
  const result = dialog.getByRole('img', { name: '校正后的页面' });
  await expect(result).toBeVisible({ timeout: 20_000 });
  await expect(dialog.getByText(/^\d+×\d+ 像素$/)).toBeVisible({ timeout: 20_000 });
  expect(await page.evaluate(() => (window as unknown as { __shown: string[] }).__shown)).toEqual(['preview', 'page']);

  // The app reads the page's QR code itself (zxing-wasm in the worker, its wasm served by the
  // app) and offers it to the form: the first field it fits, filled from the keyboard.
  const codes = dialog.getByRole('region', { name: '页面上的条码、二维码（1 个）' });
  await expect(codes.getByText(`二维码：${video.qrText}`)).toBeVisible();
  const field = codes.getByLabel('填入表单字段');
  await expect(field).toHaveValue('applicantName');
  await codes.getByRole('button', { name: '填入', exact: true }).press('Enter');
  await expect(codes.getByText('已填入“申请人姓名”。')).toBeVisible();
  await page.screenshot({ path: 'test-results/e2e/doccam-result.png' });
  await dialog.getByRole('button', { name: /^(使用此页|仍然使用)$/ }).click();
  await expect(dialog.getByText('已存为第 1 页')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(material.getByText('共 1 页')).toBeVisible();

  // The pages list shows the small picture stored with the page, not the page.
  const thumbnail = material.getByRole('img', { name: '第 1 页缩略图' });
  await expect(thumbnail).toBeVisible();
  const small = await thumbnail.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    return Math.max(img.naturalWidth, img.naturalHeight);
  });
  expect(small).toBe(160);

  // The stored page, as its preview shows it (the stored bytes, decoded by the browser).
  await material.getByRole('button', { name: '预览“申请人居民身份证_第1页.jpg”' }).click();
  const stored = material.getByRole('img', { name: '“申请人居民身份证_第1页.jpg”预览' });
  await expect(stored).toBeVisible();
  const dataUrl = await stored.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    canvas.getContext('2d')!.drawImage(img, 0, 0);
    return canvas.toDataURL('image/png');
  });
  const png = PNG.sync.read(Buffer.from(dataUrl.split(',')[1]!, 'base64'));
  const truth = rectifiedSize(video.corners);
  expect(Math.abs(png.width - truth.width)).toBeLessThanOrEqual(4);
  expect(Math.abs(png.height - truth.height)).toBeLessThanOrEqual(4);

  // Each corner of the page is paper, not desk: nothing of the desk was cut in.
  const grey = (x: number, y: number) => {
    const i = (y * png.width + x) * 4;
    return (png.data[i]! + png.data[i + 1]! + png.data[i + 2]!) / 3;
  };
  for (const [x, y] of [
    [1, 1],
    [png.width - 2, 1],
    [png.width - 2, png.height - 2],
    [1, png.height - 2],
  ] as const) {
    expect(grey(x, y), `corner at ${x},${y}`).toBeGreaterThan(170);
  }

  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(code?.data).toBe(video.qrText);
  await material.getByRole('button', { name: '关闭预览' }).click();

  // A second page by the foot pedal's key, black and white, turned, a corner nudged by keyboard.
  await material.getByRole('button', { name: '用高拍仪拍摄“申请人居民身份证”' }).click();
  await expect(dialog.getByText('已找到页面')).toBeVisible({ timeout: 30_000 });
  await page.keyboard.press('F9');
  await expect(result).toBeVisible({ timeout: 20_000 });
  await dialog.getByRole('radio', { name: '黑白' }).check();
  await dialog.getByRole('button', { name: '旋转 90°' }).click();
  // Turned: the page lies on its side now (its height across).
  await expect(dialog.getByText(/^6\d\d×4\d\d 像素$/)).toBeVisible();
  // Black and white is no glare: the verdict is the page's as captured.
  await expect(dialog.getByText('有反光', { exact: false })).toHaveCount(0);
  const corners = dialog.getByRole('group', { name: /调整页面四角/ });
  await corners.focus();
  await page.keyboard.press('2');
  await page.keyboard.press('ArrowLeft');
  await expect(dialog.getByText('已手动调整四角', { exact: false })).toBeVisible();
  await dialog.getByRole('button', { name: /^(使用此页|仍然使用)$/ }).click();
  await expect(dialog.getByText('已存为第 2 页')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(material.getByText('共 2 页')).toBeVisible();
  const pages = material.getByRole('listitem');
  await expect(pages.nth(1)).toHaveAccessibleName('第 2 页：申请人居民身份证_第2页.png');

  // Moved up: the black-and-white page first.
  await material.getByRole('button', { name: '上移第 2 页' }).click();
  await expect(pages.nth(0)).toHaveAccessibleName('第 1 页：申请人居民身份证_第2页.png');
  await expect(pages.nth(1)).toHaveAccessibleName('第 2 页：申请人居民身份证_第1页.jpg');

  // Retaken in place: the panel closes once the new page stands where the old one stood.
  await material.getByRole('button', { name: '重拍第 2 页' }).click();
  const retake = page.getByRole('dialog', { name: '高拍仪重拍：申请人居民身份证 第 2 页' });
  await expect(retake.getByText('已找到页面')).toBeVisible({ timeout: 30_000 });
  await page.keyboard.press('PageDown');
  await retake.getByRole('button', { name: /^(使用此页|仍然使用)$/ }).click();
  await expect(retake).toBeHidden();
  await expect(material.getByText('共 2 页')).toBeVisible();
  await expect(pages.nth(0)).toHaveAccessibleName('第 1 页：申请人居民身份证_第2页.png');
  await expect(pages.nth(1)).toHaveAccessibleName('第 2 页：申请人居民身份证_第2页.jpg');
  // Checked against the original: the core records the clerk and the day (the mark goes on each page at seal).
  const certify = material.getByRole('checkbox', { name: '已与原件核对无误' });
  await certify.focus();
  await page.keyboard.press('Space');
  await expect(certify).toBeChecked();
  await expect(material.getByText(/^核对人：.+，\d{4}-\d{2}-\d{2}$/)).toBeVisible();
  await material.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/e2e/doccam-pages.png' });

  expect(requested.filter((url) => /^https?:/.test(url) && !url.startsWith(`${origin}/`))).toEqual([]);
  expect(requested.filter((url) => /\/assets\/zxing_reader-[\w-]+\.wasm$/.test(url))).toHaveLength(1);

  // The form holds the QR's text, as if the clerk had typed it.
  await page.getByRole('button', { name: '上一步' }).click();
  await expect(page.getByRole('heading', { level: 3, name: '填写表单' })).toBeVisible();
  await expect(page.getByLabel('申请人姓名')).toHaveValue(video.qrText);
});

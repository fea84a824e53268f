// The document camera's faults in Chromium, each with the message that tells the clerk what
// to do: no camera at all, permission denied, the camera unplugged during the preview
// (then plugged back in: 重试 brings the preview back), and a barcode reader that cannot be
// had (the page files all the same).
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Page, PlaywrightWorkerArgs } from '@playwright/test';
import { chromiumArgs } from '../../playwright.config.ts';
import { expect, test } from './browser-host.ts';
import { fillForm, signInNewClerk, startSocialSecurityCard, typeApplicant } from './flows.ts';
import { writeDocumentVideo } from './fake-camera.ts';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const withoutFakeDevice = chromiumArgs.filter(
  (arg) => arg !== '--use-fake-device-for-media-stream' && arg !== '--use-fake-ui-for-media-stream',
);

async function openCapture(page: Page, url: string) {
  await signInNewClerk(page, url);
  await startSocialSecurityCard(page);
  await typeApplicant(page);
  await fillForm(page, '13812345678');
  await page.getByRole('button', { name: '用高拍仪拍摄“申请人居民身份证”' }).click();
  return page.getByRole('dialog', { name: '高拍仪拍摄：申请人居民身份证' });
}

/** A browser of its own for each fault (the camera flags are the browser's). */
async function withBrowser(
  playwright: PlaywrightWorkerArgs['playwright'],
  args: string[],
  body: (page: Page) => Promise<void>,
): Promise<void> {
  const browser = await playwright.chromium.launch({ executablePath, args });
  try {
    const page = await (
      await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } })
    ).newPage();
    await body(page);
  } finally {
    await browser.close();
  }
}

/** A browser whose fake camera plays a page on a desk (a short video in a temp dir of its own, removed after). */
async function withPageVideo(
  playwright: PlaywrightWorkerArgs['playwright'],
  body: (page: Page) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-doccam-'));
  const video = writeDocumentVideo(join(dir, 'page.y4m'), { frames: 4 });
  try {
    await withBrowser(playwright, [...chromiumArgs, `--use-file-for-fake-video-capture=${video.file}`], body);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('no camera: said so, with 重试', async ({ playwright, host }) => {
  await withBrowser(playwright, [...withoutFakeDevice, '--use-fake-ui-for-media-stream'], async (page) => {
    const dialog = await openCapture(page, host.url);
    await expect(dialog.getByRole('alert')).toContainText('没有找到摄像头');
    await expect(dialog.getByRole('button', { name: '重试' })).toBeVisible();
    // No preview, no shutter: nothing to take.
    await expect(dialog.getByRole('button', { name: '拍摄', exact: true })).toBeHidden();
  });
});

test('permission denied: says how to allow the camera', async ({ playwright, host }) => {
  await withBrowser(
    playwright,
    [...withoutFakeDevice, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream=deny'],
    async (page) => {
      const dialog = await openCapture(page, host.url);
      await expect(dialog.getByRole('alert')).toContainText('不允许使用摄像头');
    },
  );
});

test('unplugged during the preview: said at once; 重试 brings the preview back', async ({ playwright, host }) => {
  test.setTimeout(120_000);
  await withPageVideo(playwright, async (page) => {
    const dialog = await openCapture(page, host.url);
    await expect(dialog.getByText('已找到页面')).toBeVisible({ timeout: 30_000 });
    // What the browser does when the USB cable is pulled: the track ends.
    await page.evaluate(() => {
      const stream = document.querySelector<HTMLVideoElement>('.capture-live video')!.srcObject as MediaStream;
      stream.getVideoTracks()[0]!.dispatchEvent(new Event('ended'));
    });
    await expect(dialog.getByRole('alert')).toContainText('高拍仪已断开');
    await dialog.getByRole('button', { name: '重试' }).click();
    await expect(dialog.getByText('已找到页面')).toBeVisible({ timeout: 30_000 });
  });
});

test('the barcode reader cannot be had: said quietly, and the page files without its codes', async ({
  playwright,
  host,
}) => {
  test.setTimeout(120_000);
  await withPageVideo(playwright, async (page) => {
    // The wasm file is missing from the install.
    await page.route(/\/assets\/zxing_reader-[\w-]+\.wasm$/, (route) => route.fulfill({ status: 404 }));
    const dialog = await openCapture(page, host.url);
    await expect(dialog.getByText('已找到页面')).toBeVisible({ timeout: 30_000 });
    await page.keyboard.press('Space');
    await expect(dialog.getByRole('img', { name: '校正后的页面' })).toBeVisible({ timeout: 20_000 });
    await expect(dialog.getByText('条码识别未能启动，本页未读取条码（不影响保存）。')).toBeVisible();
    await expect(dialog.getByRole('button', { name: '填入', exact: true })).toHaveCount(0);
    await dialog.getByRole('button', { name: /^(使用此页|仍然使用)$/ }).click();
    await expect(dialog.getByText('已存为第 1 页')).toBeVisible();
  });
});

// The identity panel in Chromium against the real core: the demo profile's card reader
// simulator (the real GA 467 driver and presence loop in the core, fed by the emulator)
// is given a card from the screen, the applicant's identity fills itself, and the next
// applicant's intake starts empty until their own card is placed. At the window's 1366×768.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { demoConfig } from '../../src-main/common/hall-config.ts';
import { expect, startHost, test } from './browser-host.ts';
import { signInNewClerk, startSocialSecurityCard } from './flows.ts';

/** The reader's entry on the status bar. */
const readerHealth = (page: Page) =>
  page.getByRole('contentinfo', { name: '设备与服务状态' }).getByRole('listitem').filter({ hasText: '身份证阅读器' });

async function placeCard(page: Page, label: RegExp): Promise<void> {
  const reader = page.getByRole('group', { name: '模拟读卡器（演示模式）' });
  await reader.getByLabel('证件').selectOption({ label: (await optionLabel(page, label)) ?? '' });
  await reader.getByRole('button', { name: '放置证件' }).click();
}

async function optionLabel(page: Page, label: RegExp): Promise<string | undefined> {
  const options = await page
    .getByRole('group', { name: '模拟读卡器（演示模式）' })
    .getByLabel('证件')
    .locator('option')
    .allTextContents();
  return options.find((text) => label.test(text));
}

test('a card placed on the reader fills the identity panel; the next applicant starts empty', async ({ page, host }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await signInNewClerk(page, host.url);
  await startSocialSecurityCard(page);

  // Nothing read yet: the clerk is told how the reader is used, and may type.
  await expect(page.getByText(/请申请人将身份证件放在读卡器上/)).toBeVisible();
  await expect(page.getByLabel('姓名', { exact: true })).toHaveValue('');

  await placeCard(page, /王建国/);
  const panel = page.getByTestId('id-card-applicant');
  await expect(panel.getByText('王建国')).toBeVisible();
  await expect(page.getByTestId('id-number-applicant')).toHaveText('110105********1219');
  await expect(panel.getByText('居民身份证')).toBeVisible();
  await expect(panel.getByText(/至 长期/)).toBeVisible();
  await expect(panel.getByText(/证件核验通过/)).toBeVisible();
  // The demo has no licensed photo decoder: it says so and works on.
  await expect(panel.getByRole('img', { name: /本机未配置证件照片解码库/ })).toBeVisible();
  await expect(readerHealth(page)).toContainText('证件已读取');
  await page.screenshot({ path: test.info().outputPath('identity-card-read-1366x768.png') });

  // The form step is filled from the card.
  await page.keyboard.press('Alt+2');
  await expect(page.getByLabel('申请人姓名')).toHaveValue('王建国');

  // The applicant takes the card back; the next applicant's intake starts empty.
  await page.keyboard.press('Alt+1');
  await page.getByRole('group', { name: '模拟读卡器（演示模式）' }).getByRole('button', { name: '取走证件' }).click();
  await expect(readerHealth(page)).toContainText('未放置证件');
  await page.getByRole('button', { name: '返回今日队列' }).click();
  await startSocialSecurityCard(page);
  await expect(page.getByLabel('姓名', { exact: true })).toHaveValue('');
  await expect(page.getByTestId('id-card-applicant')).toHaveCount(0);
  await expect(page.getByText(/读卡器上的证件/)).toHaveCount(0);

  await placeCard(page, /李秀英/);
  await expect(page.getByTestId('id-card-applicant').getByText('李秀英')).toBeVisible();
  await expect(page.getByTestId('id-number-applicant')).toHaveText('310115********048X');
  await page.screenshot({ path: test.info().outputPath('identity-next-applicant-1366x768.png') });
});

test('with the hall’s photo decoder configured, the panel shows the card’s photo', async ({ page }) => {
  // The demo profile as config.json, its simulated reader given a decoder: the stand-in C
  // library of the device tests (same entry point as the vendors', unpack), built here.
  const dataDir = mkdtempSync(join(tmpdir(), 'tongban-e2e-photo-'));
  const library = join(dataDir, 'libfake-wlt.so');
  execFileSync('gcc', ['-shared', '-fPIC', '-O1', '-o', library, join('tests', 'main', 'devices', 'native', 'fake-wlt.c')]);
  const config = demoConfig();
  config.devices.idCardReader = { transport: 'simulated', photoDecoder: { library, unpackFlag: 0 } };
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify(config, null, 2));
  const host = await startHost({ dataDir });
  try {
    await page.setViewportSize({ width: 1366, height: 768 });
    await signInNewClerk(page, host.url);
    await startSocialSecurityCard(page);
    await placeCard(page, /阿依古丽/);
    const photo = page.getByTestId('id-card-applicant').getByRole('img', { name: '证件照片' });
    await expect(photo).toBeVisible();
    // The decoder's 102×126 picture, shown as the BMP the core made of it.
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => `${img.naturalWidth}×${img.naturalHeight}`)).toBe('102×126');
    await page.screenshot({ path: test.info().outputPath('identity-photo-1366x768.png') });
  } finally {
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

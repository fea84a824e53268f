// The installers' health page in a real browser against the real core, at the halls'
// common screen size: each device and service with its state, what to do, and the
// diagnostics bundle exported from the keyboard and saved by the browser.
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { expect, test } from './browser-host.ts';
import { INSTALLER_PASSWORD } from './flows.ts';

test.use({ viewport: { width: 1366, height: 768 } });

test('部署与设备 shows each entry with what to do, and exports the diagnostics bundle', async ({ page, host }) => {
  await page.goto(host.url);
  await page.getByLabel('用户名').fill('admin');
  await page.getByLabel('姓名').fill('王运维');
  await page.getByLabel('密码', { exact: true }).fill(INSTALLER_PASSWORD);
  await page.getByLabel('确认密码').fill(INSTALLER_PASSWORD);
  await page.getByLabel('确认密码').press('Enter');
  await page.getByRole('button', { name: '部署与设备' }).click();

  const panel = page.getByRole('region', { name: '设备与服务诊断' });
  await expect(panel.getByRole('region', { name: /本地数据库\s*正常/ })).toBeVisible();
  await expect(panel.getByRole('region', { name: /上报同步/ })).toBeVisible();
  await expect(panel.getByRole('region', { name: /身份证阅读器/ })).toBeVisible();
  // Readable at 1366×768: nothing wider than the window.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
  const main = page.locator('.shell-main');
  expect(await main.evaluate((element) => element.scrollWidth - element.clientWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: test.info().outputPath('diagnostics-1366x768.png') });

  // From the keyboard: the button takes focus and Enter exports.
  const button = panel.getByRole('button', { name: '导出诊断包' });
  await button.focus();
  const downloading = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^tongban-diagnostics-W01-\d{8}-\d{4}\.zip$/);
  await expect(
    panel.getByText(/^已导出诊断包 tongban-diagnostics-W01-.+\.zip（.+），请将此文件交给技术支持。$/),
  ).toBeVisible();
  const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
  expect(Object.keys(files)).toEqual(
    expect.arrayContaining(['versions.json', 'config.json', 'devices.json', 'queue.json', 'health.json', 'README.txt']),
  );
  expect(Object.keys(files).some((name) => name.startsWith('logs/'))).toBe(true);
  const health = JSON.parse(Buffer.from(files['health.json']!).toString('utf8'));
  expect(health.entries.map((entry: { id: string }) => entry.id)).toEqual(expect.arrayContaining(['store', 'sync']));
});

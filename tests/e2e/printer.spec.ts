// The receipt printer, end to end: the app (the built browser host, in Chromium) is
// configured with a network printer that is the printer simulator listening on a real TCP
// port of this test. The clerk seals a packet through the UI; the printer receives the
// 收件回执 as ESC/POS bytes, which our reader turns back into text and a drawn roll whose QR
// code jsQR decodes: both must name the packet the UI shows. Out of paper first, the seal
// still goes through, the status bar says 缺纸, and the receipt prints once paper is in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { demoConfig } from '../../src-main/common/hall-config.ts';
import { PrinterSimulator } from '../../src-main/devices/printer/simulator.ts';
import { expect, type RunningHost, startHost, test } from './browser-host.ts';
import { APPLICANT_ID, sealSocialSecurityCard, signInNewClerk } from './flows.ts';

const jsQR = jsqr.default;

function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

const printerHealth = (page: Page) =>
  page.getByRole('contentinfo', { name: '设备与服务状态' }).getByRole('listitem').filter({ hasText: '回执打印机' });

/** A host whose config names the simulator on its TCP port as the window's 58 mm receipt printer. */
async function hostWithPrinter(printer: PrinterSimulator): Promise<RunningHost> {
  const { port } = await printer.listenTcp(0);
  const dataDir = mkdtempSync(join(tmpdir(), 'tongban-e2e-printer-'));
  const config = demoConfig();
  config.devices.receiptPrinter = { transport: 'tcp', host: '127.0.0.1', port, paper: 58 };
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify(config, null, 2));
  return startHost({ dataDir });
}

async function sealApplication(page: Page): Promise<string> {
  await sealSocialSecurityCard(page);
  return (await page.locator('.tracking-code').textContent())!.trim();
}

test('the printer receives the receipt of the packet just sealed: its text and QR code name the packet', async ({
  page,
}) => {
  const printer = new PrinterSimulator({ paper: 58 });
  const host = await hostWithPrinter(printer);
  try {
    await page.setViewportSize({ width: 1366, height: 768 });
    await signInNewClerk(page, host.url);
    await expect(printerHealth(page)).toContainText('正常');
    const trackingCode = await sealApplication(page);
    expect(trackingCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4})+$/);

    await expect.poll(() => printer.lastCut()?.text ?? '', { timeout: 15_000 }).toContain(trackingCode);
    const slip = printer.lastCut()!;
    expect(slip.text).toContain('申请材料接收凭证');
    expect(slip.text).toContain('李小梅');
    expect(slip.text).toContain('社会保障卡申领');
    expect(slip.text).toContain('演示审批部门');
    expect(slip.text).toContain(`${APPLICANT_ID.slice(0, 6)}********${APPLICANT_ID.slice(-4)}`);
    expect(slip.text).not.toContain(APPLICANT_ID);
    // The demo's tracking page of the embedded inbox, with this packet's 查询号.
    expect(decodeQr(slip.png)).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/track/${trackingCode}$`));
    writeFileSync(test.info().outputPath('receipt-58mm.png'), slip.png);
    // The sealed view says so; 补打 prints another copy marked as such.
    await expect(page.getByText(/回执已打印（/)).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('sealed-printed-1366x768.png') });
    await page.getByRole('button', { name: '补打回执' }).click();
    await expect(page.getByText(/回执已补打（/)).toBeVisible();
    await expect.poll(() => printer.lastCut()?.text ?? '').toContain('补打');
    expect(printer.lastCut()!.text).toContain(trackingCode);
  } finally {
    await host.stop();
    await printer.close();
    rmSync(host.dataDir, { recursive: true, force: true });
  }
});

test('out of paper: the seal goes through, the status bar says so, and the receipt prints once paper is in', async ({
  page,
}) => {
  const printer = new PrinterSimulator({ paper: 58, state: { paperOut: true } });
  const host = await hostWithPrinter(printer);
  try {
    await page.setViewportSize({ width: 1366, height: 768 });
    await signInNewClerk(page, host.url);
    await expect(printerHealth(page)).toContainText('缺纸');
    const trackingCode = await sealApplication(page);
    // The seal is done; the slip waits, saying why, and the status bar counts it.
    await expect(page.getByText(/回执未打印：打印机缺纸/)).toBeVisible();
    await expect(page.getByRole('button', { name: /回执待打印 1/ })).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('sealed-paper-out-1366x768.png') });
    expect(printer.lastCut()).toBeUndefined();

    printer.setState({ paperOut: false });
    await expect(printerHealth(page)).toContainText('正常');
    await expect.poll(() => printer.lastCut()?.text ?? '', { timeout: 15_000 }).toContain(trackingCode);
    await expect(page.getByText(/回执已打印（/)).toBeVisible();
    await expect(page.getByRole('button', { name: /回执待打印/ })).toHaveCount(0);
    // A real printer's paper is at the window: the demo's simulated paper is not shown.
    await expect(page.getByRole('heading', { name: '模拟回执打印机' })).toHaveCount(0);
  } finally {
    await host.stop();
    await printer.close();
    rmSync(host.dataDir, { recursive: true, force: true });
  }
});

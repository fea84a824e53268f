// An installer sets up a window from nothing, by the setup wizard alone, against the
// device simulators and a reference department inbox started as its own process: the ID
// card reader's simulator on a pseudo-terminal, the receipt printer's simulator on TCP,
// Chromium's fake cameras. The window is enrolled at the department with the public key
// the wizard shows, saves, restarts on its config, passes the check of everything, and a
// clerk then seals a packet that the department receives and whose receipt the printer prints.
//
// The screenshots are the installer guide's (docs/installer-guide.md): with
// GUIDE_SCREENSHOTS=1 they are written into docs/images/installer/ as well.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { openPtyPair, type PtyPair } from '../../src-main/devices/pty-pair.ts';
import { openSerialTransport } from '../../src-main/devices/serial-transport.ts';
import { CardReaderEmulator } from '../../src-main/devices/idcard/simulator.ts';
import { PrinterSimulator } from '../../src-main/devices/printer/simulator.ts';
import { enrolWindowByCli, startDepartment, type DepartmentProcess } from '../main/sync/process-harness.ts';
import { expect as baseExpect, startHost, test } from './browser-host.ts';
import { addClerkAndSignIn, INSTALLER_PASSWORD, sealSocialSecurityCard } from './flows.ts';

/** A whole window set up from nothing does much at once: on a loaded machine a step may take a while. */
const expect = baseExpect.configure({ timeout: 30_000 });

const GUIDE_DIR = join(process.cwd(), 'docs', 'images', 'installer');

/** A screenshot for the guide: in the test's output, and in docs/ when GUIDE_SCREENSHOTS=1. */
async function shoot(page: Page, name: string): Promise<void> {
  const file = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.GUIDE_SCREENSHOTS === '1') {
    mkdirSync(GUIDE_DIR, { recursive: true });
    copyFileSync(file, join(GUIDE_DIR, `${name}.png`));
  }
}

test.describe('installer', () => {
  test.use({ actionTimeout: 20_000 });
  let inboxDir: string;
  let inbox: DepartmentProcess;
  let pty: PtyPair;
  let emulator: CardReaderEmulator;
  const printer = new PrinterSimulator({ paper: 80 });
  let printerPort: number;

  test.beforeAll(async () => {
    inboxDir = mkdtempSync(join(tmpdir(), 'tongban-e2e-inbox-'));
    inbox = await startDepartment(inboxDir);
    pty = await openPtyPair();
    emulator = new CardReaderEmulator(await openSerialTransport(pty.paths[0], { baudRate: 115200 }));
    ({ port: printerPort } = await printer.listenTcp(0));
  });

  test.afterAll(async () => {
    await printer.close();
    emulator.close();
    await pty.close();
    await inbox.stop();
    rmSync(inboxDir, { recursive: true, force: true });
  });

  test('sets up a window with the wizard; it checks green, seals and delivers a packet', async ({ page }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: 1366, height: 768 });
    const host = await startHost();
    try {
      // First run: the installer's own account.
      await page.goto(host.url);
      await page.getByLabel('用户名').fill('admin');
      await page.getByLabel('姓名').fill('王运维');
      await page.getByLabel('密码', { exact: true }).fill(INSTALLER_PASSWORD);
      await page.getByLabel('确认密码').fill(INSTALLER_PASSWORD);
      await shoot(page, '01-first-run-account');
      await page.getByLabel('确认密码').press('Enter');

      // A PC still in the demo offers the wizard at once.
      await page.getByRole('button', { name: '开始设置向导' }).click();
      await expect(page.getByRole('navigation', { name: '设置步骤' })).toBeVisible();

      // 1 大厅与窗口
      await page.getByLabel('大厅编号', { exact: true }).fill('BJ-XC');
      await page.getByLabel('大厅名称', { exact: true }).fill('北京市西城区政务服务中心');
      await page.getByLabel('咨询电话').fill('010-12345678');
      await page.getByLabel('窗口编号', { exact: true }).fill('BJ-XC-03');
      await page.getByLabel('窗口名称', { exact: true }).fill('跨省通办专窗 3 号');
      await page.getByLabel('行政区划代码').fill('110102');
      await shoot(page, '02-wizard-hall');
      await page.getByRole('button', { name: '下一步' }).click();

      // 2 审批部门: the demo's embedded department goes, the hall's real one comes.
      const steps = page.getByRole('heading', { level: 3, name: '审批部门' });
      await expect(steps).toBeVisible();
      for (const remove of await page.getByRole('button', { name: /^删除审批部门/ }).all()) await remove.click();
      await page.getByRole('button', { name: '添加审批部门' }).click();
      const department = page.getByRole('region', { name: /^审批部门 1/ });
      // The id the service-item catalog routes by: the shipped demo catalog's department.
      await department.getByLabel('部门编号').fill('demo-dept');
      await department.getByLabel('部门名称').fill('成都市人力资源和社会保障局');
      await department.getByLabel('受理地区代码').fill('11, 12, 13, 31, 44, 51, 15');
      await department.getByLabel('接入地址').fill(inbox.url);

      // The window's public key, enrolled at the department by its administrator.
      const enrolment = page.getByRole('region', { name: '本窗口的登记信息' });
      await expect(enrolment.getByRole('img', { name: '签名公钥二维码' })).toBeVisible();
      const publicKey = (await enrolment.getByLabel('签名公钥', { exact: true }).inputValue()).trim();
      expect(publicKey).toMatch(/^[0-9a-f]{64}$/);
      const token = await enrolWindowByCli(inboxDir, { windowId: 'BJ-XC-03', publicKey, scheme: 'ed25519' });
      await department.getByLabel('接入令牌').fill(token);
      await department.getByRole('button', { name: '检测连接' }).click();
      const results = department.getByRole('list', { name: '检测结果' });
      await expect(results.locator('[data-state="ok"]')).toHaveCount(4, { timeout: 20_000 });
      await expect(results.locator('[data-state="fail"]')).toHaveCount(0);
      await shoot(page, '03-wizard-departments');
      await page.getByRole('button', { name: '下一步' }).click();

      // 3 设备
      const reader = page.getByRole('group', { name: '身份证阅读器' });
      await reader.getByLabel('连接方式').selectOption({ label: '串口（含 USB 转串口）' });
      await reader.getByLabel('串口路径').fill(pty.paths[1]);
      await reader.getByRole('button', { name: '探测读卡器' }).click();
      await expect(reader.getByText(/安全模块（SAM）编号：/)).toBeVisible({ timeout: 15_000 });

      const receiptPrinter = page.getByRole('group', { name: '回执打印机' });
      await receiptPrinter.getByLabel('连接方式').selectOption({ label: '网络（TCP）' });
      await receiptPrinter.getByLabel('打印机地址').fill('127.0.0.1');
      await receiptPrinter.getByLabel('端口').fill(String(printerPort));
      await receiptPrinter.getByLabel('纸宽').selectOption({ label: '80 毫米' });
      await receiptPrinter.getByRole('button', { name: '打印测试页' }).click();
      await expect(receiptPrinter.getByText(/测试页已打印/)).toBeVisible({ timeout: 15_000 });
      expect(printer.text()).toMatch(/测试/);

      for (const name of ['高拍仪', '窗口摄像头']) {
        const camera = page.getByRole('group', { name });
        await camera.getByLabel('连接方式').selectOption({ label: 'USB 摄像头（UVC）' });
        const choice = camera.getByLabel('摄像头');
        await expect(choice.locator('option')).not.toHaveCount(1);
        await choice.selectOption({ index: 1 });
        await camera.getByRole('button', { name: '预览' }).click();
        await expect(camera.getByText(/实际分辨率：\d+×\d+/)).toBeVisible({ timeout: 15_000 });
      }
      await reader.scrollIntoViewIfNeeded();
      await page.mouse.wheel(0, -400);
      await shoot(page, '04-wizard-devices');
      await page.getByRole('button', { name: '下一步' }).click();

      // 4 数据与保存期限: the defaults. 5 检查并保存.
      await expect(page.getByLabel('事件日志保存天数')).toBeVisible();
      await page.getByRole('button', { name: '下一步' }).click();
      await page.getByRole('button', { name: '检查配置' }).click();
      await expect(page.getByText('配置检查通过，可以保存。')).toBeVisible();
      await page.getByRole('button', { name: '保存配置' }).click();

      // The core restarts on the saved config; the installer signs in again and sees the check.
      await expect(page.getByLabel('用户名')).toBeVisible({ timeout: 30_000 });
      await page.getByLabel('用户名').fill('admin');
      await page.getByLabel('密码').fill(INSTALLER_PASSWORD);
      await page.getByLabel('密码').press('Enter');
      const check = page.getByRole('list', { name: '全面检查' });
      await expect(page.getByText('检查全部通过，本窗口可以开始办理业务。')).toBeVisible({ timeout: 60_000 });
      await expect(check.locator('[data-state="fail"]')).toHaveCount(0);
      await expect(check).toContainText('成都市人力资源和社会保障局');
      await shoot(page, '05-wizard-check');

      // The window works: a clerk seals a packet; the department receives it, the printer prints the receipt.
      await page.getByRole('button', { name: '完成' }).click();
      await addClerkAndSignIn(page);
      await expect(page.getByText('北京市西城区政务服务中心')).toBeVisible();

      await sealSocialSecurityCard(page);
      await expect(page.getByText(/回执已打印（/)).toBeVisible({ timeout: 20_000 });
      await expect.poll(() => printer.text(), { timeout: 20_000 }).toContain('李小梅');

      await page.getByRole('button', { name: '返回今日队列' }).click();
      const row = page.getByRole('table', { name: '今日已封装' }).getByRole('row').filter({ hasText: '李小梅' });
      await expect(row).toContainText('已送达', { timeout: 30_000 });
      await expect(row).toContainText('成都市人力资源和社会保障局');
    } finally {
      await host.stop();
    }
  });
});

// A clerk at the window, in Chromium against the real core: choose the item by its
// pinyin initials, type the identity, fill the form, hand in scanned files, review
// and seal — once as 收件 (then the department decides and the window prints its documents),
// once as 补正 — and read the issued PDFs' text; and once
// the whole intake by keyboard alone at the window's 1366×768.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Locator, Page } from '@playwright/test';
import { pngBytes } from '../fixtures/files.ts';
import { pdfText } from '../fixtures/pdf.ts';
import { expect, startHost, test } from './browser-host.ts';
import {
  APPLICANT_ID,
  CLERK_PASSWORD,
  fillForm,
  fillFormFields,
  handIn,
  review,
  seal,
  signInNewClerk,
  startSocialSecurityCard,
  typeApplicant,
} from './flows.ts';

/** Downloads a notice through its link and returns the PDF's text. */
async function downloadedText(page: Page, title: string): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: `下载《${title}》` }).click(),
  ]);
  const file = await download.path();
  expect(download.suggestedFilename()).toMatch(/^demo-hall-W01-[A-Z]{2}-\d{4}-\d{6}\.pdf$/);
  return pdfText(file);
}

const squeeze = (text: string) => text.replace(/\s+/g, '');
const run = promisify(execFile);

test('收受分离: the window receives, the department accepts and posts the result, the window prints its documents', async ({
  page,
  host,
}) => {
  await signInNewClerk(page, host.url);
  await startSocialSecurityCard(page);
  await typeApplicant(page);
  await fillForm(page, '13812345678');

  // A file that is not a scan is refused at its material; nothing else is lost.
  const idCard = page.getByRole('group', { name: '申请人居民身份证' });
  await idCard
    .getByLabel('上传文件')
    .setInputFiles({ name: '说明.txt', mimeType: 'text/plain', buffer: Buffer.from('不是图片') });
  await expect(idCard.getByRole('alert')).toContainText('不是图片或 PDF');
  await handIn(page, '申请人居民身份证', { name: '身份证正反面.png', buffer: Buffer.from(pngBytes(40, 25, 120)) });
  await handIn(page, '近期免冠彩色证件照片', { name: '证件照.png', buffer: Buffer.from(pngBytes(36, 44, 200)) });

  await review(page, '收件');
  await seal(page);

  // The demo's simulated receipt printer printed the slip by itself; its paper shows on screen.
  await expect(page.getByText(/回执已打印（/)).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('img', { name: /申请材料接收凭证[\s\S]*李小梅/ })).toBeVisible();
  const receipt = await downloadedText(page, '申请材料接收凭证');
  expect(receipt).toContain('申请材料接收凭证');
  expect(receipt).toContain('李小梅');
  expect(receipt).toContain('社会保障卡申领');
  expect(receipt).toContain('申请人居民身份证');
  expect(receipt).toContain('近期免冠彩色证件照片');
  expect(receipt).toContain('510104********'); // masked: first 6 and last 4 only
  expect(receipt).not.toContain(APPLICANT_ID);
  // 受理 is the department's: the window issues no 受理通知书 in its own name.
  await expect(page.getByRole('link', { name: '下载《受理通知书》' })).toHaveCount(0);

  // In the demo profile the packet travels to the embedded department inbox for real.
  await page.getByRole('button', { name: '返回今日队列' }).click();
  const row = page.getByRole('table', { name: '今日已封装' }).getByRole('row').filter({ hasText: '李小梅' });
  await expect(row).toContainText('已送达', { timeout: 20_000 });
  await expect(row).toContainText('演示审批部门');

  // The department accepts; its 受理通知书 comes back through the change feed and is printed here.
  const packetId = await deliveredPacketId(host.dataDir);
  await inboxCli(host.dataDir, 'decide', packetId, 'accept', '--by', '演示审批');
  await expect(row).toContainText('已受理', { timeout: 20_000 });
  const acceptance = squeeze(await departmentDocumentText(page, row, '受理通知书'));
  expect(acceptance).toContain('李小梅');
  expect(acceptance).toContain('现予受理');
  expect(acceptance).toContain('演示审批部门（盖章）');
  expect(acceptance).toContain('统一窗口出件');

  // The result is posted: the waybill shows in the queue and on the department's document.
  await inboxCli(host.dataDir, 'decide', packetId, 'approve', '--waybill', 'EA123456789CN', '--by', '演示审批');
  await expect(row).toContainText('EA123456789CN', { timeout: 20_000 });
  const result = squeeze(await departmentDocumentText(page, row, '办结通知书'));
  expect(result).toContain('决定办结');
  expect(result).toContain('寄递单号：EA123456789CN');
});

/** The department inbox's command line on the host's embedded demo inbox (as a department's staff would decide). */
async function inboxCli(dataDir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'src-main/demo/inbox-cli.ts', ...args, '--app-data-dir', dataDir],
    {
      cwd: process.cwd(),
    },
  );
  return stdout;
}

async function deliveredPacketId(dataDir: string): Promise<string> {
  const listed = await inboxCli(dataDir, 'list', '--state', 'delivered');
  const id = /[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(listed)?.[0];
  if (!id) throw new Error(`no delivered packet in the inbox:\n${listed}`);
  return id;
}

/** Opens a department document from the queue row and downloads it; returns the PDF's text. */
async function departmentDocumentText(page: Page, row: Locator, title: string): Promise<string> {
  await row.getByRole('button', { name: `查看审批部门《${title}》` }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: `下载《${title}》` }).click(),
  ]);
  const text = await pdfText(await download.path());
  // Closed again, so the next document's link is the only one of its name.
  await row.getByRole('button', { name: `查看审批部门《${title}》` }).click();
  return text;
}

test('a wrong phone number is caught on the form step; the 补正 notice lists only what the applicant must bring', async ({
  page,
  host,
}) => {
  await signInNewClerk(page, host.url);
  await startSocialSecurityCard(page);
  await typeApplicant(page);
  await fillFormFields(page, '12345');
  // The clerk's slip holds the step, at the field, with the focus on it.
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('heading', { level: 3, name: '填写表单' })).toBeVisible();
  await expect(page.getByText('请填写有效电话号码：手机 11 位，固定电话请带区号。')).toBeVisible();
  await expect(page.getByLabel('联系电话')).toBeFocused();
  await page.getByLabel('联系电话').fill('13812345678');
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('heading', { level: 3, name: '收取材料' })).toBeVisible();
  await handIn(page, '申请人居民身份证', { name: '身份证正反面.png', buffer: Buffer.from(pngBytes(40, 25, 120)) });

  await review(page, '补正');
  await seal(page);
  const notice = await downloadedText(page, '补正材料通知书');
  expect(notice).toContain('补正材料通知书');
  expect(notice).toContain('李小梅');
  expect(notice).toContain('近期免冠彩色证件照片');
  expect(squeeze(notice)).toContain('逾期');
  // Only what the applicant must bring: not the window's typing, never a scan.
  expect(squeeze(notice)).toContain('存在的问题（共1项）');
  expect(squeeze(notice)).not.toContain('电话号码');
  expect(notice).not.toContain('电子件');

  await page.getByRole('button', { name: '返回今日队列' }).click();
  await expect(page.getByRole('button', { name: '补正续办' })).toBeVisible();
});

/** Tab (forward) until the control has the focus: how a clerk gets somewhere without the mouse. */
test('a 补正 the applicant lets pass reads 视为放弃 weeks later, not overdue', async ({ page, host }) => {
  test.setTimeout(180_000); // two starts of the host and a seal, on a loaded 2-core machine
  await signInNewClerk(page, host.url);
  await startSocialSecurityCard(page);
  await typeApplicant(page);
  await fillForm(page, '13812345678');
  await handIn(page, '申请人居民身份证', { name: '身份证正反面.png', buffer: Buffer.from(pngBytes(40, 25, 120)) });
  await review(page, '补正'); // no photo: a window 补正, 5 working days to bring it
  await seal(page);
  await page.getByRole('button', { name: '返回今日队列' }).click();
  await expect(page.getByRole('button', { name: '补正续办' })).toBeVisible();

  // The same window four weeks later: nobody came back with the photo.
  await host.stop();
  const later = await startHost({ dataDir: host.dataDir, daysLater: 28 });
  try {
    await page.goto('about:blank'); // the new address differs only after its '#': leave, so the page loads anew
    await page.goto(later.url);
    await page.getByLabel('用户名').fill('clerk01');
    await page.getByLabel('密码').fill(CLERK_PASSWORD);
    await page.getByLabel('密码').press('Enter');
    await page.getByRole('radio', { name: '全部', exact: true }).check();
    const row = page.getByRole('table', { name: '全部收件包' }).getByRole('row').filter({ hasText: '李小梅' });
    await expect(row.locator('[data-deadline="lapsed"]')).toHaveText(/逾期未补正，视为放弃/);
    await expect(row.locator('[data-deadline="passed"]')).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath('lapsed-correction.png') });
  } finally {
    await later.stop();
  }
});

async function tabTo(page: Page, target: Locator, limit = 30): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

/** Picks an option of the focused select with the arrow keys (Chromium changes it in place). */
async function arrowTo(page: Page, select: Locator, option: string): Promise<void> {
  await expect(select).toBeFocused();
  for (let i = 0; i < 6; i++) {
    if ((await select.evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.textContent ?? '')) === option) return;
    await page.keyboard.press('ArrowDown');
  }
  await expect(select.locator('option:checked')).toHaveText(option);
}

/** The field has the focus (Enter brought it there): type into it and go on with Enter. */
async function enterInto(page: Page, field: Locator, text: string): Promise<void> {
  await expect(field).toBeFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
  await page.keyboard.press('Enter');
}

test('a whole intake by keyboard alone, at the window’s 1366×768', async ({ page, host }) => {
  test.setTimeout(120_000); // every step waits for its key's effect; slow on a loaded 2-core machine
  await page.setViewportSize({ width: 1366, height: 768 });
  await signInNewClerk(page, host.url);

  // From here on: keys only.
  await page.keyboard.press('Alt+n');
  await expect(page.getByLabel('搜索事项')).toBeFocused();
  await page.keyboard.type('sbk');
  await expect(page.getByRole('listbox', { name: '事项搜索结果' }).getByRole('option').first()).toContainText(
    '社会保障卡申领',
  );
  // Beside the hits, the highlighted item's guide, whole on the screen.
  const guide = page.getByRole('region', { name: '办事指南' });
  await expect(guide.getByRole('heading', { name: /社会保障卡申领/ })).toBeVisible();
  await expect(guide).toContainText('个工作日');
  await expect(guide).toBeInViewport({ ratio: 1 });
  await page.screenshot({ path: test.info().outputPath('item-guide-1366x768.png') });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: '社会保障卡申领' })).toBeVisible();

  // 申请人: the cursor starts in 姓名; Enter goes from field to field.
  await enterInto(page, page.getByLabel('姓名', { exact: true }), '李小梅');
  await expect(page.getByLabel('证件类型')).toHaveValue('resident');
  await page.keyboard.press('Enter'); // 证件类型: 居民身份证
  await enterInto(page, page.getByLabel('公民身份号码'), APPLICANT_ID);
  await expect(page.getByLabel('性别')).toHaveValue('female'); // from the ID number
  await expect(page.getByLabel('出生日期')).toHaveValue('1990-03-07');
  await page.keyboard.press('Enter'); // 性别 as read from the number
  await page.keyboard.press('Enter'); // 出生日期 likewise
  await arrowTo(page, page.getByLabel('民族'), '汉族');
  await page.keyboard.press('Enter');
  await enterInto(page, page.getByLabel('住址'), '四川省成都市锦江区红星路一段1号');
  // The back of the card: 签发机关 and 有效期 (长期, ticked with Space).
  await enterInto(page, page.getByLabel('签发机关'), '成都市公安局锦江区分局');
  await expect(page.getByLabel('有效期至')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('长期有效')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.getByLabel('有效期至')).toBeDisabled();
  await page.keyboard.press('Enter');
  // The home region by the pinyin initials of 成都锦江, picked with Enter, its full name shown.
  const home = page.getByLabel('业务属地行政区划代码');
  await expect(home).toBeFocused();
  await page.keyboard.type('cdjj');
  await expect(page.getByRole('listbox', { name: '候选地区' }).getByRole('option').first()).toContainText(
    '四川省成都市锦江区',
  );
  await page.keyboard.press('Enter');
  await expect(home).toHaveValue('510104');
  await expect(page.getByText('四川省成都市锦江区', { exact: true })).toBeVisible();
  await page.keyboard.press('Enter');

  // 填写表单, by its step key from wherever the cursor is.
  await page.keyboard.press('Alt+2');
  await expect(page.getByRole('heading', { level: 3, name: '填写表单' })).toBeVisible();
  await expect(page.getByLabel('申请人姓名')).toBeFocused();
  await expect(page.getByLabel('申请人姓名')).toHaveValue('李小梅');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await enterInto(page, page.getByLabel('联系电话'), '13812345678');
  await page.keyboard.press('Enter'); // 性别, prefilled
  await page.keyboard.press('Enter'); // 民族, prefilled
  await enterInto(page, page.getByLabel('参保地'), '510104');
  await arrowTo(page, page.getByLabel('申请人未满16周岁'), '否');
  await page.keyboard.press('Enter');
  await arrowTo(page, page.getByLabel('开通金融账户功能'), '否');
  await page.keyboard.press('Enter');
  await arrowTo(page, page.getByLabel('送达方式'), '窗口领取');

  // 收取材料: counts as due, then each scan; after a file the focus goes on by itself.
  await page.keyboard.press('Alt+3');
  await expect(page.getByRole('heading', { level: 3, name: '收取材料' })).toBeVisible();
  const idCard = page.getByRole('group', { name: '申请人居民身份证' });
  const photo = page.getByRole('group', { name: '近期免冠彩色证件照片' });
  for (const group of [idCard, photo]) {
    await tabTo(page, group.getByRole('button', { name: '按应交份数收齐' }));
    await page.keyboard.press('Enter');
  }
  await tabTo(page, idCard.getByLabel('上传文件'), 60);
  const scan = async (name: string, seed: [number, number, number]) => {
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Space');
    await (await chooser).setFiles({ name, mimeType: 'image/png', buffer: Buffer.from(pngBytes(...seed)) });
  };
  await scan('身份证正反面.png', [40, 25, 120]);
  await expect(idCard.getByText('身份证正反面.png')).toBeVisible();
  await expect(photo.getByLabel('上传文件')).toBeFocused();
  await scan('证件照.png', [36, 44, 200]);
  await expect(photo.getByText('证件照.png')).toBeVisible();
  await expect(page.getByRole('button', { name: '下一步' })).toBeFocused();
  await page.keyboard.press('Enter');

  // 形式审查: the conditions with Space, review with Alt+R, seal with Alt+S and Enter.
  await expect(page.getByRole('heading', { level: 3, name: '形式审查' })).toBeVisible();
  for (const radio of await page.getByRole('radio', { name: '符合', exact: true }).all()) {
    await tabTo(page, radio);
    await page.keyboard.press('Space');
    await expect(radio).toBeChecked();
  }
  await page.keyboard.press('Alt+r');
  await expect(page.getByRole('heading', { name: '审查结论：收件' })).toBeVisible();
  await expect(page.getByRole('button', { name: '封装', exact: true })).toBeFocused();
  await page.screenshot({ path: test.info().outputPath('keyboard-review-1366x768.png') });
  await page.keyboard.press('Alt+s');
  await expect(page.getByRole('button', { name: '确认封装' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: '已封装' })).toBeFocused();

  // A document opened and closed again from the keyboard.
  await tabTo(page, page.getByRole('button', { name: '预览《申请材料接收凭证》' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTitle(/^申请材料接收凭证（.*）预览$/)).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('keyboard-sealed-1366x768.png') });
  await page.keyboard.press('Escape');
  await expect(page.getByTitle(/^申请材料接收凭证（.*）预览$/)).toHaveCount(0);
  await expect(page.getByRole('button', { name: '预览《申请材料接收凭证》' })).toBeFocused();
});

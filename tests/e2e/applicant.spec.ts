// The applicant screen in Chromium against the real browser host: the clerk's page shows
// a pairing code, a second page (the applicant's, at /applicant) takes it on its keypad,
// a reload of that page stays paired, the seal waits for the applicant, who checks what
// the clerk entered (masked ID, item, answers) and confirms on their own screen; then
// the clerk seals. (The lead extends this with consent → face match, signature, rating.)
import { expect, test } from './browser-host.ts';
import {
  APPLICANT_ID,
  fillForm,
  handIn,
  review,
  seal,
  signInNewClerk,
  startSocialSecurityCard,
  typeApplicant,
} from './flows.ts';
import { pngBytes } from '../fixtures/files.ts';

test('a second page pairs as the applicant screen, and the applicant confirms before the seal', async ({
  page,
  browser,
  host,
}) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await signInNewClerk(page, host.url);
  await startSocialSecurityCard(page);
  await typeApplicant(page);
  await fillForm(page, '13812345678');
  await handIn(page, '申请人居民身份证', { name: '身份证正反面.png', buffer: Buffer.from(pngBytes(40, 25, 120)) });
  await handIn(page, '近期免冠彩色证件照片', { name: '证件照.png', buffer: Buffer.from(pngBytes(36, 44, 200)) });
  await review(page, '收件');

  const panel = page.getByRole('region', { name: '申请人屏幕' });
  await expect(panel.getByText('申请人屏幕未连接')).toBeVisible();
  await panel.getByRole('button', { name: '生成配对码' }).click();
  const code = (await panel.locator('.applicant-pairing-code').textContent())?.trim() ?? '';
  expect(code).toMatch(/^\d{6}$/);

  // The applicant's screen: another window, at 1920×1080, on the same host.
  const applicantContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const applicant = await applicantContext.newPage();
  await applicant.goto(`${new URL(host.url).origin}/applicant`);
  await expect(applicant.getByText('请输入窗口屏幕上显示的 6 位配对码')).toBeVisible();
  // A wrong code is refused and said so; the right one on the large keys pairs.
  await applicant.keyboard.type(code === '000000' ? '111111' : '000000');
  await expect(applicant.getByRole('alert')).toContainText('配对码不正确');
  for (const digit of code) await applicant.getByRole('button', { name: `数字 ${digit}` }).click();
  await expect(applicant.getByRole('heading', { name: '欢迎办理' })).toBeVisible();
  await expect(panel.getByText('申请人屏幕已连接')).toBeVisible();
  await expect(page.getByText('申请人屏：已连接')).toBeVisible();

  // A reload keeps the page paired (its ticket in the tab's sessionStorage).
  await applicant.reload();
  await expect(applicant.getByRole('heading', { name: '欢迎办理' })).toBeVisible();
  await expect(panel.getByText('申请人屏幕已连接')).toBeVisible();

  // Paired: no seal before the applicant confirms.
  await page.getByRole('button', { name: '封装', exact: true }).click();
  await page.getByRole('button', { name: '确认封装' }).click();
  await expect(page.getByText(/申请人尚未在申请人屏幕上确认/)).toBeVisible();

  await panel.getByRole('button', { name: '请申请人确认' }).click();
  await expect(applicant.getByRole('heading', { name: '请核对以下信息' })).toBeVisible();
  const masked = `${APPLICANT_ID.slice(0, 6)}********${APPLICANT_ID.slice(-4)}`;
  // Masked wherever it shows (identity, and the form's ID number field), never whole.
  await expect(applicant.getByText(masked)).toHaveCount(2);
  await expect(applicant.getByText(APPLICANT_ID)).toHaveCount(0);
  await expect(applicant.getByText('社会保障卡申领', { exact: false }).first()).toBeVisible();
  await expect(applicant.getByText('13812345678')).toBeVisible();
  const confirm = applicant.getByRole('button', { name: '确认无误' });
  const box = await confirm.boundingBox();
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(48);
  await confirm.click();
  await expect(applicant.getByRole('heading', { name: '欢迎办理' })).toBeVisible();
  await expect(panel.getByText('申请人已确认无误')).toBeVisible();

  await seal(page);
  await applicantContext.close();
});

// A supervisor reviews the window's sessions in Chromium against the real core: a clerk
// seals one intake and leaves another open; the supervisor opens 会话抽查, filters it,
// opens the sealed session by keyboard, sees its steps and its chain verified, plays its
// recording (camera and screen on one clock, a jump to a step by its marker, the next
// step and play / pause by keyboard), comments and signs it off by keyboard alone — at
// the window's 1366×768.
import { readFileSync } from 'node:fs';
import { verifyBundle } from '../../src-main/recording/verify-bundle.ts';
import { bufferAccess, readZipDirectory, readZipEntryBytes } from '../../src-main/recording/zip-reader.ts';
import { expect, test } from './browser-host.ts';
import {
  APPLICANT_ID,
  INSTALLER_PASSWORD,
  sealSocialSecurityCard,
  signInNewClerk,
  startSocialSecurityCard,
} from './flows.ts';

const SUPERVISOR_PASSWORD = 'Super#2026a';

test('a supervisor filters the sessions, opens one, comments and signs it off by keyboard', async ({ page, host }) => {
  // A whole intake, then the review with its replay: longer than the default minute on a busy machine.
  test.setTimeout(150_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  await signInNewClerk(page, host.url);
  // One session sealed as 收件 …
  await sealSocialSecurityCard(page);
  await expect(page.getByText(/回执已打印（/)).toBeVisible({ timeout: 15_000 });
  // … and one still open at the window.
  await page.getByRole('button', { name: '返回今日队列' }).click();
  await startSocialSecurityCard(page);
  await page.getByRole('button', { name: '退出登录' }).click();

  // The installer opens a supervisor's account.
  await page.getByLabel('用户名').fill('admin');
  await page.getByLabel('密码').fill(INSTALLER_PASSWORD);
  await page.getByLabel('密码').press('Enter');
  await page.getByRole('button', { name: '用户管理' }).click();
  await page.getByLabel('用户名').fill('super01');
  await page.getByLabel('姓名').fill('刘督查');
  await page.getByLabel('岗位角色').selectOption({ label: '审核督查' });
  await page.getByLabel('初始密码').fill(SUPERVISOR_PASSWORD);
  await page.getByRole('button', { name: '创建用户' }).click();
  await expect(page.getByText('已创建用户 super01')).toBeVisible();
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.getByLabel('用户名').fill('super01');
  await page.getByLabel('密码').fill(SUPERVISOR_PASSWORD);
  await page.getByLabel('密码').press('Enter');

  const review_ = page.getByRole('region', { name: '会话抽查' });
  const list = page.getByRole('table', { name: '办件过程记录列表' });
  await expect(list.getByRole('row')).toHaveCount(3); // the header and two sessions
  await expect(review_.getByText('共 2 个办件')).toBeVisible();
  await expect(review_.getByText(/快捷键：Alt\+↓/)).toBeVisible();
  await expect(list.getByRole('row').nth(1)).toContainText('办理中');
  await expect(list.getByRole('row').nth(2)).toContainText('已收件');
  // Recorded on the fake camera without a break: no video flag; the card never read is a missing step.
  await expect(list.getByRole('row').nth(2)).toContainText('缺少步骤');
  await expect(list.getByRole('row').nth(2)).not.toContainText('录像中断');

  // Filter: only sessions that ended in 收件.
  await review_.getByLabel('办理结果').selectOption({ label: '已收件' });
  await expect(list.getByRole('row')).toHaveCount(2);
  await expect(review_.getByText('共 1 个办件')).toBeVisible();
  await review_.getByLabel('督查状态').selectOption({ label: '未签署' });
  await expect(list.getByRole('row')).toHaveCount(2);

  // Alt+↓ opens the first session of the list; its steps and its verified chain show.
  await page.keyboard.press('Alt+ArrowDown');
  const detail = page.getByRole('region', { name: /社会保障卡申领 · 张窗口/ });
  await expect(detail.getByText('记录完整')).toBeVisible();
  const chapters = detail.getByRole('table', { name: '办理步骤列表' });
  await expect(chapters).toContainText('开始办件');
  await expect(chapters).toContainText('填写表单');
  await expect(chapters).toContainText('收取材料');
  await expect(chapters).toContainText('形式审查');
  await expect(chapters).toContainText('封装');
  await expect(chapters).toContainText('打印回执');
  await expect(detail.getByText(/缺少步骤：读取身份证/)).toBeVisible();

  // The player: the fake camera's video and the replayed screen side by side, the steps as
  // markers, every stored segment checked against its hash.
  const player = detail.getByRole('region', { name: '录像回放' });
  await expect(player).toHaveAttribute('data-ready', 'true', { timeout: 15_000 });
  await expect(detail.getByText(/^录像 \d+ 段均未改动$/)).toBeVisible({ timeout: 15_000 });
  const markers = player.getByRole('button', { name: /^跳到 / });
  await expect(markers).toHaveCount((await chapters.getByRole('row').count()) - 1);
  const video = player.getByLabel('柜台摄像头录像');
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState >= 2 && v.videoWidth > 0)).toBe(true);
  const screen = player.locator('.player-screen iframe').contentFrame();
  await expect(screen.getByText('社会保障卡申领').first()).toBeAttached();
  await expect(player.locator('.player-note')).toHaveCount(0);

  // A jump to the review step: both views go there, and the step is the current one.
  const seekDone = async () => Number(await player.getAttribute('data-seek-done'));
  const before = await seekDone();
  await player.getByRole('button', { name: /^跳到 .* 形式审查/ }).click();
  await expect.poll(seekDone).toBeGreaterThan(before);
  await expect(player.locator('.player-chapter')).toHaveText('形式审查');
  await expect(screen.getByRole('heading', { name: '形式审查' })).toBeAttached();
  await expect(video).toBeVisible();
  // By keyboard: the next step (Alt+→), then play and pause (Alt+P): the clock moves on.
  await page.keyboard.press('Alt+ArrowRight');
  await expect(player.locator('.player-chapter')).not.toHaveText('形式审查');
  const at = await player.locator('.player-time').textContent();
  await page.keyboard.press('Alt+P');
  await expect(player.getByRole('button', { name: '暂停' })).toBeVisible();
  await expect(player.locator('.player-time')).not.toHaveText(at ?? '');
  await page.keyboard.press('Alt+P');
  await expect(player.getByRole('button', { name: '播放' })).toBeVisible();
  // Both views show their picture (nothing over them: no gap, no loading).
  await expect(player.locator('.player-note')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('supervision-player-1366x768.png') });
  // 放大回放: the player across the whole width, the list set aside until it is pressed again.
  await player.getByRole('button', { name: '放大回放' }).click();
  await expect(list).toBeHidden();
  await expect(player.getByRole('button', { name: '放大回放' })).toHaveAttribute('aria-pressed', 'true');
  await page.screenshot({ path: test.info().outputPath('supervision-player-wide-1366x768.png') });
  await player.getByRole('button', { name: '放大回放' }).click();
  await expect(list).toBeVisible();
  // Alt+↓ would have moved the list: give the focus back to the opened row.
  await list.getByRole('button', { name: /^打开 .* 张窗口 的办件$/ }).focus();
  // The row opened by keyboard holds the focus.
  await expect(list.getByRole('button', { name: /^打开 .* 张窗口 的办件$/ })).toBeFocused();
  // Alt+Shift+↓: no flagged session after it.
  await page.keyboard.press('Alt+Shift+ArrowDown');
  await expect(review_.getByText('后面没有有标记的办件了。')).toBeVisible();

  // A comment by keyboard: Tab into the box, type, Ctrl+Enter.
  await detail.getByLabel('批注', { exact: true }).focus();
  await page.keyboard.type('未读取身份证，已口头提醒窗口人员。');
  await page.keyboard.press('Control+Enter');
  await expect(detail.getByText('已添加批注。')).toBeVisible();
  await expect(detail.getByText('super01 批注')).toBeVisible();

  // The sign-off by keyboard: the verdict's radios with the arrows, Tab to the remark and the button.
  await detail.getByRole('radio', { name: '无异常' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(detail.getByRole('radio', { name: '有问题' })).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(detail.getByLabel('意见说明（可选）')).toBeFocused();
  await page.keyboard.type('身份核验步骤缺失。');
  await page.keyboard.press('Tab');
  await expect(detail.getByRole('button', { name: '签署' })).toBeFocused();
  await page.screenshot({ path: test.info().outputPath('supervision-session-1366x768.png') });
  await page.keyboard.press('Enter');
  await expect(detail.getByText('已签署督查意见。')).toBeVisible();
  await expect(detail.getByText(/已由 super01 于 .* 签署：有问题。/)).toBeVisible();
  await expect(detail.getByText('super01 签署：有问题')).toBeVisible();
  // The list's row shows it signed; the chain, with both entries, still verifies whole.
  await expect(list.getByRole('row').nth(1)).toContainText('已签署');
  await expect(detail.getByText('记录完整')).toBeVisible();

  // The evidence bundle: exported through the UI, saved by the browser, and intact to the
  // offline verifier — the recorded segments, the screen, the chain with the sign-off.
  const downloading = page.waitForEvent('download');
  await detail.getByRole('button', { name: '导出证据包' }).click();
  const download = await downloading;
  await expect(detail.getByText(/^已导出证据包“.+\.zip”（.+）。$/)).toBeVisible();
  const bundle = readFileSync(await download.path());
  const verdict = await verifyBundle(bufferAccess(new Uint8Array(bundle)));
  expect(verdict.findings).toEqual([]);
  expect(verdict.status).toBe('intact');
  // Camera and screen segments of the fake camera's recording, in the chain with the steps and notes.
  expect(verdict.session?.segments).toBeGreaterThan(1);
  expect(verdict.session?.events).toBeGreaterThan(10);
  // The stored screen — through the seal, the receipt printed with the applicant's name on
  // it (its image's alt text) — holds none of the applicant's data.
  const zip = bufferAccess(new Uint8Array(bundle));
  const screenEntries = (await readZipDirectory(zip)).filter((entry) => entry.name.includes('screen'));
  expect(screenEntries.length).toBeGreaterThan(0);
  const stored = (await Promise.all(screenEntries.map((entry) => readZipEntryBytes(zip, entry, 64 * 1024 * 1024))))
    .map((bytes) => Buffer.from(bytes).toString('utf8'))
    .join('\n');
  expect(stored).toContain('模拟回执打印机');
  for (const secret of ['李小梅', APPLICANT_ID, '13812345678', '红星路一段']) {
    expect(stored.includes(secret), `the stored screen holds “${secret}”`).toBe(false);
  }

  // Signed sessions leave the 未签署 filter (read again from the core).
  await review_.getByLabel('督查状态').selectOption({ label: '已签署' });
  await expect(review_.getByText('共 1 个办件')).toBeVisible();
  await review_.getByLabel('督查状态').selectOption({ label: '未签署' });
  await expect(review_.getByText('共 0 个办件')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('supervision-list-1366x768.png') });
});

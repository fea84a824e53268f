// A browser tab keeps its clerk through a reload (issue #9 item 11), in Chromium
// against the real browser host: the same screen and the draft in progress after a
// reload; locked, not signed out, after the idle limit; a spent ticket replayed by
// another tab refused; a restarted host says so instead of reconnecting forever.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { demoConfig } from '../../src-main/common/hall-config.ts';
import { expect, startHost, test } from './browser-host.ts';
import { CLERK_PASSWORD, signInNewClerk, startSocialSecurityCard } from './flows.ts';

const TICKET_KEY = 'tongban.resumeTicket';
const HOST_TOKEN_KEY = 'tongban.hostToken';

/** Opens 社会保障卡申领 and types the applicant's name; waits for the autosave. */
async function startDraft(page: Page): Promise<void> {
  await startSocialSecurityCard(page);
  await page.getByLabel('姓名', { exact: true }).fill('李小梅');
  await expect(page.getByText('已自动保存')).toBeVisible();
}

async function expectDraftOpen(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 2, name: '社会保障卡申领' })).toBeVisible();
  await expect(page.getByLabel('姓名', { exact: true })).toHaveValue('李小梅');
}

test('a reload keeps the clerk signed in, on the same screen, with the draft in progress', async ({ page, host }) => {
  await signInNewClerk(page, host.url);
  await startDraft(page);

  await page.reload();
  await expectDraftOpen(page);
  await expect(page.getByText('张窗口 · 窗口人员')).toBeVisible();
  await expect(page.getByRole('heading', { name: '登录' })).toHaveCount(0);

  // Signing out ends it: the next reload shows sign-in.
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
});

test('a spent ticket replayed by another tab is refused; the live one moves the session', async ({ page, context, host }) => {
  await signInNewClerk(page, host.url);
  const spent = (await page.evaluate((key) => sessionStorage.getItem(key), TICKET_KEY)) ?? '';
  expect(spent).not.toBe('');
  await page.reload(); // spends it, the tab keeps the rotated one
  await expect(page.getByRole('button', { name: '新建收件' })).toBeVisible();
  const live = (await page.evaluate((key) => sessionStorage.getItem(key), TICKET_KEY)) ?? '';
  expect(live).not.toBe(spent);

  // The page's link was single-use: other tabs come as a duplicated tab does, with the
  // tab's sessionStorage (the host token) copied, here with a ticket of our choosing.
  const hostToken = (await page.evaluate((key) => sessionStorage.getItem(key), HOST_TOKEN_KEY)) ?? '';
  const tabWith = async (ticket: string) => {
    const tab = await context.newPage();
    await tab.addInitScript(
      ([tokenKey, token, ticketKey, value]) => {
        sessionStorage.setItem(tokenKey, token);
        sessionStorage.setItem(ticketKey, value);
      },
      [HOST_TOKEN_KEY, hostToken, TICKET_KEY, ticket] as const,
    );
    await tab.goto(new URL(host.url).origin + '/');
    return tab;
  };
  const thief = await tabWith(spent);
  await expect(thief.getByRole('heading', { name: '登录' })).toBeVisible();
  await expect(page.getByRole('button', { name: '新建收件' })).toBeVisible();

  // The live ticket in another tab takes the session: one session, one tab. The first tab is signed out.
  const second = await tabWith(live);
  await expect(second.getByRole('button', { name: '新建收件' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
});

test('after the idle limit a reload comes back locked, with the draft kept behind the lock', async ({ page }) => {
  test.setTimeout(180_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'tongban-e2e-'));
  // The shortest idle limit the config allows.
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ ...demoConfig(), security: { idleLockMinutes: 1 } }));
  const host = await startHost({ dataDir });
  try {
    await signInNewClerk(page, host.url);
    await startDraft(page);
    // The tab is away (its own idle timer does not run); the core's clock decides.
    await page.goto('about:blank');
    await page.waitForTimeout(62_000);
    await page.goto(new URL(host.url).origin + '/');

    await expect(page.getByRole('heading', { name: '屏幕已锁定' })).toBeVisible();
    await page.getByLabel('密码').fill(CLERK_PASSWORD);
    await page.getByLabel('密码').press('Enter');
    await expect(page.getByRole('heading', { name: '屏幕已锁定' })).toHaveCount(0);
    await expectDraftOpen(page);
  } finally {
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a restarted host tells the open page to be opened again, instead of reconnecting forever', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tongban-e2e-'));
  let host = await startHost({ dataDir });
  try {
    await signInNewClerk(page, host.url);
    await startDraft(page);
    const origin = new URL(host.url).origin;

    await host.stop();
    await expect(page.getByText('正在重新连接')).toBeVisible();
    host = await startHost({ dataDir });
    expect(new URL(host.url).origin).toBe(origin); // the same port as last time

    await expect(page.getByRole('heading', { name: '服务已重新启动' })).toBeVisible({ timeout: 8_000 });
    await expect(page.getByText('请从桌面快捷方式')).toBeVisible();
    await expect(page.getByText('正在重新连接')).toHaveCount(0);

    // Doing what it says works: the new address (pasted into this tab), sign in, the draft is still there.
    await page.goto(host.url);
    await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
    await page.getByLabel('用户名').fill('clerk01');
    await page.getByLabel('密码').fill(CLERK_PASSWORD);
    await page.getByLabel('密码').press('Enter');
    await expectDraftOpen(page);
  } finally {
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

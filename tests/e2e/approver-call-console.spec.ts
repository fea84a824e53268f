// The approver's call console (/approver/calls/) in Chromium with a fake camera: its
// bundled script loads under the page's strict CSP, lists a window's waiting request,
// answers it, and holds a call with a stand-in window (call-console/window-stub.ts, the
// same CallPeer) through the inbox's signalling: moving video each way, the quality
// indicator, a still request filed, hang up. The full two-browser call with the real
// window is the HARNESS test's.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { generateSigningKey, signManifest } from '../../src-main/sync/signing.ts';
import { enrolApprover, enrolWindow } from '../../dept-inbox/src/admin.ts';
import { createInbox, type Inbox } from '../../dept-inbox/src/server.ts';

let inbox: Inbox;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tongban-call-console-'));
  inbox = await createInbox({ dataDir, logger: false });
});
test.afterAll(async () => {
  await inbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Frames a video element has shown so far (moving video keeps counting). */
async function frames(page: Page, selector: string): Promise<number> {
  return page.locator(selector).evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);
}

/** The window's end, served on the inbox's origin so its fetches reach the window API. */
async function openWindowStub(context: BrowserContext, callId: string, token: string, answer = false): Promise<Page> {
  const stub = await build({
    entryPoints: [join(import.meta.dirname, 'call-console', 'window-stub.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
  });
  const page = await context.newPage();
  await page.route(`${inbox.url}/window-stub/**`, (route) =>
    route.request().url().endsWith('.js')
      ? route.fulfill({ contentType: 'text/javascript', body: stub.outputFiles[0]!.text })
      : route.fulfill({
          contentType: 'text/html',
          body: '<!doctype html><video autoplay muted playsinline></video><script type="module" src="/window-stub/app.js"></script>',
        }),
  );
  const query = new URLSearchParams({ callId, token, ...(answer ? { answer: '1' } : {}) });
  await page.goto(`${inbox.url}/window-stub/?${query}`);
  return page;
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${inbox.url}/approver/`);
  await page.getByLabel('审批人令牌').fill(token);
  await page.getByRole('button', { name: '登录' }).click();
}

test('the console answers a waiting request and holds the call with the window', async ({ browser }) => {
  const key = generateSigningKey('ed25519');
  const { token: windowToken } = await enrolWindow(inbox.db, {
    windowId: 'W01',
    scheme: 'ed25519',
    publicKey: key.publicKey,
    label: '北区 3 号窗口',
  });
  const { token } = await enrolApprover(inbox.db, '王审批');
  const callId = randomUUID();
  const placed = await fetch(`${inbox.url}/v1/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${windowToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      callId,
      subject: {
        draftId: 'D-1',
        itemCode: '11100000MB0317012X-001',
        itemName: '户籍迁移',
        applicant: '张*三',
        note: '户口簿原件有涂改',
        materials: [{ code: 'M01', name: '户口簿' }],
      },
    }),
  });
  expect(placed.status).toBe(201);

  const context = await browser.newContext();
  const approver = await context.newPage();
  const problems: string[] = [];
  approver.on('console', (message) => {
    // The browser asks for /favicon.ico on its own; the inbox has none.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) {
      problems.push(`${message.text()} ${message.location().url}`);
    }
  });
  approver.on('pageerror', (error) => problems.push(error.message));
  await signIn(approver, token);
  await approver.getByRole('link', { name: '视频会商' }).click();
  await expect(approver).toHaveURL(/\/approver\/calls\/$/);
  const request = approver.getByRole('listitem').filter({ hasText: '北区 3 号窗口' });
  await expect(request).toContainText('户籍迁移');
  await expect(request).toContainText('户口簿原件有涂改');
  await request.getByRole('button', { name: '接听' }).click();

  const windowPage = await openWindowStub(context, callId, windowToken);

  await expect(windowPage.locator('body')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  const main = 'video[data-call="remote-main"]';
  await expect.poll(() => frames(approver, main), { timeout: 15_000 }).toBeGreaterThan(5);
  const before = await frames(approver, main);
  await expect.poll(() => frames(approver, main)).toBeGreaterThan(before);
  await expect.poll(() => frames(windowPage, 'video')).toBeGreaterThan(5); // the approver's camera reaches the window
  await expect(approver.locator('video[data-call="local"]')).toBeVisible();
  await expect(approver.getByRole('status', { name: /^通话质量：/ })).toBeVisible({ timeout: 10_000 });

  await approver.getByLabel('材料').selectOption('M01');
  await approver.getByRole('button', { name: '请求拍照' }).click();
  await expect(approver.getByText('已归档：户口簿（4000×3000）')).toBeVisible();

  await approver.getByRole('button', { name: '挂断' }).click();
  await expect(approver.getByText('通话已结束（挂断）')).toBeVisible();
  await expect(windowPage.locator('body')).toHaveAttribute('data-ended', 'hangup');
  expect((await inbox.db.callRecords(callId)).map((r) => JSON.parse(r.entry).kind)).toContain('still');
  expect(problems.filter((text) => /Content Security Policy|Refused/.test(text))).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
});

test('a packet page calls the window that sent it, and the window answers', async ({ browser }) => {
  const key = generateSigningKey('ed25519');
  const { token: windowToken } = await enrolWindow(inbox.db, {
    windowId: 'W02',
    scheme: 'ed25519',
    publicKey: key.publicKey,
  });
  const { token } = await enrolApprover(inbox.db, '李审批');
  // A packet W02 sent (no files: registered and committed through the protocol).
  const packetId = '0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';
  const manifest = {
    packetId,
    version: 1,
    windowId: 'W02',
    itemCode: '11100000MB0317012X-001',
    itemName: '户籍迁移',
    files: [],
    applicant: { name: '张小三', idNumberMasked: '1101**********1234' },
  };
  const auth = { authorization: `Bearer ${windowToken}`, 'content-type': 'application/json' };
  const put = await fetch(`${inbox.url}/v1/packets/${packetId}/versions/1`, {
    method: 'PUT',
    headers: auth,
    body: JSON.stringify({ manifest, signature: signManifest(manifest, key) }),
  });
  expect(put.status).toBeLessThan(300);
  expect(
    (
      await fetch(`${inbox.url}/v1/packets/${packetId}/versions/1/commit`, {
        method: 'POST',
        headers: { authorization: auth.authorization },
      })
    ).status,
  ).toBe(200);

  const context = await browser.newContext();
  const approver = await context.newPage();
  await signIn(approver, token);
  await approver.goto(`${inbox.url}/approver/packets/${packetId}/1`);
  await approver.getByRole('button', { name: '发起视频会商' }).click();
  await expect(approver.getByText('正在呼叫窗口，等待窗口接听…')).toBeVisible();
  await expect(approver).toHaveURL(/\/approver\/calls\/$/); // a reload does not call again

  const incoming = (await (await fetch(`${inbox.url}/v1/calls`, { headers: auth })).json()) as {
    calls: Array<{ callId: string; subject: { applicant: string } }>;
  };
  expect(incoming.calls).toHaveLength(1);
  expect(incoming.calls[0]!.subject.applicant).toBe('张*三');
  const windowPage = await openWindowStub(context, incoming.calls[0]!.callId, windowToken, true);
  await expect(windowPage.locator('body')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await expect.poll(() => frames(approver, 'video[data-call="remote-main"]'), { timeout: 15_000 }).toBeGreaterThan(5);
  // A sealed packet has nowhere to file a still.
  await expect(approver.getByRole('button', { name: '请求拍照' })).toBeDisabled();
  await approver.getByRole('button', { name: '挂断' }).click();
  await expect(approver.getByText('通话已结束（挂断）')).toBeVisible();

  await approver.goto(`${inbox.url}/approver/packets/${packetId}/1`);
  await expect(approver.locator('tr[data-call-id]')).toContainText('李审批');
  await context.close();
});

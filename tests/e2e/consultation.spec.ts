// 视频会商 end to end, with every part real: the window is the built app's browser host
// (a configured hall, enrolled at the department) in one Chromium with a fake camera and
// microphone; the approver is the call console of the reference inbox, started as its own
// process, in a second Chromium with its own fake camera; signalling goes through the inbox
// over 127.0.0.1, and one call is relayed only, through Debian's coturn.
//
// The first call checks moving video both ways, the document camera reaching the approver
// (added beside the counter camera, then shown alone), a still the approver asks for filed
// in the draft, and the session's recording: the supervisor sees the call as a chapter, the
// chain verifies, and the evidence bundle holds segments of both sides of the call. The
// second call, relayed only, is cut mid-call (coturn frozen with SIGSTOP), shows the cut at
// both ends, and comes back by itself (ICE restart).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { verifyBundle } from '../../src-main/recording/verify-bundle.ts';
import { EVENTS_PATH } from '../../src-main/common/evidence-bundle.ts';
import { bufferAccess, readZipDirectory, readZipEntryBytes } from '../../src-main/recording/zip-reader.ts';
import { connectApp, INBOX_CLI, startApp } from '../main/sync/process-harness.ts';
import { startHost, type RunningHost } from './browser-host.ts';
import {
  type CallBrowser,
  type CallInbox,
  CLERK_PASSWORD,
  coturnMissing,
  type Coturn,
  enrolApproverByCli,
  launchCallBrowser,
  prepareEnrolledWindow,
  signInApprover,
  signInClerk,
  startCallInbox,
  startCoturn,
  waitForMovingVideo,
  writeMovingVideo,
} from './call-harness.ts';
import { startSocialSecurityCard, typeApplicant } from './flows.ts';

test.describe.configure({ mode: 'serial' });

interface Scene {
  dir: string;
  inbox: CallInbox;
  host: RunningHost;
  window: CallBrowser;
  approver: CallBrowser;
  turn?: Coturn;
  close(): Promise<void>;
}

/** The inbox, an enrolled window with a supervisor's account, both browsers signed in. */
async function setUp(options: { relay?: boolean } = {}): Promise<Scene> {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-consultation-'));
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const turn = options.relay ? await startCoturn(join(dir, 'coturn')) : undefined;
    if (turn) closers.push(() => turn.stop());
    const inbox = await startCallInbox(join(dir, 'inbox'), turn ? { turn } : {});
    closers.push(() => inbox.stop());
    const approverToken = await enrolApproverByCli(inbox.dataDir, '李审批');
    const appDir = join(dir, 'window');
    await prepareEnrolledWindow(appDir, inbox);
    await addSupervisor(appDir);
    if (options.relay) {
      // The hall behind a NAT: every call through TURN.
      const file = join(appDir, 'config.json');
      const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      writeFileSync(file, JSON.stringify({ ...config, calls: { iceTransportPolicy: 'relay' } }));
    }
    const host = await startHost({ dataDir: appDir });
    closers.push(() => host.stop());
    // The window has a counter camera and a 高拍仪: Chromium's own moving patterns, fake_device_0
    // and fake_device_2 (fake_device_1 is a depth camera, whose frames WebRTC cannot send).
    const window = await launchCallBrowser({ cameras: 3 });
    closers.push(() => window.close());
    const approver = await launchCallBrowser(writeMovingVideo(join(dir, 'approver.y4m'), 'approver'));
    closers.push(() => approver.close());
    // The 高拍仪 the installer chose for this PC (its label, as the setup wizard remembers it).
    await window.context.addInitScript(() => localStorage.setItem('tongban.doccam.camera', 'fake_device_2'));
    await signInClerk(window.page, host.url);
    await signInApprover(approver.page, inbox.url, approverToken);
    return { dir, inbox, host, window, approver, ...(turn ? { turn } : {}), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The hall's supervisor (super01), opened by the installer before the host starts. */
async function addSupervisor(appDir: string): Promise<void> {
  const app = await startApp(appDir);
  try {
    const installer = await connectApp(app);
    await installer.call('auth.login', { username: 'admin', password: CLERK_PASSWORD });
    await installer.call('users.create', {
      username: 'super01',
      displayName: '刘督查',
      role: 'supervisor',
      password: CLERK_PASSWORD,
    });
    installer.close();
  } finally {
    await app.stop();
  }
}

/** The clerk opens an intake whose applicant belongs to the department, and places a call from it. */
async function placeCallFromDraft(page: Page, note: string): Promise<void> {
  await startSocialSecurityCard(page);
  await typeApplicant(page);
  await page.getByRole('button', { name: '视频会商' }).click();
  await page.getByLabel('会商事由（可选）').fill(note);
  await page.getByRole('button', { name: '发起会商' }).click();
  await expect(page.getByText('正在等待审批人接听…')).toBeVisible();
}

interface DepartmentCall {
  state: string;
  end_reason: string | null;
  records: Array<{ side: string; entry: { kind: string } }>;
}

/** The department's own record of its calls, as its administrator reads it (`calls --json`). */
async function departmentCalls(inbox: CallInbox): Promise<DepartmentCall[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    ...INBOX_CLI,
    'calls',
    '--data-dir',
    inbox.dataDir,
    '--json',
  ]);
  return JSON.parse(stdout) as DepartmentCall[];
}

async function answerAtConsole(page: Page, note: string): Promise<void> {
  const request = page.getByRole('listitem').filter({ hasText: note });
  await expect(request).toContainText('社会保障卡申领');
  await expect(request).toContainText('李*梅'); // the applicant's name, masked
  await request.getByRole('button', { name: '接听' }).click();
}

test('a consultation from a draft: video both ways, the document camera, a still filed, recorded in the chain', async () => {
  test.setTimeout(240_000);
  const scene = await setUp();
  const { window, approver } = scene;
  try {
    await placeCallFromDraft(window.page, '户口簿原件有涂改，请审批人当面确认');
    await answerAtConsole(approver.page, '户口簿原件有涂改');

    // Each side sees the other's moving picture (each fake camera has its own colours).
    const atWindow = await waitForMovingVideo(window.page, 'video[data-call="remote"]', 30_000);
    const atApprover = await waitForMovingVideo(approver.page, 'video[data-call="remote-main"]', 30_000);
    expect(atWindow.moving, JSON.stringify(atWindow)).toBe(true);
    expect(atApprover.moving, JSON.stringify(atApprover)).toBe(true);
    expect(atWindow.rgb[1], 'the approver’s green picture at the window').toBeGreaterThan(atWindow.rgb[2]);
    await expect(window.page.getByRole('status', { name: /^通话质量/ })).toBeVisible({ timeout: 15_000 });
    await expect(approver.page.getByRole('status', { name: /^通话质量/ })).toBeVisible({ timeout: 15_000 });
    await window.page.screenshot({ path: test.info().outputPath('consultation-window-1366x768.png') });

    // The document camera added beside the counter camera reaches the approver as a second picture …
    const sending = window.page.getByRole('radiogroup', { name: '发送画面' });
    await sending.getByRole('radio', { name: '两路同时' }).check();
    // Chromium's own pattern moves a small figure over a still background, and the 高拍仪 is
    // sent for detail (its frame rate yields first): frames further apart, a smaller change.
    const slowPattern = { gapMs: 1500, minDifference: 0.2 };
    const second = await waitForMovingVideo(approver.page, 'video[data-call="remote-second"]', 30_000, slowPattern);
    expect(second.moving, JSON.stringify(second)).toBe(true);
    // … and shown alone, it is the approver's main picture, captioned as the 高拍仪.
    await sending.getByRole('radio', { name: '高拍仪' }).check();
    await expect(
      approver.page.locator('figure', { has: approver.page.locator('video[data-call="remote-main"]') }),
    ).toContainText('高拍仪');
    await approver.page.screenshot({ path: test.info().outputPath('consultation-approver-1366x768.png') });

    // The approver asks for a still of a material: taken at the window at full resolution and filed in the draft.
    const material = approver.page.getByLabel('材料');
    const materialName = (await material.locator('option').first().textContent())!.trim();
    await material.selectOption({ index: 0 });
    await approver.page.getByRole('button', { name: '请求拍照' }).click();
    await expect(approver.page.getByText(new RegExp(`已归档：${materialName}（\\d+×\\d+）`))).toBeVisible({
      timeout: 30_000,
    });

    // Hang up at the window; the approver's console says so.
    await window.page.getByRole('button', { name: '挂断' }).click();
    await expect(approver.page.getByText(/通话已结束/)).toBeVisible({ timeout: 15_000 });
    // The department's own record of the call.
    const [call, ...others] = await departmentCalls(scene.inbox);
    expect(others).toEqual([]);
    expect(call).toMatchObject({ state: 'ended', end_reason: 'hangup' });
    const kinds = call!.records.map((record) => `${record.side}:${record.entry.kind}`);
    expect(kinds).toEqual(expect.arrayContaining(['window:connected', 'window:source', 'window:still']));

    await window.page.getByRole('button', { name: '关闭' }).first().click();
    await window.page.getByRole('button', { name: '退出登录' }).click();

    // The supervisor: the session shows the call as a chapter, its chain whole, and the
    // evidence bundle carries both sides' segments of the call, verified offline.
    const page = window.page;
    await page.getByLabel('用户名').fill('super01');
    await page.getByLabel('密码').fill(CLERK_PASSWORD);
    await page.getByLabel('密码').press('Enter');
    const list = page.getByRole('table', { name: '办件过程记录列表' });
    await expect(list.getByRole('row')).toHaveCount(2);
    await page.keyboard.press('Alt+ArrowDown');
    const detail = page.getByRole('region', { name: /社会保障卡申领 · 张窗口/ });
    await expect(detail.getByText('记录完整')).toBeVisible();
    await expect(detail.getByRole('table', { name: '办理步骤列表' })).toContainText('视频会商');
    await expect(detail.getByRole('table', { name: '办理步骤列表' })).toContainText('李审批');
    const downloading = page.waitForEvent('download');
    await detail.getByRole('button', { name: '导出证据包' }).click();
    const bundle = new Uint8Array(readFileSync(await (await downloading).path()));
    const verdict = await verifyBundle(bufferAccess(bundle));
    expect(verdict.findings).toEqual([]);
    expect(verdict.status).toBe('intact');
    const entries = await readZipDirectory(bufferAccess(bundle));
    const names = entries.map((entry) => entry.name);
    expect(names.some((name) => name.startsWith('segments/callSent/'))).toBe(true);
    expect(names.some((name) => name.startsWith('segments/callReceived/'))).toBe(true);
    // The still is a page of the draft's material, taken in the call, and the call's own record says so.
    const eventsEntry = entries.find((entry) => entry.name === EVENTS_PATH)!;
    const logged = new TextDecoder()
      .decode(await readZipEntryBytes(bufferAccess(bundle), eventsEntry, 64 * 1024 * 1024))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; payload: Record<string, unknown> });
    const still = logged.find((event) => event.kind === 'call.still')!;
    const filed = logged.find((event) => event.kind === 'intake.materialAdded')!;
    expect(filed.payload).toMatchObject({ capture: { source: 'documentCamera' } });
    expect(filed.payload['sha256']).toBe(still.payload['sha256']);
    expect((filed.payload['capture'] as { callId?: string }).callId).toBe(still.payload['callId']);
  } finally {
    await scene.close();
  }
});

test('a consultation relayed only through TURN, cut mid-call, comes back by itself', async () => {
  test.skip(coturnMissing() !== undefined, coturnMissing());
  test.setTimeout(240_000);
  const scene = await setUp({ relay: true });
  const { window, approver, turn } = scene;
  try {
    await placeCallFromDraft(window.page, '核对营业执照原件');
    await answerAtConsole(approver.page, '核对营业执照原件');
    expect((await waitForMovingVideo(window.page, 'video[data-call="remote"]', 30_000)).moving).toBe(true);
    expect((await waitForMovingVideo(approver.page, 'video[data-call="remote-main"]', 30_000)).moving).toBe(true);
    // The window may only relay: coturn allocated for it, with the inbox's time-limited credentials.
    await expect.poll(() => turn!.log(), { timeout: 10_000 }).toMatch(/ALLOCATE processed, success/);

    // The line is cut: TURN frozen. Both ends say so …
    turn!.pause();
    try {
      await expect(window.page.getByText('连接中断，正在重连…')).toBeVisible({ timeout: 30_000 });
      await expect(approver.page.getByText(/连接中断/)).toBeVisible({ timeout: 30_000 });
    } finally {
      turn!.resume();
    }
    // … and once it is back, ICE restarts and the pictures move again, the gap logged.
    await expect(window.page.getByText('连接已恢复。')).toBeVisible({ timeout: 40_000 });
    const backAtWindow = await waitForMovingVideo(window.page, 'video[data-call="remote"]', 30_000);
    const quality = async (page: Page) =>
      page
        .getByRole('status', { name: /^通话质量/ })
        .first()
        .getAttribute('aria-label');
    expect(
      backAtWindow.moving,
      JSON.stringify({ backAtWindow, w: await quality(window.page), a: await quality(approver.page) }),
    ).toBe(true);
    const backAtApprover = await waitForMovingVideo(approver.page, 'video[data-call="remote-main"]', 30_000);
    expect(backAtApprover.moving, JSON.stringify(backAtApprover)).toBe(true);
    const [call] = await departmentCalls(scene.inbox);
    expect(call!.records.map((record) => `${record.side}:${record.entry.kind}`)).toEqual(
      expect.arrayContaining(['window:interrupted', 'window:restored']),
    );
    await window.page.getByRole('button', { name: '挂断' }).click();
    await expect(approver.page.getByText(/通话已结束/)).toBeVisible({ timeout: 15_000 });
  } finally {
    await scene.close();
  }
});

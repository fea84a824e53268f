// 视频会商 (#17): a call between two Chromium processes on this machine, each with a moving
// 1280×720 fake camera and a fake microphone, on the call-peer test page (the renderer's
// CallPeer, tests/e2e/call-harness.ts), the signals relayed through Node:
// - call set-up: from the window's start (camera opened, peer made; the approver's end
//   already up and offering, as when it answered) to the first remote video frame
//   presented at the window (requestVideoFrameCallback), median of RUNS;
// - an ongoing 720p call: the CPU of both Chromium process trees over CPU_SECONDS (/proc), as
//   % of one core and of the machine, with the sent and received video bitrate and frame rate.
// - the app's own flow: click 发起会商 → first remote frame at the window (`benchAppCallSetup`).
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startHost } from '../tests/e2e/browser-host.ts';
import {
  callPage,
  type CallBrowser,
  type CallPageStart,
  enrolApproverByCli,
  launchCallBrowser,
  type MediaFigures,
  prepareEnrolledWindow,
  processTreeCpuMs,
  relaySignals,
  serveCallPage,
  signInApprover,
  signInClerk,
  startCallInbox,
  writeMovingVideo,
} from '../tests/e2e/call-harness.ts';
import { startSocialSecurityCard, typeApplicant } from '../tests/e2e/flows.ts';
import { median, record, workDir } from './support.ts';

const RUNS = 5;
const CPU_SECONDS = 20;
const DIRECT: Omit<CallPageStart, 'polite'> = { iceServers: [], iceTransportPolicy: 'all' };

export async function benchCall(): Promise<void> {
  const dir = workDir();
  const host = await serveCallPage(join(dir, 'page'));
  const windowSide = await launchCallBrowser(writeMovingVideo(join(dir, 'window.y4m'), 'window'));
  const approverSide = await launchCallBrowser(writeMovingVideo(join(dir, 'approver.y4m'), 'approver'));
  try {
    const setups: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const call = await placeCall(host.url, windowSide, approverSide);
      const deadline = Date.now() + 30_000;
      let timings = await callPage(call.window, 'timings');
      while (timings.firstRemoteFrameAt === null && Date.now() < deadline) {
        await sleep(20);
        timings = await callPage(call.window, 'timings');
      }
      if (timings.firstRemoteFrameAt === null || timings.startedAt === null) {
        throw new Error(`no remote frame at the window within 30 s (state ${await callPage(call.window, 'state')})`);
      }
      setups.push(timings.firstRemoteFrameAt - timings.startedAt);
      if (run < RUNS - 1) await call.hangUp();
      else await benchOngoing(call, windowSide, approverSide);
    }
    record(
      'call set-up, start → first remote frame (call-peer page)',
      `${median(setups).toFixed(0)} ms`,
      `median of ${RUNS}, ${setups.map((ms) => ms.toFixed(0)).join(' / ')} ms; camera opened, direct over this machine's address`,
    );
    await benchAppCallSetup();
  } finally {
    await windowSide.close();
    await approverSide.close();
    await host.close();
  }
}

interface BenchCall {
  window: CallBrowser['page'];
  approver: CallBrowser['page'];
  hangUp(): Promise<void>;
}

async function placeCall(url: string, windowSide: CallBrowser, approverSide: CallBrowser): Promise<BenchCall> {
  const window = await windowSide.context.newPage();
  const approver = await approverSide.context.newPage();
  await relaySignals(window, approver);
  await Promise.all([window.goto(url), approver.goto(url)]);
  await callPage(approver, 'start', { ...DIRECT, polite: false });
  await callPage(window, 'start', { ...DIRECT, polite: true });
  return {
    window,
    approver,
    hangUp: async () => {
      for (const page of [window, approver]) {
        await callPage(page, 'close');
        await page.close();
      }
    },
  };
}

/** An ongoing call, settled for a few seconds first: CPU of both browsers, and what the line carries. */
async function benchOngoing(call: BenchCall, windowSide: CallBrowser, approverSide: CallBrowser): Promise<void> {
  await sleep(5000);
  const cpu = () => processTreeCpuMs(windowSide.pid) + processTreeCpuMs(approverSide.pid);
  const cpuBefore = cpu();
  const wallBefore = performance.now();
  const before = await Promise.all([callPage(call.window, 'media'), callPage(call.approver, 'media')]);
  await sleep(CPU_SECONDS * 1000);
  const after = await Promise.all([callPage(call.window, 'media'), callPage(call.approver, 'media')]);
  const cpuMs = cpu() - cpuBefore;
  const wallMs = performance.now() - wallBefore;
  const ofCore = (100 * cpuMs) / wallMs;
  record(
    `CPU of an ongoing 720p call, both Chromiums (${CPU_SECONDS} s)`,
    `${ofCore.toFixed(0)} % of one core`,
    `${(ofCore / cpus().length).toFixed(0)} % of this ${cpus().length}-core machine; both ends encode and decode in software (--disable-gpu)`,
  );
  for (const [index, side] of (['window', 'approver'] as const).entries()) {
    const sent = rate(before[index]!, after[index]!, 'videoSent');
    const received = rate(before[index]!, after[index]!, 'videoReceived');
    record(
      `ongoing call, ${side}'s video sent / received`,
      `${sent.kbps.toFixed(0)} / ${received.kbps.toFixed(0)} kbit/s`,
      `${sent.fps.toFixed(1)} / ${received.fps.toFixed(1)} fps, ${sent.size} / ${received.size}`,
    );
  }
  await call.hangUp();
}

function rate(
  before: MediaFigures,
  after: MediaFigures,
  which: 'videoSent' | 'videoReceived',
): { kbps: number; fps: number; size: string } {
  const seconds = (after.at - before.at) / 1000;
  return {
    kbps: ((after[which].bytes - before[which].bytes) * 8) / 1000 / seconds,
    fps: (after[which].frames - before[which].frames) / seconds,
    size: `${after[which].width}×${after[which].height}`,
  };
}

/**
 * The app's own call set-up: the built app's browser host (a configured hall, enrolled at
 * the reference inbox run as its own process) in one Chromium, the inbox's call console in
 * another; the clerk opens an intake and clicks 发起会商, the approver clicks 接听 as soon as
 * the request is listed. Figures: click → the first remote frame at the window (which
 * includes the inbox's long polls and the approver's click), and 接听 → that frame.
 */
async function benchAppCallSetup(): Promise<void> {
  const dir = workDir();
  const inbox = await startCallInbox(join(dir, 'inbox'));
  const closers: Array<() => Promise<unknown>> = [() => inbox.stop()];
  try {
    const token = await enrolApproverByCli(inbox.dataDir, '李审批');
    const appDir = join(dir, 'window');
    await prepareEnrolledWindow(appDir, inbox);
    const host = await startHost({ dataDir: appDir });
    closers.push(() => host.stop());
    const windowSide = await launchCallBrowser(writeMovingVideo(join(dir, 'app-window.y4m'), 'window'));
    closers.push(() => windowSide.close());
    const approverSide = await launchCallBrowser(writeMovingVideo(join(dir, 'app-approver.y4m'), 'approver'));
    closers.push(() => approverSide.close());
    const { page } = windowSide;
    await signInClerk(page, host.url);
    await signInApprover(approverSide.page, inbox.url, token);
    await startSocialSecurityCard(page);
    await typeApplicant(page);
    await page.getByRole('button', { name: '视频会商' }).click();
    const clicked = Date.now();
    await page.getByRole('button', { name: '发起会商' }).click();
    await approverSide.page.getByRole('button', { name: '接听' }).click({ timeout: 30_000 });
    const answered = Date.now();
    const remote = page.locator('video[data-call="remote"]');
    await remote.waitFor({ timeout: 30_000 });
    const deadline = Date.now() + 30_000;
    while ((await remote.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames)) === 0) {
      if (Date.now() > deadline) throw new Error('no remote frame at the window within 30 s of 接听');
      await sleep(20);
    }
    const firstFrame = Date.now();
    record(
      'call set-up in the app, click 发起会商 → first remote frame',
      `${firstFrame - clicked} ms`,
      `of which 接听 → first frame ${firstFrame - answered} ms; browser host and the inbox's console in two Chromiums, the inbox its own process, polled every 20 ms`,
    );
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

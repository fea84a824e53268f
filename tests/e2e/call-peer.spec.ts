// The one peer both ends of a 视频会商 call run (src-renderer/calls/call-peer.ts), in two
// Chromium processes, each with its own fake camera (a moving picture in its own colours)
// and fake microphone, on the call-peer test page (call-page/), with the signals relayed
// through Node as the inbox relays them. Real WebRTC over this machine's addresses:
// a direct call; a call relayed only, through Debian's coturn; a cut mid-call (coturn
// stopped with SIGSTOP, or UDP dropped by iptables) that ICE restarts recover from; and a
// TURN server that cannot be reached, which ends in `failed`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import {
  callPage,
  type CallBrowser,
  type CallPageEvent,
  type CallPageStart,
  coturnMissing,
  type Coturn,
  freePort,
  launchCallBrowser,
  type MovingVideoCheck,
  relaySignals,
  serveCallPage,
  type SignalRelay,
  startCoturn,
  turnCredentials,
  turnIceServer,
  waitForMovingVideo,
  writeMovingVideo,
} from './call-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'tongban-call-peer-'));
const REMOTE = 'video[data-call="remote"]';
/** Short enough for a test, long enough for a loaded 2-core machine. */
const FAST = { statsMs: 500, cutGraceMs: 1000, restartEveryMs: 2000 };
let pageHost: Awaited<ReturnType<typeof serveCallPage>>;
let windowSide: CallBrowser;
let approverSide: CallBrowser;
let turn: Coturn | undefined;

// Two browsers encoding and decoding 720p in software on 2 cores, and cuts that take seconds to recover.
test.setTimeout(120_000);

test.beforeAll(async () => {
  pageHost = await serveCallPage(join(dir, 'dist'));
  const windowVideo = writeMovingVideo(join(dir, 'window.y4m'), 'window');
  const approverVideo = writeMovingVideo(join(dir, 'approver.y4m'), 'approver');
  windowSide = await launchCallBrowser(windowVideo);
  approverSide = await launchCallBrowser(approverVideo);
  if (!coturnMissing()) turn = await startCoturn(join(dir, 'coturn'));
});

test.afterAll(async () => {
  await windowSide?.close();
  await approverSide?.close();
  await turn?.stop();
  await pageHost?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Call {
  window: CallBrowser['page'];
  approver: CallBrowser['page'];
  relay: SignalRelay;
}

/**
 * A call between fresh pages of both browsers: the approver's end starts first (impolite),
 * then the window's (polite), as when the window's call is answered.
 */
async function placeCall(options: Omit<CallPageStart, 'polite'>): Promise<Call> {
  const window = await windowSide.context.newPage();
  const approver = await approverSide.context.newPage();
  const relay = await relaySignals(window, approver);
  await Promise.all([window.goto(pageHost.url), approver.goto(pageHost.url)]);
  await callPage(approver, 'start', { ...options, polite: false });
  await callPage(window, 'start', { ...options, polite: true });
  return { window, approver, relay };
}

async function hangUp(call: Call): Promise<void> {
  for (const page of [call.window, call.approver]) {
    await callPage(page, 'close').catch(() => undefined);
    await page.close();
  }
}

async function events(page: Call['window']): Promise<CallPageEvent[]> {
  return callPage(page, 'events');
}

async function expectMoving(page: Call['window'], what: string): Promise<MovingVideoCheck> {
  const check = await waitForMovingVideo(page, REMOTE);
  expect(check.moving, `${what}: ${JSON.stringify(check)}`).toBe(true);
  return check;
}

async function expectConnected(call: Call): Promise<void> {
  for (const page of [call.window, call.approver]) {
    await expect.poll(() => callPage(page, 'state'), { timeout: 30_000 }).toBe('connected');
  }
}

test('a direct call: each side gets the other’s moving video and its audio, and measures the line', async () => {
  const call = await placeCall({ iceServers: [], iceTransportPolicy: 'all', timing: FAST });
  try {
    await expectConnected(call);
    // Each sees the other's camera: the approver's is green, the window's blue.
    const [red, green, blue] = (await expectMoving(call.window, 'the approver’s video at the window')).rgb;
    expect(green).toBeGreaterThan(Math.max(red, blue));
    const atApprover = (await expectMoving(call.approver, 'the window’s video at the approver')).rgb;
    expect(atApprover[2]).toBeGreaterThan(Math.max(atApprover[0], atApprover[1]));
    for (const page of [call.window, call.approver]) {
      expect((await callPage(page, 'remoteTracks')).map((track) => track.kind).sort()).toEqual(['audio', 'video']);
      await expect.poll(async () => (await callPage(page, 'media')).audioReceivedBytes).toBeGreaterThan(0);
      const pair = await callPage(page, 'selectedPair');
      expect(pair?.local.type, JSON.stringify(pair)).toBe('host');
      await expect
        .poll(async () => (await events(page)).find((event) => event.kind === 'quality'), { timeout: 15_000 })
        .toMatchObject({ kind: 'quality', sample: { loss: expect.any(Number) } });
    }
    expect(call.relay.errors).toEqual([]);
  } finally {
    await hangUp(call);
  }
});

test.describe('through coturn', () => {
  test.skip(() => coturnMissing() !== undefined, coturnMissing() ?? '');

  test('relayed only: the selected pair is a relay on both sides, and the video moves', async () => {
    const call = await placeCall({ iceServers: [turnIceServer(turn!)], iceTransportPolicy: 'relay', timing: FAST });
    try {
      await expectConnected(call);
      for (const page of [call.window, call.approver]) {
        const pair = await callPage(page, 'selectedPair');
        expect(pair?.local.type, JSON.stringify(pair)).toBe('relay');
        expect(pair?.remote.type, JSON.stringify(pair)).toBe('relay');
      }
      await expectMoving(call.window, 'relayed video at the window');
      await expectMoving(call.approver, 'relayed video at the approver');
      expect(call.relay.errors).toEqual([]);
    } finally {
      await hangUp(call);
    }
  });

  test('a cut mid-call: coturn stopped → interrupted; resumed → restored with the gap, video moving again', async () => {
    const call = await placeCall({ iceServers: [turnIceServer(turn!)], iceTransportPolicy: 'relay', timing: FAST });
    try {
      await expectConnected(call);
      await expectMoving(call.window, 'before the cut');
      turn!.pause();
      try {
        for (const page of [call.window, call.approver]) {
          await expect
            .poll(async () => (await events(page)).some((event) => event.kind === 'interrupted'), { timeout: 30_000 })
            .toBe(true);
        }
        expect(await callPage(call.window, 'state')).toBe('interrupted');
      } finally {
        turn!.resume();
      }
      for (const page of [call.window, call.approver]) {
        await expect
          .poll(async () => (await events(page)).find((event) => event.kind === 'restored'), { timeout: 30_000 })
          .toBeTruthy();
        const restored = (await events(page)).find((event) => event.kind === 'restored');
        const interrupted = (await events(page)).find((event) => event.kind === 'interrupted');
        if (restored?.kind !== 'restored' || interrupted?.kind !== 'interrupted') throw new Error('no gap logged');
        expect(restored.from).toBe(interrupted.at);
        expect(restored.to).toBeGreaterThan(restored.from);
        expect(await callPage(page, 'state')).toBe('connected');
      }
      await expectMoving(call.window, 'after the cut, at the window');
      await expectMoving(call.approver, 'after the cut, at the approver');
    } finally {
      turn!.resume();
      await hangUp(call);
    }
  });
});

test('a cut of a direct call: its sockets dropped by iptables for a few seconds, then restored', async () => {
  const iptables = iptablesUsable();
  test.skip(iptables !== true, String(iptables));
  const call = await placeCall({ iceServers: [], iceTransportPolicy: 'all', timing: FAST });
  const rules: Array<{ command: string; rule: string[] }> = [];
  try {
    await expectConnected(call);
    await expectMoving(call.window, 'before the cut');
    // Every socket of this call, IPv4 (iptables) and IPv6 (ip6tables), UDP and TCP: ICE
    // would otherwise move to another pair without a cut. Other tests keep their traffic.
    const candidates = [
      ...(await callPage(call.window, 'localCandidates')),
      ...(await callPage(call.approver, 'localCandidates')),
    ].filter((candidate) => candidate.port !== 9); // 9: an active TCP candidate, no socket of its own
    for (const { address, port, protocol } of candidates) {
      const command = address.includes(':') ? 'ip6tables' : 'iptables';
      const rule = ['INPUT', '-i', 'lo', '-p', protocol, '--dport', String(port), '-j', 'DROP'];
      execFileSync(command, ['-I', ...rule]);
      rules.push({ command, rule });
    }
    for (const page of [call.window, call.approver]) {
      await expect
        .poll(async () => (await events(page)).some((event) => event.kind === 'interrupted'), { timeout: 30_000 })
        .toBe(true);
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
  } finally {
    for (const { command, rule } of rules.splice(0)) execFileSync(command, ['-D', ...rule]);
  }
  try {
    for (const page of [call.window, call.approver]) {
      await expect
        .poll(async () => (await events(page)).some((event) => event.kind === 'restored'), { timeout: 30_000 })
        .toBe(true);
    }
    await expectMoving(call.window, 'after the cut, at the window');
    await expectMoving(call.approver, 'after the cut, at the approver');
  } finally {
    await hangUp(call);
  }
});

test('TURN unreachable (relay only, nothing on its port): an ICE server error, then failed after the give-up time', async () => {
  const closed = await freePort();
  // Over TCP the refusal is seen at once; over UDP Chromium gives up on the server after ~40 s.
  const iceServers = [{ urls: `turn:127.0.0.1:${closed}?transport=tcp`, ...turnCredentials('no-such-secret', 'test') }];
  const giveUpMs = 6000;
  const started = Date.now();
  const call = await placeCall({ iceServers, iceTransportPolicy: 'relay', timing: { ...FAST, giveUpMs } });
  try {
    for (const page of [call.window, call.approver]) {
      await expect
        .poll(async () => (await events(page)).find((event) => event.kind === 'iceServerError'), { timeout: 20_000 })
        .toMatchObject({ url: expect.stringContaining(`127.0.0.1:${closed}`) });
      await expect.poll(() => callPage(page, 'state'), { timeout: giveUpMs + 10_000 }).toBe('failed');
      const failedAt = (await events(page)).find((event) => event.kind === 'state' && event.state === 'failed')!.at;
      expect(failedAt - started).toBeGreaterThanOrEqual(giveUpMs - 1000);
    }
  } finally {
    await hangUp(call);
  }
});

/** true when this process may add iptables rules (root, a working iptables), else why not. */
function iptablesUsable(): true | string {
  if (process.getuid?.() !== 0) return 'not root: the iptables cut is skipped';
  try {
    for (const command of ['iptables', 'ip6tables']) execFileSync(command, ['-L', 'INPUT', '-n'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return `iptables does not work here (${String(error)}): the iptables cut is skipped`;
  }
}

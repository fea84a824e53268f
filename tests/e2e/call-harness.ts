// The real parts a 视频会商 test needs, each as the hall or the department runs it:
// - a moving fake camera per side (a y4m file for `--use-file-for-fake-video-capture`),
// - a TURN server (Debian's coturn, `turnserver`) with time-limited credentials,
// - a Chromium of its own per side (a separate process: its own fake camera and microphone),
// - `videoIsMoving`: does a <video> show a live picture (not black, and changing),
// - the call-peer test page (call-page/: the renderer's CallPeer, built by Vite and served
//   from 127.0.0.1 with the hall's content policy) and a signal relay between two pages,
// - the department inbox as its own process with TURN flags, an approver enrolled by the
//   inbox's CLI and signed in on its page, and a window enrolled there (process-harness.ts).
// Used by call-peer.spec.ts, bench/call.ts and the full window ↔ approver call test.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sirv from 'sirv';
import { build } from 'vite';
import type { CallSignal, IceServer } from '../../src-main/common/call-protocol.ts';
import type { CallQuality, LineSample, VideoBudget } from '../../src-main/common/call-quality.ts';
import type { RgbaImage } from '../../src-main/devices/doccam/image.ts';
import { contentSecurityPolicy } from '../../src-main/host/server.ts';
import type { PeerState } from '../../src-renderer/calls/call-peer.ts';
import { chromiumArgs } from '../../playwright.config.ts';
import { STRONG } from '../fixtures/applications.ts';
import { firstStart } from '../main/sync/kill-soak.ts';
import {
  INBOX_CLI,
  startApp,
  startDepartment,
  writeHallConfig,
  type DepartmentProcess,
} from '../main/sync/process-harness.ts';
import { toI420 } from './fake-camera.ts';

// ── a moving fake camera ─────────────────────────────────────────────────────

/** Each side's picture has its own colours, so a test can tell whose video it sees. */
export type CameraLook = 'window' | 'approver' | 'document';

const LOOKS: Record<CameraLook, { background: [number, number, number]; ball: [number, number, number] }> = {
  window: { background: [40, 90, 160], ball: [250, 170, 40] },
  approver: { background: [50, 130, 70], ball: [230, 60, 200] },
  document: { background: [200, 195, 180], ball: [30, 30, 30] },
};

export interface MovingVideo {
  file: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
}

/**
 * A looping y4m of `frames` frames (2 s at 15 fps by default, 1280×720): a ball crossing
 * the picture, a bar sweeping down, and the frame's number in big digits over the side's
 * background, so any two frames half a second apart differ.
 */
export function writeMovingVideo(
  file: string,
  look: CameraLook,
  options: { width?: number; height?: number; fps?: number; frames?: number } = {},
): MovingVideo {
  const width = options.width ?? 1280;
  const height = options.height ?? 720;
  const fps = options.fps ?? 15;
  const frames = options.frames ?? 30;
  const colours = LOOKS[look];
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  const image: RgbaImage = { width, height, data: new Uint8ClampedArray(width * height * 4) };
  for (let frame = 0; frame < frames; frame++) {
    const phase = frame / frames;
    fillRect(image, 0, 0, width, height, colours.background);
    fillRect(image, 0, Math.floor(phase * height * 0.8), width, Math.floor(height * 0.08), [235, 235, 235]);
    const radius = Math.floor(height * 0.14);
    fillCircle(image, radius + Math.floor(phase * (width - 2 * radius)), Math.floor(height / 2), radius, colours.ball);
    drawNumber(image, frame, Math.floor(width * 0.04), Math.floor(height * 0.06), Math.floor(height * 0.12));
    parts.push(Buffer.from('FRAME\n'), toI420(image));
  }
  writeFileSync(file, Buffer.concat(parts));
  return { file, width, height, fps, frames };
}

function fillRect(image: RgbaImage, x0: number, y0: number, w: number, h: number, rgb: readonly number[]): void {
  for (let y = Math.max(0, y0); y < Math.min(image.height, y0 + h); y++) {
    for (let x = Math.max(0, x0); x < Math.min(image.width, x0 + w); x++) {
      const i = (y * image.width + x) * 4;
      image.data[i] = rgb[0]!;
      image.data[i + 1] = rgb[1]!;
      image.data[i + 2] = rgb[2]!;
      image.data[i + 3] = 255;
    }
  }
}

function fillCircle(image: RgbaImage, cx: number, cy: number, r: number, rgb: readonly number[]): void {
  for (let dy = -r; dy <= r; dy++) {
    const half = Math.floor(Math.sqrt(r * r - dy * dy));
    fillRect(image, cx - half, cy + dy, 2 * half + 1, 1, rgb);
  }
}

/** Seven-segment digits: segments a–g as [x, y, w, h] in a 4×7 cell. */
const SEGMENTS: ReadonlyArray<readonly [number, number, number, number]> = [
  [0, 0, 4, 1],
  [3, 0, 1, 4],
  [3, 3, 1, 4],
  [0, 6, 4, 1],
  [0, 3, 1, 4],
  [0, 0, 1, 4],
  [0, 3, 4, 1],
];
const DIGITS = ['abcdef', 'bc', 'abged', 'abgcd', 'fgbc', 'afgcd', 'afgedc', 'abc', 'abcdefg', 'abcdfg'];

function drawNumber(image: RgbaImage, value: number, x: number, y: number, height: number): void {
  const unit = Math.max(1, Math.floor(height / 7));
  String(value)
    .padStart(3, '0')
    .split('')
    .forEach((digit, place) => {
      const left = x + place * unit * 6;
      fillRect(image, left - unit, y - unit, unit * 6, unit * 9, [0, 0, 0]);
      for (const name of DIGITS[Number(digit)]!) {
        const [sx, sy, sw, sh] = SEGMENTS['abcdefg'.indexOf(name)]!;
        fillRect(image, left + sx * unit, y + sy * unit, sw * unit, sh * unit, [255, 255, 255]);
      }
    });
}

// ── coturn ───────────────────────────────────────────────────────────────────

export interface Coturn {
  /** `turn:127.0.0.1:<port>` (UDP and TCP). */
  url: string;
  port: number;
  /** The shared secret (`use-auth-secret`): the inbox's --turn-secret-file holds the same. */
  secret: string;
  realm: string;
  logFile: string;
  log(): string;
  /** SIGSTOP: the server stops relaying and answering, as a cut line to it would look. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  stop(): Promise<void>;
}

export const TURNSERVER = '/usr/bin/turnserver';

/** Whether Debian's coturn is installed (tests that need it skip with this message when not). */
export function coturnMissing(): string | undefined {
  return existsSync(TURNSERVER) ? undefined : 'coturn is not installed: apt-get install -y coturn';
}

/**
 * coturn's time-limited credentials (the TURN REST API scheme of `use-auth-secret`): the user
 * name is `<expiry unix seconds>:<name>`, the password base64(HMAC-SHA1(secret, user name)).
 */
export function turnCredentials(
  secret: string,
  name: string,
  ttlSeconds = 3600,
  nowMs = Date.now(),
): { username: string; credential: string } {
  const username = `${Math.floor(nowMs / 1000) + ttlSeconds}:${name}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** An RTCIceServer for `turn`, with credentials for `name`. */
export function turnIceServer(turn: Pick<Coturn, 'url' | 'secret'>, name = 'test'): IceServer {
  return { urls: turn.url, ...turnCredentials(turn.secret, name) };
}

/** A port free on 127.0.0.1 for both TCP and UDP right now. */
export async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const udp = createSocket('udp4');
    const free = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    udp.close();
    if (free) return port;
  }
}

/** Answers whether a STUN Binding request to 127.0.0.1:`port` is answered within `ms`. */
export function stunAnswers(port: number, ms = 500): Promise<boolean> {
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0); // Binding request
  request.writeUInt32BE(0x2112a442, 4); // magic cookie
  randomBytes(12).copy(request, 8);
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), ms);
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(answered);
    };
    socket.once('message', (answer) => done(answer.readUInt16BE(0) === 0x0101));
    socket.once('error', () => done(false));
    socket.send(request, port, '127.0.0.1');
  });
}

/**
 * Debian's `turnserver` on 127.0.0.1 and a free port, with a random shared secret
 * (`use-auth-secret`), relaying between loopback peers (both browsers are on this
 * machine), without TLS, DTLS or its admin CLI; its files in `dir`.
 */
export async function startCoturn(dir = mkdtempSync(join(tmpdir(), 'tongban-coturn-'))): Promise<Coturn> {
  const missing = coturnMissing();
  if (missing) throw new Error(missing);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  // Relay ports of its own, away from the listening port and from other tests' coturns.
  const minPort = 50000 + (port % 100) * 100;
  const secret = randomBytes(24).toString('hex');
  const realm = 'tongban.test';
  const logFile = join(dir, 'turnserver.log');
  const child: ChildProcess = spawn(
    TURNSERVER,
    [
      '-n', // no configuration file: everything is here
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${minPort}`,
      `--max-port=${minPort + 99}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      `--realm=${realm}`,
      '--fingerprint',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--allow-loopback-peers',
      '--no-software-attribute',
      `--pidfile=${join(dir, 'turnserver.pid')}`,
      `--db=${join(dir, 'turndb')}`,
      `--log-file=${logFile}`,
      '--simple-log',
      '--verbose',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '') + errors;
  const deadline = Date.now() + 10_000;
  while (!(await stunAnswers(port))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`turnserver exited:\n${log()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`turnserver did not answer on ${port}:\n${log()}`);
    }
  }
  return {
    url: `turn:127.0.0.1:${port}`,
    port,
    secret,
    realm,
    logFile,
    log,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ── a Chromium per side ──────────────────────────────────────────────────────

export interface CallBrowser {
  browser: Browser;
  /** A context at the window's 1366×768, zh-CN (the approver's browser context is one too). */
  context: BrowserContext;
  page: Page;
  /** The browser's main process (its renderers, GPU and utility processes are its descendants). */
  pid: number;
  close(): Promise<void>;
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A Chromium process of its own (never a context of the test's browser: each side has
 * its own fake camera, a browser-wide flag) with the flags of playwright.config.ts, fake
 * media from `video`, and permission prompts answered yes.
 */
export async function launchCallBrowser(
  video: MovingVideo | string | { cameras: number },
  extraArgs: readonly string[] = [],
): Promise<CallBrowser> {
  // Chromium fakes one camera from a file, or several of its own (a moving test pattern each):
  // a window with both a counter camera and a 高拍仪 needs the latter.
  const cameras = typeof video === 'object' && 'cameras' in video ? video.cameras : undefined;
  const file = typeof video === 'string' ? video : 'file' in video ? video.file : undefined;
  const flag = file ? `--use-file-for-fake-video-capture=${file}` : `--tongban-call-browser=${randomUUID()}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...new Set([
        ...chromiumArgs.filter((arg) => cameras === undefined || arg !== '--use-fake-device-for-media-stream'),
        cameras === undefined
          ? '--use-fake-device-for-media-stream'
          : `--use-fake-device-for-media-stream=device-count=${cameras}`,
        '--use-fake-ui-for-media-stream',
        flag,
        ...extraArgs,
      ]),
    ],
  });
  try {
    const pid = browserPid(flag);
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    return { browser, context, page, pid, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
}

function procStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // gone meanwhile
  }
}

function allProcesses(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => procStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== undefined);
}

/** Our child Chromium whose command line holds `marker` (the fake-camera flag is unique per side). */
function browserPid(marker: string): number {
  for (const stat of allProcesses()) {
    if (stat.ppid !== process.pid) continue;
    try {
      if (readFileSync(`/proc/${stat.pid}/cmdline`, 'utf8').split('\0').includes(marker)) return stat.pid;
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no Chromium child process with ${marker}`);
}

/** CPU time (user + system, ms) of `pid` and all its live descendants now; Linux /proc (100 ticks/s). */
export function processTreeCpuMs(pid: number): number {
  const all = allProcesses();
  const tree = new Set([pid]);
  for (let grown = true; grown;) {
    grown = false;
    for (const stat of all) {
      if (!tree.has(stat.pid) && tree.has(stat.ppid)) {
        tree.add(stat.pid);
        grown = true;
      }
    }
  }
  return all.filter((stat) => tree.has(stat.pid)).reduce((sum, stat) => sum + stat.ticks * 10, 0);
}

// ── is the picture live ──────────────────────────────────────────────────────

export interface MovingVideoCheck {
  moving: boolean;
  /** Mean luma (0–255) of both frames. */
  luma: [number, number];
  /** Mean absolute luma difference between them (0–255). */
  difference: number;
  /** The second frame's mean colour (0–255): whose camera it is (CameraLook). */
  rgb: [number, number, number];
  width: number;
  height: number;
}

/**
 * Draws the <video> at `selector` to a canvas twice, `gapMs` apart: moving when both
 * frames are not black (mean luma above `minLuma`) and differ (mean absolute difference
 * above `minDifference`). The figures come back for the assertion's message.
 */
export async function videoIsMoving(
  page: Page,
  selector: string,
  options: { gapMs?: number; minLuma?: number; minDifference?: number } = {},
): Promise<MovingVideoCheck> {
  const { gapMs = 500, minLuma = 20, minDifference = 1.5 } = options;
  const figures = await page.locator(selector).evaluate(async (element, gap) => {
    const video = element as HTMLVideoElement;
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 90;
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    const rgb: [number, number, number] = [0, 0, 0];
    const lumaOf = () => {
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      const luma = new Float32Array(canvas.width * canvas.height);
      rgb.fill(0);
      for (let i = 0; i < luma.length; i++) {
        luma[i] = 0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!;
        for (let c = 0; c < 3; c++) rgb[c]! += data[i * 4 + c]! / luma.length;
      }
      return luma;
    };
    const mean = (values: Float32Array) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const first = lumaOf();
    await new Promise((resolve) => setTimeout(resolve, gap));
    const second = lumaOf();
    let difference = 0;
    for (let i = 0; i < first.length; i++) difference += Math.abs(first[i]! - second[i]!);
    return {
      luma: [mean(first), mean(second)] as [number, number],
      difference: difference / first.length,
      rgb,
      width: video.videoWidth,
      height: video.videoHeight,
    };
  }, gapMs);
  const moving =
    figures.width > 0 && figures.luma.every((luma) => luma > minLuma) && figures.difference > minDifference;
  return { moving, ...figures };
}

/** Polls videoIsMoving until it says moving or `timeoutMs` passes; answers the last check. */
export async function waitForMovingVideo(
  page: Page,
  selector: string,
  timeoutMs = 20_000,
  options: Parameters<typeof videoIsMoving>[2] = {},
): Promise<MovingVideoCheck> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const check = await videoIsMoving(page, selector, options).catch(() => undefined);
    if (check?.moving || Date.now() > deadline) {
      return check ?? { moving: false, luma: [0, 0], difference: 0, rgb: [0, 0, 0], width: 0, height: 0 };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// ── the call-peer test page ──────────────────────────────────────────────────

export interface CallPageStart {
  polite: boolean;
  iceServers: IceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  timing?: { statsMs?: number; cutGraceMs?: number; restartEveryMs?: number; giveUpMs?: number };
}

export type CallPageEvent =
  | { kind: 'state'; at: number; state: PeerState }
  | { kind: 'quality'; at: number; quality: CallQuality; budget: VideoBudget; sample: LineSample }
  | { kind: 'interrupted'; at: number }
  | { kind: 'restored'; at: number; from: number; to: number }
  | { kind: 'iceServerError'; at: number; url: string; code: number; text: string }
  | { kind: 'tracks'; at: number; tracks: string[] };

export interface SelectedPair {
  state: string;
  local: { type: string; address: string; port: number; protocol: string };
  remote: { type: string; address: string; port: number; protocol: string };
}

interface VideoCounters {
  bytes: number;
  /** Encoded (sent) or decoded (received). */
  frames: number;
  width: number;
  height: number;
}

export interface MediaFigures {
  /** The page's performance.now() when taken. */
  at: number;
  videoSent: VideoCounters;
  videoReceived: VideoCounters;
  audioSentBytes: number;
  audioReceivedBytes: number;
}

/** What call-page/main.ts offers on `window.callPage`. */
export interface CallPageApi {
  start(options: CallPageStart): Promise<void>;
  receive(signal: CallSignal): Promise<void>;
  events(): CallPageEvent[];
  remoteTracks(): Array<{ kind: string; readyState: string }>;
  state(): PeerState | null;
  /** The RTCPeerConnection's own states, for a failure's message. */
  connection(): { signaling: string; iceConnection: string; iceGathering: string; connection: string } | null;
  selectedPair(): Promise<SelectedPair | null>;
  localCandidates(): Promise<Array<{ address: string; port: number; protocol: string }>>;
  media(): Promise<MediaFigures>;
  /** Wall-clock ms of start() and of the first remote video frame presented (requestVideoFrameCallback). */
  timings(): { startedAt: number | null; firstRemoteFrameAt: number | null };
  close(): void;
}
export type CallPageWindow = Window & { callPage: CallPageApi };

/** Builds call-page/ into `outDir` and serves it from 127.0.0.1 with the hall's content policy. */
export async function serveCallPage(outDir: string): Promise<{ url: string; close: () => Promise<void> }> {
  await build({
    configFile: false,
    logLevel: 'warn',
    root: join(import.meta.dirname, 'call-page'),
    base: './',
    build: { outDir, emptyOutDir: true, target: 'chrome130' },
  });
  const serve = sirv(outDir, { dev: false, etag: true });
  let port = 0;
  const server = createHttpServer((req, res) => {
    res.setHeader('content-security-policy', contentSecurityPolicy(port));
    serve(req, res, () => {
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/index.html`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Calls `window.callPage[name](...args)` in `page`. */
export async function callPage<K extends keyof CallPageApi>(
  page: Page,
  name: K,
  ...args: Parameters<CallPageApi[K]>
): Promise<Awaited<ReturnType<CallPageApi[K]>>> {
  const result: unknown = await page.evaluate(
    ([name, args]) => {
      const api = (window as unknown as CallPageWindow).callPage;
      return (api[name as keyof CallPageApi] as (...a: unknown[]) => unknown)(...args);
    },
    [name, args as unknown[]] as [string, unknown[]],
  );
  return result as Awaited<ReturnType<CallPageApi[K]>>;
}

export interface SignalRelay {
  /** Signals handed on, per direction. */
  counts: { aToB: number; bToA: number };
  /** What went wrong handing a signal to a page (receive threw): empty in a sound call. */
  errors: string[];
}

/**
 * Relays each page's signals to the other through Node, in order (as the inbox does): the
 * pages send with `window.callSignalOut`. Call before the pages load.
 */
export async function relaySignals(a: Page, b: Page): Promise<SignalRelay> {
  const relay: SignalRelay = { counts: { aToB: 0, bToA: 0 }, errors: [] };
  const link = async (from: Page, to: Page, count: 'aToB' | 'bToA') => {
    let queue = Promise.resolve();
    await from.exposeFunction('callSignalOut', (signal: CallSignal) => {
      relay.counts[count]++;
      queue = queue
        .then(() => callPage(to, 'receive', signal))
        .catch((error: unknown) => void relay.errors.push(`${count} ${signal.type}: ${String(error)}`));
    });
  };
  await link(a, b, 'aToB');
  await link(b, a, 'bToA');
  return relay;
}

// ── the department inbox, its approver, and an enrolled window ───────────────

export interface CallInbox extends DepartmentProcess {
  dataDir: string;
}

/**
 * The reference inbox as its own process, handing out ICE servers: TURN (`turn`: the URL,
 * and its secret in a 0600 file for --turn-secret-file) and STUN (`stunUrl`).
 * (The serve flags are the INBOX helper's: `--turn-url URL --turn-secret-file FILE --stun-url URL`.)
 */
export async function startCallInbox(
  dataDir: string,
  options: { turn?: Pick<Coturn, 'url' | 'secret'>; stunUrl?: string } = {},
): Promise<CallInbox> {
  mkdirSync(dataDir, { recursive: true });
  const args: string[] = [];
  if (options.turn) {
    const secretFile = join(dataDir, 'turn-secret');
    writeFileSync(secretFile, options.turn.secret, { mode: 0o600 });
    args.push('--turn-url', options.turn.url, '--turn-secret-file', secretFile);
  }
  if (options.stunUrl) args.push('--stun-url', options.stunUrl);
  const inbox = await startDepartment(dataDir, 0, { args });
  return { ...inbox, dataDir };
}

/** The department administrator enrols an approver with the inbox's CLI; answers the sign-in token. */
export async function enrolApproverByCli(inboxDir: string, name: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    ...INBOX_CLI,
    'enroll-approver',
    '--data-dir',
    inboxDir,
    '--name',
    name,
  ]);
  const token = stdout.trim().split('\n').at(-1)?.trim();
  if (!token || token.includes(' ')) throw new Error(`no approver token in the CLI's answer:\n${stdout}`);
  return token;
}

/** Signs the approver in on the inbox's page (token form), then opens `path` (the call console by default). */
export async function signInApprover(
  page: Page,
  inboxUrl: string,
  token: string,
  path = '/approver/calls/',
): Promise<void> {
  await page.goto(`${inboxUrl}/approver/`);
  await page.getByLabel('审批人令牌').fill(token);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/approver') && !url.pathname.startsWith('/approver/login'));
  await page.goto(`${inboxUrl}${path}`);
}

/**
 * A configured hall (config.json pointing at the inbox) in `appDir`, with its installer
 * (admin) and clerk (clerk01, password `CLERK_PASSWORD`), the window enrolled at the inbox
 * by the inbox's CLI and its token set: the app runs once as a process for this and is
 * stopped, so the browser host (browser-host.ts `startHost({ dataDir: appDir })`) starts on it next.
 */
export async function prepareEnrolledWindow(appDir: string, inbox: CallInbox): Promise<void> {
  writeHallConfig(appDir, inbox.url);
  const app = await startApp(appDir);
  try {
    await firstStart(app, inbox.dataDir);
  } finally {
    await app.stop();
  }
}

export const CLERK_PASSWORD = STRONG;

/** On the browser host's page (its one-time URL): the clerk signs in and lands at home. */
export async function signInClerk(page: Page, hostUrl: string): Promise<void> {
  await page.goto(hostUrl);
  await page.getByLabel('用户名').fill('clerk01');
  await page.getByLabel('密码').fill(CLERK_PASSWORD);
  await page.getByLabel('密码').press('Enter');
  await page.getByRole('button', { name: '新建收件' }).waitFor();
}

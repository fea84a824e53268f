// The real app as a child process (the built browser host, `node dist/src-main/host/cli.js`),
// spoken to over its real WebSocket contract (MessagePack frames, token and Origin; the
// token traded for the one-time code of the --url-file, as the page does), and
// killed with SIGKILL as a power cut or the task manager would; and the department inbox
// as a process of its own (`dept-inbox/src/cli.ts serve`), as a department's server is.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { promisify } from 'node:util';
import { decodeMessage, encodeMessage, type ResultMessage } from '../../../src-main/api/wire.ts';

export interface AppProcess {
  pid: number;
  origin: string;
  token: string;
  output(): string;
  /** SIGKILL, resolved once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (clean shutdown), SIGKILL after `ms`. */
  stop(ms?: number): Promise<void>;
}

/**
 * A configured hall (not the demo profile) whose one department for region 51 is at
 * `endpoint`; `more`: further sections of config.json (`calls`, say).
 */
export function writeHallConfig(
  dataDir: string,
  endpoint: string,
  signature: 'ed25519' | 'sm2' = 'ed25519',
  more: Record<string, unknown> = {},
): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({
      profile: 'configured',
      hall: { id: 'test-hall', name: '测试政务服务中心' },
      window: { id: 'W01', name: '跨省通办专窗 1 号' },
      regionCode: '110105',
      departments: [{ id: 'demo-dept', name: '成都市人社局', regionCodes: ['51'], endpoint, signature }],
      ...more,
    }),
  );
}

export async function startApp(dataDir: string, timeoutMs = 20_000, args: string[] = []): Promise<AppProcess> {
  if (!existsSync('dist/src-main/host/cli.js')) {
    throw new Error('the app is not built: run `npm run build` (npm test builds first)');
  }
  const urlFile = join(dataDir, '.host-url');
  rmSync(urlFile, { force: true });
  const child = spawnWatched(
    ['dist/src-main/host/cli.js', '--data-dir', dataDir, '--port', '0', '--no-open', '--url-file', urlFile, ...args],
    { DISPLAY: '', WAYLAND_DISPLAY: '' },
  );
  const written = await child.ready(
    () => (existsSync(urlFile) ? readFileSync(urlFile, 'utf8') || undefined : undefined),
    'app',
    timeoutMs,
  );
  const url = new URL(written);
  const traded = await redeemOpenUrl(written);
  if (traded.status !== 200 || typeof traded.body.token !== 'string') {
    await child.lifecycle.stop();
    throw new Error(`the host refused its own --url-file code (${traded.status}):\n${child.lifecycle.output()}`);
  }
  return { pid: child.pid!, origin: url.origin, token: traded.body.token, ...child.lifecycle };
}

/**
 * Trades the one-time code of a page URL (`…/#code=…`) for the host's token, as the
 * page does: a same-origin JSON POST to /api/session. `origin` stands in for the
 * page's Origin header.
 */
export function redeemOpenUrl(
  pageUrl: string,
  options: { origin?: string | null; code?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(pageUrl);
  const code = options.code ?? new URLSearchParams(url.hash.slice(1)).get('code') ?? '';
  const origin = options.origin === undefined ? url.origin : options.origin;
  const payload = JSON.stringify({ code });
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/api/session', url.origin),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(origin === null ? {} : { origin }) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let body: Record<string, unknown>;
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            body = { text };
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

type Lifecycle = Pick<AppProcess, 'output' | 'kill9' | 'stop'>;

/** A node child process whose output is kept (the tail) for failure messages. */
function spawnWatched(args: string[], env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    pid: child.pid,
    output: () => output,
    lifecycle: lifecycle(child, () => output),
    /** Polls `check` until it gives a value; fails if the process exits or time runs out. */
    async ready<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = check();
        if (value !== undefined) return value;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited early:\n${output}`);
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`${what} did not start:\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

function lifecycle(child: ChildProcess, output: () => string): Lifecycle {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    output,
    kill9: async () => {
      if (gone()) return;
      child.kill('SIGKILL');
      await exited;
    },
    stop: async (ms = 10_000) => {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const INBOX_CLI = ['--import', 'tsx', 'dept-inbox/src/cli.ts'];

export interface DepartmentProcess extends Lifecycle {
  pid: number;
  url: string;
  port: number;
  /** The URL windows reach it by, when not `url` (a link in front of it). */
  publicUrl: string | undefined;
}

/**
 * The department inbox as its own process on 127.0.0.1; `port` 0 picks a free one (pass the
 * old one to restart in place). `publicUrl`: where windows reach it, when that is a link in front.
 * `args`: more `serve` options (the call tests' TURN and STUN flags).
 */
export async function startDepartment(
  dataDir: string,
  port = 0,
  options: { publicUrl?: string; timeoutMs?: number; args?: readonly string[] } = {},
): Promise<DepartmentProcess> {
  const { publicUrl, timeoutMs = 20_000, args = [] } = options;
  const child = spawnWatched(
    [
      ...INBOX_CLI,
      'serve',
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      ...(publicUrl ? ['--public-url', publicUrl] : []),
      ...args,
    ],
    { LOG_LEVEL: 'warn' },
  );
  const url = await child.ready(
    () => /Department inbox on (http:\/\/\S+)/.exec(child.output())?.[1],
    'department',
    timeoutMs,
  );
  return { pid: child.pid!, url, port: Number(new URL(url).port), publicUrl, ...child.lifecycle };
}

/** The department administrator's enrolment, with the inbox's own CLI: the window's public key in, its token out. */
export async function enrolWindowByCli(
  departmentDir: string,
  window: { windowId: string; publicKey: string; scheme: string },
): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    ...INBOX_CLI,
    'enroll-window',
    '--data-dir',
    departmentDir,
    '--window-id',
    window.windowId,
    '--public-key',
    window.publicKey,
    '--scheme',
    window.scheme,
  ]);
  const token = stdout.trim().split('\n').at(-1)?.trim();
  if (!token || token.includes(' ')) throw new Error(`no token in the CLI's answer:\n${stdout}`);
  return token;
}

export interface ContractClient {
  call<T = unknown>(method: string, input?: unknown, timeoutMs?: number): Promise<T>;
  raw(method: string, input?: unknown, timeoutMs?: number): Promise<ResultMessage>;
  close(): void;
}

/** A WebSocket connection to the app's contract; every call times out, and fails at once if the socket closes. */
export async function connectApp(app: AppProcess): Promise<ContractClient> {
  const ws = await new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(`${app.origin.replace('http', 'ws')}/api?token=${app.token}`, { origin: app.origin });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
  let seq = 0;
  const waiting = new Map<number, { resolve: (r: ResultMessage) => void; reject: (e: Error) => void }>();
  ws.on('message', (data: Buffer) => {
    const message = decodeMessage(data) as ResultMessage | { type: 'event' };
    if (message.type !== 'result') return;
    const entry = waiting.get(message.id as number);
    if (!entry) return;
    waiting.delete(message.id as number);
    entry.resolve(message);
  });
  const failAll = (error: Error) => {
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  };
  ws.on('close', () => failAll(new Error('socket closed')));
  ws.on('error', (error) => failAll(error));

  const raw = (method: string, input: unknown = {}, timeoutMs = 20_000) =>
    new Promise<ResultMessage>((resolve, reject) => {
      if (ws.readyState !== WebSocket.OPEN) return reject(new Error('socket not open'));
      const id = ++seq;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`${method} timed out`));
      }, timeoutMs);
      waiting.set(id, {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      ws.send(encodeMessage({ type: 'call', id, method, input }));
    });
  return {
    raw,
    call: async <T>(method: string, input: unknown = {}, timeoutMs?: number) => {
      const result = await raw(method, input, timeoutMs);
      if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result).slice(0, 400)}`);
      return (result as { value: T }).value;
    },
    close: () => ws.terminate(),
  };
}

/** Seeded PRNG (mulberry32): the same seed gives the same kill moments. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

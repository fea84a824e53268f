// The real app as a child process (the built browser host, `node dist/src-main/host/cli.js`),
// spoken to over its real WebSocket contract (MessagePack frames, token and Origin), and
// killed with SIGKILL as a power cut or the task manager would.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
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

export async function startApp(dataDir: string, timeoutMs = 20_000): Promise<AppProcess> {
  if (!existsSync('dist/src-main/host/cli.js')) {
    throw new Error('the app is not built: run `npm run build` (npm test builds first)');
  }
  const urlFile = join(dataDir, '.host-url');
  rmSync(urlFile, { force: true });
  const child: ChildProcess = spawn(
    process.execPath,
    ['dist/src-main/host/cli.js', '--data-dir', dataDir, '--port', '0', '--no-open', '--url-file', urlFile],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' } },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + timeoutMs;
  while (!existsSync(urlFile) || readFileSync(urlFile, 'utf8') === '') {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`app exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`app did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const url = new URL(readFileSync(urlFile, 'utf8'));
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid!,
    origin: url.origin,
    token,
    output: () => output,
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

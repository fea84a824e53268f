// The browser host on a real loopback port, spoken to by a real WebSocket client,
// and the built CLI as a process: the page is opened with a one-time code, never
// with the token.
import { DOCCAM_WORKER_CONTENT_SECURITY_POLICY } from '../../../src-main/common/doccam-worker-policy.ts';
import { FACE_WORKER_CONTENT_SECURITY_POLICY } from '../../../src-main/common/face-worker-policy.ts';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  CLOSE_STALE_TOKEN,
  MAX_MESSAGE_BYTES,
  decodeMessage,
  encodeMessage,
  type ResultMessage,
} from '../../../src-main/api/wire.ts';
import {
  CLOSE_SERVICE_RESTART,
  OPEN_CODE_TTL_MS,
  startBrowserHost,
  type BrowserHost,
} from '../../../src-main/host/server.ts';
import { bootTestCore, tempDir } from '../helpers.ts';
import { redeemOpenUrl, startApp } from '../sync/process-harness.ts';

interface TestHost extends BrowserHost {
  token: string;
}

/** A host and its token, traded for a code the way the page does it. */
async function startHost(options: { now?: () => number } = {}): Promise<TestHost> {
  const { core } = await bootTestCore();
  const rendererDir = join(tempDir(), 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>通办</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'doccam-worker-Ab1_2.js'), 'onmessage = () => {};');
  writeFileSync(join(rendererDir, 'assets', 'face-worker-Cd3_4.js'), 'onmessage = () => {};');
  writeFileSync(join(rendererDir, 'assets', 'index-Ab1_2.js'), 'console.log(1);');
  const host = await startBrowserHost({ core, rendererDir, ...options });
  const traded = await redeemOpenUrl(host.openUrl());
  expect(traded.status).toBe(200);
  return Object.assign(host, { token: traded.body.token as string });
}

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket and resolves once open, or rejects with the HTTP status of a refusal. */
function connect(url: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Connects and waits for the host to close: the close code and how many frames came before it. */
function closedWith(url: string, origin: string): Promise<{ code: number; frames: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin });
    let frames = 0;
    ws.on('message', () => frames++);
    ws.once('close', (code) => resolve({ code, frames }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextResult(ws: WebSocket): Promise<ResultMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const message = decodeMessage(data) as ResultMessage | { type: 'event' };
      if (message.type === 'result') {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
  });
}

const apiUrl = (host: TestHost, token = host.token) => `${host.origin.replace('http', 'ws')}/api?token=${token}`;

describe('browser host', () => {
  it('listens on loopback only and serves the renderer with a strict CSP', async () => {
    const host = await startHost();
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.openUrl()).toMatch(new RegExp(`^${host.origin}/#code=[\\w-]{22}$`));
    const page = await get(`${host.origin}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('通办');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    await host.close();
  });

  it('lets only the document camera worker compile code (opencv.js), under a policy of its own', async () => {
    const host = await startHost();
    const worker = await get(`${host.origin}/assets/doccam-worker-Ab1_2.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers['content-security-policy']).toBe(DOCCAM_WORKER_CONTENT_SECURITY_POLICY);
    const face = await get(`${host.origin}/assets/face-worker-Cd3_4.js`);
    expect(face.status).toBe(200);
    expect(face.headers['content-security-policy']).toBe(FACE_WORKER_CONTENT_SECURITY_POLICY);
    const script = await get(`${host.origin}/assets/index-Ab1_2.js`);
    expect(String(script.headers['content-security-policy'])).not.toContain('unsafe-eval');
    const page = await get(`${host.origin}/`);
    expect(String(page.headers['content-security-policy'])).not.toContain('unsafe-eval');
    await host.close();
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const host = await startHost();
    expect((await get(`${host.origin}/`, { host: 'evil.example:80' })).status).toBe(421);
    await host.close();
  });

  it('refuses a WebSocket without the token, with a wrong token, or from another origin', async () => {
    const host = await startHost();
    // Our page with another start's token (or none) learns why, by a close code a browser can read;
    // nothing of the core reaches it first.
    expect(await closedWith(apiUrl(host, ''), host.origin)).toEqual({ code: CLOSE_STALE_TOKEN, frames: 0 });
    expect(await closedWith(apiUrl(host, 'x'.repeat(host.token.length)), host.origin)).toEqual({
      code: CLOSE_STALE_TOKEN,
      frames: 0,
    });
    await expect(connect(apiUrl(host), 'http://evil.example')).rejects.toThrow('HTTP 403');
    await expect(connect(apiUrl(host))).rejects.toThrow('HTTP 403');
    await host.close();
  });

  it('carries contract calls as MessagePack frames', async () => {
    const host = await startHost();
    const ws = await connect(apiUrl(host), host.origin);
    const answer = nextResult(ws);
    ws.send(encodeMessage({ type: 'call', id: 7, method: 'auth.setupState', input: {} }));
    expect(await answer).toEqual({ type: 'result', id: 7, ok: true, value: { needsFirstInstaller: true } });
    ws.close();
    await host.close();
  });

  it('swaps its core: pages are closed with 1012, refused with 503 meanwhile, and served by the new core with the same token', async () => {
    const host = await startHost();
    const page = await connect(apiUrl(host), host.origin);
    const closed = new Promise<number>((resolve) => page.once('close', (code) => resolve(code)));
    await host.suspend();
    expect(await closed).toBe(CLOSE_SERVICE_RESTART);
    await expect(connect(apiUrl(host), host.origin)).rejects.toThrow('HTTP 503');

    const { core } = await bootTestCore();
    host.resume(core);
    const again = await connect(apiUrl(host), host.origin);
    const answer = nextResult(again);
    again.send(encodeMessage({ type: 'call', id: 8, method: 'auth.setupState', input: {} }));
    expect(await answer).toMatchObject({ id: 8, ok: true });
    again.close();
    await host.close();
  });

  it('answers text frames, garbage and oversized messages with typed errors and stays up', async () => {
    const host = await startHost();
    const ws = await connect(apiUrl(host), host.origin);

    let answer = nextResult(ws);
    ws.send('{"type":"call"}');
    expect(await answer).toMatchObject({ ok: false, error: { code: 'request.malformed' } });

    answer = nextResult(ws);
    ws.send(Buffer.from([0xc1, 0xff, 0x00]));
    expect(await answer).toMatchObject({ ok: false, error: { code: 'request.malformed' } });

    answer = nextResult(ws);
    ws.send(
      encodeMessage({
        type: 'call',
        id: 11,
        method: 'auth.login',
        input: { blob: new Uint8Array(MAX_MESSAGE_BYTES + 1) },
      }),
    );
    expect(await answer).toMatchObject({ id: 11, ok: false, error: { code: 'request.tooLarge' } });

    answer = nextResult(ws);
    ws.send(encodeMessage({ type: 'call', id: 12, method: 'auth.setupState', input: {} }));
    expect(await answer).toMatchObject({ id: 12, ok: true });
    ws.close();
    await host.close();
  });

  it('refuses a call whose frame does not decode under the call’s own id, so the caller is not left waiting', async () => {
    const host = await startHost();
    const ws = await connect(apiUrl(host), host.origin);
    // MessagePack allows any key; the decoder refuses `__proto__` (prototype pollution) wholesale.
    let answer = nextResult(ws);
    ws.send(
      encodeMessage(JSON.parse('{"type":"call","id":21,"method":"auth.setupState","input":{"__proto__":{"x":1}}}')),
    );
    expect(await answer).toMatchObject({ id: 21, ok: false, error: { code: 'request.malformed' } });

    answer = nextResult(ws);
    ws.send(
      Buffer.concat([
        encodeMessage({ type: 'call', id: 22, method: 'auth.setupState', input: {} }),
        Buffer.from([0x00]),
      ]),
    );
    expect(await answer).toMatchObject({ id: 22, ok: false, error: { code: 'request.malformed' } });

    // The id comes after a value nested deeper than any decoder recursion would go.
    answer = nextResult(ws);
    const deep = Buffer.concat([
      Buffer.from([0x82, 0xa5]),
      Buffer.from('input'),
      Buffer.alloc(100_000, 0x91),
      Buffer.from([0xc1]),
    ]);
    ws.send(Buffer.concat([deep, Buffer.from([0xa2]), Buffer.from('id'), Buffer.from([0x17])]));
    expect(await answer).toMatchObject({ id: 0, ok: false, error: { code: 'request.malformed' } }); // 0xc1 is no value: no id to be had
    ws.close();
    await host.close();
  });

  it('opens the page with a one-time code: it buys the token once, never twice', async () => {
    const host = await startHost();
    const url = host.openUrl();
    expect(url).not.toContain(host.token);
    expect(host.openUrl()).not.toBe(url); // 128 random bits each
    const first = await redeemOpenUrl(url);
    expect(first).toEqual({ status: 200, body: { token: host.token } });
    expect(await redeemOpenUrl(url)).toEqual({ status: 410, body: { refused: 'used' } });
    // A code never issued reads as stale, as one long forgotten does.
    expect(await redeemOpenUrl(url, { code: 'A'.repeat(22) })).toEqual({ status: 410, body: { refused: 'expired' } });
    await host.close();
  });

  it('refuses a code after its 30 seconds', async () => {
    let now = 1_000_000;
    const host = await startHost({ now: () => now });
    const late = host.openUrl();
    const justInTime = host.openUrl();
    now += OPEN_CODE_TTL_MS - 1;
    expect((await redeemOpenUrl(justInTime)).status).toBe(200);
    now += 1;
    expect(await redeemOpenUrl(late)).toEqual({ status: 410, body: { refused: 'expired' } });
    await host.close();
  });

  it('trades codes only with its own pages: another origin, or none, gets 403 and the code stays good', async () => {
    const host = await startHost();
    const url = host.openUrl();
    expect((await redeemOpenUrl(url, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await redeemOpenUrl(url, { origin: null })).status).toBe(403);
    expect((await redeemOpenUrl(url, { origin: host.origin.replace('127.0.0.1', 'localhost') })).status).toBe(200);
    await host.close();
  });
});

describe.skipIf(process.platform === 'win32')('the browser host CLI', () => {
  it('writes a one-time code to --url-file and never prints the token', async () => {
    const dataDir = tempDir();
    const app = await startApp(dataDir);
    const urlFile = readFileSync(join(dataDir, '.host-url'), 'utf8');
    // startApp traded the file's code already: it is spent.
    expect(await redeemOpenUrl(urlFile)).toEqual({ status: 410, body: { refused: 'used' } });
    await app.stop();
    expect(app.token).toMatch(/^[\w-]{43}$/);
    expect(app.output()).toContain(`Open: ${app.origin}/#code=`);
    expect(app.output()).not.toContain(app.token);
  });
});

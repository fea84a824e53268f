// The browser host on a real loopback port, spoken to by a real WebSocket client.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE_STALE_TOKEN, MAX_MESSAGE_BYTES, decodeMessage, encodeMessage, type ResultMessage } from '../../../src-main/api/wire.ts';
import { startBrowserHost, type BrowserHost } from '../../../src-main/host/server.ts';
import { bootTestCore, tempDir } from '../helpers.ts';

async function startHost(): Promise<BrowserHost> {
  const { core } = await bootTestCore();
  const rendererDir = join(tempDir(), 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>通办</title>');
  const host = await startBrowserHost({ core, rendererDir });
  return host;
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
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

const apiUrl = (host: BrowserHost, token = host.token) => `${host.origin.replace('http', 'ws')}/api?token=${token}`;

describe('browser host', () => {
  it('listens on loopback only and serves the renderer with a strict CSP', async () => {
    const host = await startHost();
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.url).toBe(`${host.origin}/#token=${host.token}`);
    const page = await get(`${host.origin}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('通办');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
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
    ws.send(encodeMessage({ type: 'call', id: 11, method: 'auth.login', input: { blob: new Uint8Array(MAX_MESSAGE_BYTES + 1) } }));
    expect(await answer).toMatchObject({ id: 11, ok: false, error: { code: 'request.tooLarge' } });

    answer = nextResult(ws);
    ws.send(encodeMessage({ type: 'call', id: 12, method: 'auth.setupState', input: {} }));
    expect(await answer).toMatchObject({ id: 12, ok: true });
    ws.close();
    await host.close();
  });
});

// The browser host: serves the built renderer and carries the contract over a
// WebSocket, on loopback only. A per-start token (handed to the page in the URL
// fragment, never sent in a request line) plus Origin and Host checks keep other
// pages and other machines out.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sirv from 'sirv';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { AppError } from '../common/errors.ts';
import { CLOSE_STALE_TOKEN, MAX_MESSAGE_BYTES, decodeMessage, encodeMessage, type ResultMessage } from '../api/wire.ts';
import type { HallCore } from '../core/hall-core.ts';

export const API_PATH = '/api';
/** Frames above MAX_MESSAGE_BYTES get a typed refusal; above this the socket is closed. */
const HARD_FRAME_LIMIT = 2 * MAX_MESSAGE_BYTES;

export interface BrowserHostOptions {
  core: HallCore;
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface BrowserHost {
  /** What to open: the page, with the token in the fragment. */
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "frame-src 'self' blob:", // the PDF preview of a notice or a scanned page
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const { core } = options;
  const token = randomBytes(32).toString('base64url');
  const serveStatic = sirv(options.rendererDir, { single: true, dev: false, etag: true, gzip: false });
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Host check defeats DNS rebinding: a foreign name pointed at 127.0.0.1.
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('misdirected request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    res.setHeader('content-security-policy', contentSecurityPolicy(port));
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    res.setHeader('permissions-policy', 'camera=(self), microphone=(self), geolocation=()');
    serveStatic(req, res, () => {
      res.writeHead(404).end();
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: HARD_FRAME_LIMIT });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const refusal = refuseUpgrade(req, token, allowedHosts(), allowedOrigins());
    if (refusal === STALE_TOKEN) {
      // Our own page (Origin checked) with another start's token: a browser cannot read
      // a refused upgrade's status, so accept and close with a code that says why. The
      // socket never reaches the core.
      sockets.handleUpgrade(req, socket, head, (ws) => ws.close(CLOSE_STALE_TOKEN, 'token of another start'));
      return;
    }
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => attach(ws, core));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const STALE_TOKEN = 'stale token';

function refuseUpgrade(
  req: IncomingMessage,
  token: string,
  hosts: Set<string>,
  origins: Set<string>,
): string | typeof STALE_TOKEN | null {
  const url = new URL(req.url ?? '/', 'http://placeholder');
  if (url.pathname !== API_PATH) return '404 Not Found';
  if (!hosts.has(req.headers.host ?? '')) return '421 Misdirected Request';
  if (!origins.has(req.headers.origin ?? '')) return '403 Forbidden';
  if (!sameSecret(url.searchParams.get('token') ?? '', token)) return STALE_TOKEN;
  return null;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function attach(ws: WebSocket, core: HallCore): void {
  const connection = core.openConnection((event) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeMessage(event));
  });
  const reply = (result: ResultMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeMessage(result));
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    const bytes = toBytes(data);
    let message: unknown;
    try {
      if (!isBinary) throw new Error('text frame');
      message = decodeMessage(bytes);
    } catch {
      reply(refusal(0, new AppError('request.malformed', 'frame is not a MessagePack contract message')));
      return;
    }
    if (bytes.byteLength > MAX_MESSAGE_BYTES) {
      reply(refusal(idOf(message), new AppError('request.tooLarge', `message of ${bytes.byteLength} bytes`)));
      return;
    }
    connection.handle(message).then(reply, (error: unknown) => {
      core.logger.error({ err: error }, 'connection failed to handle a message');
    });
  });
  ws.on('close', () => connection.close());
  ws.on('error', (error) => core.logger.warn({ err: error }, 'websocket error'));
}

function refusal(id: number, error: AppError): ResultMessage {
  return { type: 'result', id, ok: false, error: error.toWire() };
}

function idOf(message: unknown): number {
  const id = (message as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : 0;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

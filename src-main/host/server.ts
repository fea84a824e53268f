// The browser host: serves the built renderer and carries the contract over a
// WebSocket, on loopback only. A per-start token plus Origin and Host checks keep
// other pages and other machines out. The token never leaves in a URL: the page is
// opened with a one-time code (in the fragment, so never in a request line) that it
// trades for the token over a same-origin POST. A URL lands in the opener's command
// line (readable by every local user while the browser runs), in shell history and
// in logs; a code found there is spent or stale.
//
// The applicant's page (`/applicant`, a second screen facing the applicant) has no link
// to open with: it POSTs the six-digit pairing code the clerk's screen shows to the same
// path (`{ pairing }`, same Origin, type and size checks), and the core answers a ticket
// with the token. The ticket turns its WebSocket into the applicant screen, which may
// call only the applicant's methods; the code's limits (2 minutes, once, 5 wrong tries)
// are the core's (src-main/intake/applicant-desk.ts).
//
// The core can be swapped under a running host (the setup wizard saved a new config):
// `suspend` closes every socket with 1012 (service restart) and refuses new ones with
// 503 until `resume` hands over the new core. The token and the port stay: the pages
// reconnect by themselves and resume or sign in again.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sirv from 'sirv';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { PairingCode } from '../common/applicant.ts';
import { AppError } from '../common/errors.ts';
import { DOCCAM_WORKER_CONTENT_SECURITY_POLICY, isDoccamWorkerPath } from '../common/doccam-worker-policy.ts';
import { FACE_WORKER_CONTENT_SECURITY_POLICY, isFaceWorkerPath } from '../common/face-worker-policy.ts';
import {
  CLOSE_STALE_TOKEN,
  MAX_MESSAGE_BYTES,
  decodeMessage,
  encodeMessage,
  peekCallId,
  type ResultMessage,
} from '../api/wire.ts';
import type { HallCore } from '../core/hall-core.ts';

export const API_PATH = '/api';
/** POST `{ code }` here, get `{ token }` back once; or `{ pairing }` (the applicant's page), get `{ token, ticket }`. */
export const SESSION_PATH = '/api/session';
/** Long enough for a browser to start and load the page, short enough that a leaked code is stale. */
export const OPEN_CODE_TTL_MS = 30_000;
/** A code's body is `{"code":"<22 chars>"}`; anything much bigger is not one. */
const SESSION_BODY_LIMIT = 1024;
/** WebSocket close code for "the server is restarting; reconnect" (RFC 6455 registry). */
export const CLOSE_SERVICE_RESTART = 1012;
/** How long pages get to finish their close handshake before their sockets are cut. */
const SUSPEND_GRACE_MS = 1000;
/** Frames above MAX_MESSAGE_BYTES get a typed refusal; above this the socket is closed. */
const HARD_FRAME_LIMIT = 2 * MAX_MESSAGE_BYTES;

export interface BrowserHostOptions {
  core: HallCore;
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** For tests: the clock the one-time codes expire by. */
  now?: () => number;
}

export interface BrowserHost {
  origin: string;
  /** A fresh page URL with a one-time code (`/#code=…`): one exchange, within OPEN_CODE_TTL_MS. */
  openUrl(): string;
  /** Closes every page's socket (1012) and refuses new ones until `resume`; resolves once they are closed. */
  suspend(): Promise<void>;
  /** Serves `core` from now on (the same token, port and codes). */
  resume(core: HallCore): void;
  close(): Promise<void>;
}

/** Why a code was not exchanged; the page says which in Chinese. */
export type OpenCodeRefusal = 'used' | 'expired';

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
  /** The core served now; none while it restarts. */
  let core: HallCore | undefined = options.core;
  const token = randomBytes(32).toString('base64url');
  const codes = new OpenCodes(options.now ?? Date.now);
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
    if (new URL(req.url ?? '/', 'http://placeholder').pathname === SESSION_PATH) {
      exchangeCode(req, res, codes, token, allowedOrigins(), core);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://placeholder').pathname;
    res.setHeader(
      'content-security-policy',
      isDoccamWorkerPath(pathname)
        ? DOCCAM_WORKER_CONTENT_SECURITY_POLICY
        : isFaceWorkerPath(pathname)
          ? FACE_WORKER_CONTENT_SECURITY_POLICY
          : contentSecurityPolicy(port),
    );
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
    const serving = core;
    const refused = refusal ?? (serving ? null : '503 Service Unavailable');
    if (refused || !serving) {
      socket.end(`HTTP/1.1 ${refused}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => attach(ws, serving));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    openUrl: () => `${origin}/#code=${codes.issue()}`,
    async suspend() {
      core = undefined;
      const open = [...sockets.clients];
      await Promise.all(
        open.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === ws.CLOSED) return resolve();
              const cut = setTimeout(() => ws.terminate(), SUSPEND_GRACE_MS);
              ws.once('close', () => {
                clearTimeout(cut);
                resolve();
              });
              ws.close(CLOSE_SERVICE_RESTART, 'core restarting');
            }),
        ),
      );
    },
    resume(next) {
      core = next;
    },
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * One-time codes, held by their SHA-256 so a lookup's timing says nothing about a
 * code. A spent or expired code is remembered for one more TTL, so the page can say
 * "already used" rather than just "invalid"; then it is forgotten (and reads as
 * expired). Only the host issues codes, so the map stays small.
 */
class OpenCodes {
  private readonly entries = new Map<string, { expiresAt: number; used: boolean }>();

  constructor(private readonly now: () => number) {}

  issue(): string {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt + OPEN_CODE_TTL_MS <= now) this.entries.delete(key);
    }
    const code = randomBytes(16).toString('base64url'); // 128 bits
    this.entries.set(digest(code), { expiresAt: now + OPEN_CODE_TTL_MS, used: false });
    return code;
  }

  redeem(code: string): { ok: true } | { ok: false; refused: OpenCodeRefusal } {
    const entry = this.entries.get(digest(code));
    if (!entry || this.now() >= entry.expiresAt) return { ok: false, refused: 'expired' };
    if (entry.used) return { ok: false, refused: 'used' };
    entry.used = true;
    return { ok: true };
  }
}

function digest(code: string): string {
  return createHash('sha256').update(code).digest('base64url');
}

/** `POST /api/session {code}` → 200 `{token}`, or 410 `{refused}`; only from our own pages. */
function exchangeCode(
  req: IncomingMessage,
  res: ServerResponse,
  codes: OpenCodes,
  token: string,
  origins: Set<string>,
  core: Pick<HallCore, 'applicantPairing'> | undefined,
): void {
  const answer = (status: number, body: unknown, extra: Record<string, string> = {}) => {
    res
      .writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        ...extra,
      })
      .end(JSON.stringify(body));
  };
  if (req.method !== 'POST') return answer(405, { error: 'method' }, { allow: 'POST' });
  // Browsers send Origin on every POST; another site's page cannot forge ours.
  if (!origins.has(req.headers.origin ?? '')) return answer(403, { error: 'origin' });
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return answer(415, { error: 'type' });
  let body = '';
  let tooLarge = false;
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    if (tooLarge) return;
    body += chunk;
    if (body.length > SESSION_BODY_LIMIT) tooLarge = true;
  });
  req.on('end', () => {
    if (tooLarge) return answer(413, { error: 'size' });
    let code: unknown;
    let pairing: unknown;
    try {
      const parsed = JSON.parse(body) as { code?: unknown; pairing?: unknown } | null;
      code = parsed?.code;
      pairing = parsed?.pairing;
    } catch {
      code = undefined;
    }
    if (typeof pairing === 'string' && code === undefined) {
      if (!PairingCode.safeParse(pairing).success) return answer(400, { error: 'pairing' });
      if (!core) return answer(503, { error: 'restarting' });
      const paired = core.applicantPairing.redeem(pairing);
      if (!paired.ok) return answer(410, { refused: paired.refused });
      return answer(200, { token, ticket: paired.ticket });
    }
    if (typeof code !== 'string' || code === '') return answer(400, { error: 'code' });
    const verdict = codes.redeem(code);
    if (!verdict.ok) return answer(410, { refused: verdict.refused });
    answer(200, { token });
  });
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
      // A call the decoder refuses (a `__proto__` key, bytes after it) is refused under its own id when it has one.
      const id = isBinary ? (peekCallId(bytes) ?? 0) : 0;
      reply(refusal(id, new AppError('request.malformed', 'frame is not a MessagePack contract message')));
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

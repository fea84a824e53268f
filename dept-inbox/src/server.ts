// The reference department inbox (部门收件箱): Fastify 5 serving the sync protocol
// (src-main/common/sync-protocol.ts, docs/sync-protocol.md) — packet registration, tus file
// uploads, commit, and the long-poll change feed — plus the approver page. Records in a
// SQLite file of the data directory, or on PostgreSQL shared by several inbox processes;
// files in the data directory or S3; restarting keeps everything, half-finished uploads too.
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  CHANGES_PATH,
  ChangesQuery,
  FILES_PATH,
  HEALTH_PATH,
  PROTOCOL_VERSION,
  WHOAMI_PATH,
  type ChangesAnswer,
} from '../../src-main/common/sync-protocol.ts';
import { RATINGS_PATH } from '../../src-main/common/rating-report.ts';
import { hashToken } from './admin.ts';
import { deriveAtRestKeys, ownerOnlyDirectory } from './at-rest.ts';
import { registerApproverPage } from './approver-page.ts';
import { registerCallConsole } from './approver-call/console.ts';
import { CallService, registerWindowCallRoutes, type CallsOptions } from './calls.ts';
import { registerTrackPage } from './track-page.ts';
import type { ApproverSessions, ThrottlePolicy } from './approver-sessions.ts';
import { ChangeNotifier, changeToWire } from './change-feed.ts';
import { InboxDb, type WindowRow } from './db.ts';
import type { PostgresOptions } from './store/postgres-driver.ts';
import { PostgresLocker } from './store/postgres-locker.ts';
import { InboxError, transientCode } from './errors.ts';
import { invalid, PacketService, parsePacketKey } from './packets.ts';
import { receiveRating } from './ratings.ts';
import { createStorage, type InboxStorage, type StorageConfig } from './storage.ts';
import { createTusServer, sweepExpiredUploads, TUS_PATH } from './tus.ts';

export interface InboxOptions {
  dataDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 'file' (`<dataDir>/uploads`). */
  storage?: StorageConfig;
  /**
   * Encrypts what the inbox keeps — the database and every stored upload — under keys
   * derived from this 32-byte key, and keeps its folders 0700 and files 0600. The demo
   * profile's embedded inbox always has one; a department's own may (`--key-file`).
   * File storage only.
   */
  atRest?: { key: Buffer } | undefined;
  /** An unfinished upload expires this long after creation (410 afterwards). Default 7 days. */
  uploadExpiryMs?: number;
  /**
   * Unfinished, unexpired uploads one window may hold; the next creation answers 429
   * `upload.tooManyOpen` (Retry-After 60). Default 16.
   */
  maxOpenUploadsPerWindow?: number;
  /** Largest single file. Default 8 GiB. */
  maxFileBytes?: number;
  /** Largest JSON body (the manifest). Default 1 MiB. */
  maxManifestBytes?: number;
  /** pino logger; false for none. Default: info to stdout. */
  logger?: Logger | false;
  /**
   * Base URL windows reach this inbox by (http: or https:, a path prefix allowed): upload
   * URLs are built from it. Required when `host` is not a loopback address; on loopback it
   * defaults to the listen address. Never taken from a request's Host header.
   */
  publicUrl?: string;
  /** Prefix of department references. Default `TB`. */
  referencePrefix?: string;
  /** How long a write waits for another writer before answering 503. Default 5000. */
  busyTimeoutMs?: number;
  /** Wall clock (tests). */
  now?: () => number;
  /** Throttling of failed lookups on the public status page (/track); default TRACK_THROTTLE. */
  trackThrottle?: ThrottlePolicy | undefined;
  /** 视频会商: the STUN/TURN servers handed out with every call (calls.ts), and test timings. */
  calls?: CallsOptions | undefined;
  /**
   * Keep the records on PostgreSQL instead of `<dataDir>/inbox.db`: several inbox processes
   * (replicas behind a load balancer) may then share them, with S3 storage for the files.
   */
  postgres?: PostgresOptions | undefined;
}

export interface Inbox {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  db: InboxDb;
  storage: InboxStorage;
  app: FastifyInstance;
  /** Who is signed in on the approver page (in memory; a restart signs everyone out). */
  approverSessions: ApproverSessions;
  /** 视频会商: the calls' state, mailboxes and sweep. */
  calls: CallService;
  /** Removes expired unfinished uploads now (also runs on a timer). */
  sweepExpired(): Promise<number>;
  close(): Promise<void>;
}

const DAY_MS = 24 * 3600_000;

export async function createInbox(options: InboxOptions): Promise<Inbox> {
  const now = options.now ?? Date.now;
  const uploadExpiryMs = options.uploadExpiryMs ?? 7 * DAY_MS;
  const listenHost = options.host ?? '127.0.0.1';
  // Checked before anything is opened: a refused start leaves the data directory untouched.
  const configuredUrl = options.publicUrl === undefined ? undefined : parsePublicUrl(options.publicUrl);
  if (configuredUrl === undefined && !isLoopback(listenHost)) {
    throw new InboxError(
      'config.invalid',
      `--public-url is required when the inbox listens on ${listenHost} (not a loopback address): ` +
        'upload URLs are built from it, never from the Host header a request names',
    );
  }
  const atRest = options.atRest ? deriveAtRestKeys(options.atRest.key) : undefined;
  if (atRest && (options.storage ?? 'file') !== 'file') {
    throw new InboxError('config.invalid', 'an at-rest key applies to file storage; encrypt an S3 bucket server-side');
  }
  if (atRest) ownerOnlyDirectory(options.dataDir);
  const db = options.postgres
    ? await InboxDb.openPostgres(options.postgres)
    : InboxDb.openSqlite(join(options.dataDir, 'inbox.db'), {
        busyTimeoutMs: options.busyTimeoutMs,
        key: atRest?.database,
      });
  let storage: InboxStorage;
  try {
    storage = await createStorage(options.storage ?? 'file', options.dataDir, uploadExpiryMs, atRest?.files);
  } catch (error) {
    await db.close();
    throw error;
  }
  // Replicas write the same uploads: the lock must hold across processes.
  const locker = options.postgres ? new PostgresLocker(options.postgres.url) : undefined;

  const app = Fastify({
    ...(options.logger === false
      ? { logger: false }
      : options.logger
        ? { loggerInstance: options.logger as FastifyBaseLogger }
        : { logger: true }),
    bodyLimit: options.maxManifestBytes ?? 1024 * 1024,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
  });
  // The API speaks JSON only; text bodies would otherwise reach the schemas as strings.
  app.removeContentTypeParser('text/plain');
  const warn = (message: string, fields: Record<string, unknown> = {}) => app.log.warn(fields, message);

  const authenticate = async (authorization: string | null | undefined): Promise<WindowRow> => {
    if (!authorization) throw new InboxError('auth.missingToken', 'Authorization: Bearer <window token> is required');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new InboxError('auth.invalidToken', 'Authorization must be "Bearer <token>"');
    const window = await db.windowByTokenHash(hashToken(match[1] as string));
    if (!window) throw new InboxError('auth.invalidToken', 'unknown or revoked window token');
    return window;
  };

  const packets = new PacketService({ db, storage, now, referencePrefix: options.referencePrefix ?? 'TB', warn });
  const notifier = new ChangeNotifier(db);
  // Known once listening (port 0 picks one); no request is served before that.
  let origin = configuredUrl ?? '';
  const tus = createTusServer({
    db,
    storage,
    authenticate,
    now,
    uploadExpiryMs,
    maxFileBytes: options.maxFileBytes ?? 8 * 1024 ** 3,
    maxOpenUploads: options.maxOpenUploadsPerWindow ?? 16,
    origin: () => origin,
    warn,
    locker,
  });

  let closing = false;
  const auth = (request: FastifyRequest) => authenticate(request.headers.authorization);

  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    sendError(
      new InboxError('route.notFound', `no route ${request.method} ${request.url.split('?')[0]}`),
      request,
      reply,
    );
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
  });

  app.get(HEALTH_PATH, async () => ({ ok: true, protocol: PROTOCOL_VERSION }));

  app.get(WHOAMI_PATH, async (request) => {
    const window = await auth(request);
    return { windowId: window.window_id, scheme: window.scheme, keyId: window.key_id };
  });

  app.put('/v1/packets/:packetId/versions/:version', async (request) => {
    const window = await auth(request);
    return packets.register(window, parsePacketKey(request.params), request.body, `${origin}${FILES_PATH}`);
  });

  app.get('/v1/packets/:packetId/versions/:version', async (request) => {
    const window = await auth(request);
    return packets.status(window, parsePacketKey(request.params), `${origin}${FILES_PATH}`);
  });

  app.post('/v1/packets/:packetId/versions/:version/commit', async (request) => {
    const window = await auth(request);
    return packets.commit(window, parsePacketKey(request.params), request.body);
  });

  app.post(RATINGS_PATH, async (request) => {
    const window = await auth(request);
    return receiveRating(db, window, request.body, now);
  });

  app.get(CHANGES_PATH, async (request, reply): Promise<ChangesAnswer> => {
    const window = await auth(request);
    const query = ChangesQuery.safeParse(request.query);
    if (!query.success) throw invalid(query.error.issues);
    const { after, wait, limit } = query.data;
    let rows = await db.changesFor(window.window_id, after, limit + 1);
    if (rows.length === 0 && wait > 0) {
      // Long poll: answer as soon as a change for this window lands, or empty at the deadline.
      const gone = new AbortController();
      const onClose = () => gone.abort();
      reply.raw.once('close', onClose);
      const deadline = Date.now() + wait * 1000;
      try {
        while (rows.length === 0 && !gone.signal.aborted && !closing) {
          const remaining = deadline - Date.now();
          if (remaining <= 0) break;
          await notifier.wait(window.window_id, remaining, gone.signal);
          if (closing) break;
          rows = await db.changesFor(window.window_id, after, limit + 1);
        }
      } finally {
        reply.raw.off('close', onClose);
      }
    }
    const more = rows.length > limit;
    const changes = rows.slice(0, limit).map(changeToWire);
    return { changes, cursor: changes.at(-1)?.cursor ?? after, more };
  });

  // tus: leave the body stream untouched for @tus/server and let it answer directly.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const handle = (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method === 'GET') {
        throw new InboxError('route.methodNotAllowed', 'uploads cannot be read back over the protocol');
      }
      reply.hijack();
      tus.handle(request.raw, reply.raw).catch((error: unknown) => {
        request.log.error({ err: error }, 'tus handler failed');
        if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify({ error: { code: 'internal', message: 'upload handler failed' } }));
      });
    };
    scope.all(TUS_PATH, handle);
    scope.all(`${TUS_PATH}/*`, handle);
  });

  const approverPage = await registerApproverPage(app, {
    db,
    storage,
    now,
    // Behind TLS (the public URL says https): the session cookie never goes over plain http.
    secureCookies: configuredUrl?.startsWith('https:') ?? false,
  });

  // 视频会商: calls left open by a previous run are ended (their mailboxes are gone).
  const calls = new CallService(db, now, { warn, sharedDatabase: options.postgres !== undefined, ...options.calls });
  await calls.start();
  registerWindowCallRoutes(app, calls, authenticate);
  registerCallConsole(app, { db, calls, approverPage });

  // The public 办理进度查询 page: the receipts' QR codes and typed 查询号 land here.
  await registerTrackPage(app, { db, now, throttle: options.trackThrottle });

  const sweepExpired = async () => {
    try {
      return await sweepExpiredUploads(db, storage, now());
    } catch (error) {
      app.log.warn({ err: error }, 'sweeping expired uploads failed; will try again');
      return 0;
    }
  };
  const sweepTimer = setInterval(() => void sweepExpired(), Math.min(Math.max(uploadExpiryMs / 2, 1000), 600_000));
  sweepTimer.unref();

  try {
    await app.listen({ port: options.port ?? 0, host: listenHost });
  } catch (error) {
    clearInterval(sweepTimer);
    calls.close();
    notifier.close();
    await app.close();
    await locker?.close();
    await db.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const url = `http://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${port}`;
  origin = configuredUrl ?? url;

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    db,
    storage,
    app,
    approverSessions: approverPage.sessions,
    calls,
    sweepExpired,
    close() {
      closed ??= (async () => {
        closing = true;
        clearInterval(sweepTimer);
        notifier.close(); // long polls answer now instead of holding the close
        calls.close();
        // In-flight requests get a moment to finish; then every connection goes, so a
        // keep-alive socket that turns idle after close began cannot hold it for 72 s.
        const force = setTimeout(() => app.server.closeAllConnections(), 2000);
        try {
          await app.close();
        } finally {
          clearTimeout(force);
        }
        await locker?.close();
        await db.close();
      })();
      return closed;
    },
  };

  function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const mapped = toInboxError(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    const retryAfter = mapped.extra?.retryAfter;
    if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    const body = mapped.toBody();
    delete body.error.retryAfter;
    void reply.status(mapped.status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}

/** Whether a listen address is reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\./.test(h);
}

/** The public URL without a trailing slash; only http: or https:, nothing after the path. */
function parsePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InboxError('config.invalid', `the public URL ${JSON.stringify(value)} is not a URL`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username) {
    throw new InboxError(
      'config.invalid',
      `the public URL must be http:// or https:// with at most a path, got ${JSON.stringify(value)}`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** Maps anything thrown in a route to a protocol error. */
function toInboxError(error: unknown): InboxError {
  if (error instanceof InboxError) return error;
  const transient = transientCode(error);
  if (transient) {
    return new InboxError(transient.code, transient.message, { retryAfter: transient.retryAfter });
  }
  const fastify = error as { code?: string; statusCode?: number; message?: string };
  switch (fastify.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new InboxError('request.malformedJson', 'body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new InboxError('request.unsupportedMediaType', 'send JSON with Content-Type: application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new InboxError('request.tooLarge', 'body is larger than this inbox accepts');
  }
  if (error instanceof SyntaxError || fastify.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return new InboxError('request.malformedJson', 'body is not valid JSON');
  }
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return new InboxError('request.invalid', fastify.message ?? 'bad request');
  }
  return new InboxError('internal', 'internal error; the department has logged it', undefined, { cause: error });
}

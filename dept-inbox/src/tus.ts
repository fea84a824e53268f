// File uploads over tus (@tus/server) with the checks the stock stores do not make:
// only enrolled windows, only files a window's manifest lists at the listed size, each
// upload reachable only by the window that created it, at most so many unfinished
// uploads per window (429 past that), expiry answered 410 so the client restarts, and — when the last byte lands — the stored bytes hashed and a
// mismatch refused (tus 460) and deleted.
import type { ServerResponse } from 'node:http';
import { MemoryLocker, Server, type Upload } from '@tus/server';
import type { Locker } from '@tus/utils';
import { PacketId, Sha256Hex, UPLOAD_METADATA } from '../../src-main/common/sync-protocol.ts';
import type { InboxDb, UploadRow, WindowRow } from './db.ts';
import { InboxError, transientCode } from './errors.ts';
import { STORED_BYTES_ALTERED } from './sealed-file-store.ts';
import type { InboxStorage } from './storage.ts';

export const TUS_PATH = '/v1/files';

export interface TusOptions {
  db: InboxDb;
  storage: InboxStorage;
  authenticate: (authorization: string | null | undefined) => Promise<WindowRow>;
  now: () => number;
  uploadExpiryMs: number;
  maxFileBytes: number;
  /** Unfinished, unexpired uploads one window may hold at once. */
  maxOpenUploads: number;
  /** Where windows reach the inbox (public URL or loopback listen address); upload URLs start with it. */
  origin: () => string;
  warn: (message: string, fields?: Record<string, unknown>) => void;
  /**
   * Holds an upload while a request writes to it. In memory by default; inbox processes
   * sharing one database need one across them (store/postgres-locker.ts).
   */
  locker?: Locker | undefined;
}

/** What the tus server sends for a thrown object. */
interface TusFailure {
  status_code: number;
  body: string;
  /** Seconds for a Retry-After header (transient failures). */
  retryAfter?: number;
}

export function createTusServer(options: TusOptions): Server {
  const { db, storage, authenticate, now } = options;

  /** Records a fully written upload: hashes it, keeps it or refuses and deletes it. */
  async function settle(row: UploadRow): Promise<void> {
    // Remembered while the file stays as it is: the commit then need not read it again.
    const actual = await storage.digestAndRemember(row.upload_id).catch((error: unknown) => {
      // Stored encrypted and failing authentication: refused as a mismatch is.
      if ((error as { code?: string }).code === STORED_BYTES_ALTERED) return { sha256: '', size: -1 };
      throw error;
    });
    if (actual.sha256 !== row.sha256 || actual.size !== row.size) {
      await storage.discard(row.upload_id);
      await db.setUploadState(row.upload_id, 'open', 'refused');
      options.warn('upload refused: stored bytes do not hash to the declared sha256', {
        uploadId: row.upload_id,
        declared: row.sha256,
      });
      throw new InboxError(
        'upload.hashMismatch',
        `the uploaded bytes hash to ${actual.sha256} (${actual.size} bytes), not the declared ${row.sha256}; ` +
          'the upload was deleted — send the file again from an intact copy',
      );
    }
    await db.write(
      async () => {
        const fresh = await db.insertFileIfAbsent({
          sha256: row.sha256,
          size: row.size,
          path: row.upload_id,
          received_at: now(),
        });
        // A duplicate keeps its bytes so its URL still answers HEAD as complete.
        await db.setUploadState(row.upload_id, 'open', fresh ? 'complete' : 'duplicate');
        await db.insertWindowFile(row.window_id, row.sha256, now());
      },
      // Lost to a power cut, the commit finds the file missing and the window sends it again;
      // the commit's own durable write carries this one to disk before any `delivered`.
      { durable: false },
    );
  }

  /** The upload row behind an id, if this window may touch it and it is not gone. */
  async function reachable(window: WindowRow, uploadId: string): Promise<UploadRow> {
    const row = await db.upload(uploadId);
    if (!row) throw new InboxError('upload.notFound', 'no such upload');
    if (row.window_id !== window.window_id)
      throw new InboxError('auth.windowMismatch', 'this upload belongs to another window');
    if (row.state === 'refused')
      throw new InboxError('upload.refused', 'this upload was refused (hash mismatch); start a new one');
    if (row.state === 'expired' || (row.state === 'open' && now() >= row.expires_at)) {
      throw new InboxError('upload.expired', 'this upload expired; start a new one');
    }
    return row;
  }

  return new Server({
    path: TUS_PATH,
    datastore: storage.datastore,
    locker: options.locker ?? new MemoryLocker(),
    maxSize: options.maxFileBytes,
    disableTerminationForFinishedUploads: true,
    // Windows are programs, not web pages: no CORS header at all.
    allowedOrigins: [],
    // Never from the request's Host (or X-Forwarded-*) header: a forged one would send the
    // window's token and file to whoever it names.
    generateUrl: (_req, { path, id }) => `${options.origin()}${path}/${encodeURIComponent(id)}`,

    onIncomingRequest: guard(async (req, uploadId) => {
      const window = await authenticate(req.headers.get('authorization'));
      if (req.method === 'POST') return; // creation: checked in onUploadCreate
      const row = await reachable(window, uploadId);
      // A HEAD on a complete upload that was never settled (the server stopped while
      // hashing): settle it now, so the client's "already done" is true here too.
      if (req.method === 'HEAD' && row.state === 'open') {
        const stored = await storage.datastore.getUpload(uploadId).catch(() => undefined);
        if (stored && stored.size !== undefined && stored.offset === stored.size) await settle(row);
      }
    }),

    onUploadCreate: guard(async (req, upload: Upload) => {
      const window = await authenticate(req.headers.get('authorization'));
      const sha256 = Sha256Hex.safeParse(upload.metadata?.[UPLOAD_METADATA.sha256]);
      const packetId = PacketId.safeParse(upload.metadata?.[UPLOAD_METADATA.packetId]);
      if (!sha256.success || !packetId.success) {
        throw new InboxError('upload.invalid', 'Upload-Metadata must carry sha256 (64 hex) and packetId (UUIDv7)');
      }
      if (upload.size === undefined)
        throw new InboxError('upload.lengthRequired', 'Upload-Length is required (no deferred length)');
      const listed = await db.listedSize(window.window_id, packetId.data, sha256.data);
      if (listed === undefined) {
        throw new InboxError(
          'upload.notInManifest',
          'no packet of this window with that packetId lists this sha256; PUT the manifest first',
        );
      }
      if (listed !== upload.size) {
        throw new InboxError(
          'upload.sizeMismatch',
          `Upload-Length ${upload.size} differs from the manifest's size ${listed}`,
        );
      }
      const at = now();
      // Each open upload holds a file (or a multipart upload) until it finishes or expires.
      const room = await db.insertUploadIfRoom(
        {
          upload_id: upload.id,
          window_id: window.window_id,
          packet_id: packetId.data,
          sha256: sha256.data,
          size: upload.size,
          created_at: at,
          expires_at: at + options.uploadExpiryMs,
          state: 'open',
        },
        options.maxOpenUploads,
      );
      if (!room) {
        throw new InboxError(
          'upload.tooManyOpen',
          `this window already has ${options.maxOpenUploads} unfinished uploads; finish them or retry later ` +
            '(an unfinished upload stops counting when it expires)',
          { retryAfter: 60 },
        );
      }
      return { metadata: upload.metadata };
    }),

    onUploadFinish: guard(async (_req, upload: Upload) => {
      const row = await db.upload(upload.id);
      if (row?.state === 'open') await settle(row);
      return {};
    }),

    onResponseError: (req, error) => {
      // Ours already, or a transient error from under the data store (a full disk while
      // writing bytes or creating an upload): that is `storage.full`, not `internal`.
      const failure = toTusFailure(error) as Partial<TusFailure> & Error;
      if (typeof failure.retryAfter === 'number') {
        // The tus server keeps its own headers; Node merges this one into them.
        (req as { runtime?: { node?: { res?: ServerResponse } } }).runtime?.node?.res?.setHeader(
          'retry-after',
          String(failure.retryAfter),
        );
      }
      if (typeof failure.body === 'string' && failure.body.startsWith('{')) {
        if (failure.status_code === 503)
          options.warn('tus request answered 503; the window retries', { body: failure.body });
        return { status_code: failure.status_code ?? 500, body: failure.body };
      }
      const status = typeof failure.status_code === 'number' ? failure.status_code : 500;
      const code = TUS_STATUS_CODES[status] ?? (status >= 500 ? 'internal' : 'upload.invalid');
      const message = (typeof failure.body === 'string' ? failure.body : (failure.message ?? 'error')).trim();
      if (status >= 500) options.warn('tus request failed', { status, message });
      return { status_code: status, body: JSON.stringify({ error: { code, message } }) };
    },
  });
}

const TUS_STATUS_CODES: Record<number, string> = {
  404: 'upload.notFound',
  409: 'upload.offsetConflict',
  410: 'upload.expired',
  413: 'upload.tooLarge',
};

/** tus expects thrown `{ status_code, body }`: turn our errors (and transient ones) into that. */
function guard<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (error) {
      throw toTusFailure(error);
    }
  };
}

function toTusFailure(error: unknown): TusFailure | unknown {
  if (error instanceof InboxError) {
    const body = error.toBody();
    const retryAfter = body.error.retryAfter;
    delete body.error.retryAfter; // a header, not a field
    return {
      status_code: error.status,
      body: JSON.stringify(body),
      ...(typeof retryAfter === 'number' ? { retryAfter } : {}),
    };
  }
  const transient = transientCode(error);
  if (transient) {
    return {
      status_code: 503,
      body: JSON.stringify({ error: { code: transient.code, message: transient.message } }),
      retryAfter: transient.retryAfter,
    };
  }
  return error;
}

/** Removes uploads that expired unfinished; the rows stay so their URLs answer 410. */
export async function sweepExpiredUploads(db: InboxDb, storage: InboxStorage, now: number): Promise<number> {
  // One inbox process at a time: the others skip this round.
  const swept = await db.exclusively('uploadSweep', async () => {
    let count = 0;
    for (const row of await db.expiredOpenUploads(now)) {
      await storage.discard(row.upload_id);
      await db.setUploadState(row.upload_id, 'open', 'expired');
      count += 1;
    }
    return count;
  });
  return swept ?? 0;
}

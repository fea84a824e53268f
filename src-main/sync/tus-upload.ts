// One file to the department over tus (tus-js-client), read range by range from the
// encrypted blob store — each chunk decrypted and authenticated as it is read, never
// the whole file in memory and never a one-shot stream that cannot be re-read after a
// cut. The upload URL is handed to the caller synchronously as soon as the server
// creates it, before the first PATCH byte, so the caller can store it and a restarted
// app resumes instead of starting over. An upload that streams from the first byte
// hashes the file on the way and stops before its last piece if the whole does not
// match: no separate verification pass before the first byte.
import { createHash, type Hash } from 'node:crypto';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type * as Tus from 'tus-js-client';
import type { DetailedError, UploadOptions } from 'tus-js-client';
import { AppError, isAppError } from '../common/errors.ts';
import type { BlobStore } from '../store/blob-store.ts';
import { parseRetryAfter } from './backoff.ts';
import { NodeTusStack, type StreamedBody } from './tus-http.ts';
import { DepartmentError, Halt, StepAborted } from './failures.ts';
import { ErrorBody, UPLOAD_METADATA } from '../common/sync-protocol.ts';

export interface TusUploadInput {
  blobs: BlobStore;
  sha256: string;
  size: number;
  packetId: string;
  /** tus creation URL (the PUT answer's uploadEndpoint). */
  endpoint: string;
  /** A stored upload URL to resume, or null to create a new upload. */
  uploadUrl: string | null;
  token: string;
  chunkSize: number;
  /** Refuses (throws) an upload URL the token must not go to; called before it is stored or used. */
  checkUrl(url: string): void;
  /** Must store the URL before returning; a throw here stops the upload before any byte. */
  onUrl(url: string): void;
  /** Bytes the server has confirmed (after each PATCH). */
  onChunk(bytesAccepted: number): void;
  onProgress(bytesSent: number): void;
  /** Bytes handed to the transport, counted per chunk read (re-sent bytes count again). */
  onRead?(bytes: number): void;
  /**
   * Hash the blob as it is sent and refuse (store.blobCorrupt) before its last piece when
   * it does not match its id. Only possible when this upload sends every byte, in order;
   * a resumed upload relies on the pieces' authentication and the department's hash.
   */
  hashWhileSending?: boolean;
  signal: AbortSignal;
  /** Abort when no byte moves for this long. */
  stallMs: number;
  now: () => number;
  /** The core's connection pool for the endpoint's scheme. */
  agent: HttpAgent | HttpsAgent;
}

let tus: Promise<typeof Tus> | undefined;

/**
 * tus-js-client loads with the first upload, not at start: a core with nothing to send
 * (no seal since it started, the queue delivered) need not hold it.
 */
function loadTus(): Promise<typeof Tus> {
  tus ??= import('tus-js-client').catch((error: unknown) => {
    tus = undefined;
    throw error;
  });
  return tus;
}

/**
 * Resolves when the server has every byte and has checked the SHA-256 (the inbox hashes
 * on the last PATCH and answers 460 on a mismatch). Rejects with a DepartmentError (the
 * wire), an AppError (the local blob), a store error (the URL could not be stored), or
 * StepAborted (the signal).
 */
export async function tusUpload(input: TusUploadInput): Promise<void> {
  const { Upload } = await loadTus();
  return new Promise<void>((resolve, reject) => {
    if (input.signal.aborted) {
      reject(new StepAborted('upload not started: stopping'));
      return;
    }
    let settled = false;
    let stall: NodeJS.Timeout | undefined;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(stall);
      reader.release();
      input.signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const abortWith = (error: unknown) => {
      if (settled) return;
      void upload.abort(false).catch(() => undefined);
      finish(error);
    };
    const watch = () => {
      // Real time on purpose: a stalled socket is a property of the network, not of the schedule.
      clearTimeout(stall);
      stall = setTimeout(
        () => abortWith(new DepartmentError('timeout', `upload stalled: no progress for ${input.stallMs} ms`)),
        input.stallMs,
      );
      stall.unref();
    };
    const onAbort = () => abortWith(new StepAborted('upload stopped'));
    const reader = blobReader(input, (error) => abortWith(error));

    const options: UploadOptions = {
      // Resuming: no endpoint, so a gone upload (404/410 on HEAD) is reported instead of
      // silently replaced — the caller records it and starts the file again.
      endpoint: input.uploadUrl ? null : input.endpoint,
      uploadUrl: input.uploadUrl,
      uploadSize: input.size,
      chunkSize: input.chunkSize,
      metadata: { [UPLOAD_METADATA.sha256]: input.sha256, [UPLOAD_METADATA.packetId]: input.packetId },
      headers: { Authorization: `Bearer ${input.token}` },
      // The outbox owns retries (backoff, Retry-After, leases); the library makes one try.
      retryDelays: null,
      uploadDataDuringCreation: false,
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: false,
      fingerprint: async () => null as unknown as string,
      fileReader: reader.fileReader,
      httpStack: new NodeTusStack(input.agent),
      onUploadUrlAvailable: () => {
        // Synchronous by design: tus-js-client sends the first PATCH only after this returns,
        // and a throw here ends the upload with that error before any byte or token goes out.
        input.checkUrl(upload.url as string);
        input.onUrl(upload.url as string);
        watch();
      },
      onProgress: (bytesSent) => {
        watch();
        input.onProgress(bytesSent);
      },
      onChunkComplete: (_chunk, bytesAccepted) => {
        watch();
        input.onChunk(bytesAccepted);
      },
      onSuccess: () => finish(),
      onError: (error) => finish(toFailure(error, input.now())),
    };
    const upload = new Upload({ sha256: input.sha256 } as unknown as Buffer, options);
    input.signal.addEventListener('abort', onAbort, { once: true });
    watch();
    upload.start();
  });
}

/**
 * tus-js-client's file reader over the blob store. Each slice is the decrypted,
 * authenticated 64 KiB pieces of its range, read as the request sends them, with its
 * length for Content-Length: a PATCH starts sending at once and memory stays small
 * whatever the chunk size. With `hashWhileSending`, the pieces are hashed in order as
 * they go and the last one is held back when the whole does not match the blob's id
 * (another valid blob of the store in its place passes the pieces' authentication). Each piece goes back to the blob store once the socket has
 * taken it (see tus-http.ts), so a large file leaves no garbage behind. A piece that
 * fails to read (a blob damaged under way) ends the upload with that error.
 */
function blobReader(
  input: TusUploadInput,
  onReadFailure: (error: unknown) => void,
): { fileReader: NonNullable<UploadOptions['fileReader']>; release(): void } {
  let whole: Hash | undefined = input.hashWhileSending && input.size > 0 ? createHash('sha256') : undefined;
  let hashedTo = 0;
  async function* pieces(start: number, end: number): AsyncGenerator<Buffer> {
    try {
      // A range that does not continue the hashed bytes (resumed after a HEAD): no whole hash.
      if (start !== hashedTo) whole = undefined;
      let at = start;
      for await (const piece of input.blobs.openRange(input.sha256, start, end)) {
        at += piece.length;
        if (whole) {
          whole.update(piece);
          hashedTo = at;
          const wrong = at === input.size && whole.digest('hex') !== input.sha256;
          if (at === input.size) whole = undefined;
          if (wrong) {
            throw new AppError(
              'store.blobCorrupt',
              'blob is damaged: content does not match its id (found while sending)',
              { sha256: input.sha256.slice(0, 12) },
            );
          }
        }
        input.onRead?.(piece.length);
        yield piece;
      }
    } catch (error) {
      onReadFailure(error);
      throw error;
    }
  }
  // The range on the wire. A cut leaves it half-read, holding the blob file open; ending
  // the generator closes the file.
  let current: AsyncGenerator<Buffer> | undefined;
  const release = () => {
    void current?.return(undefined).catch(() => undefined);
    current = undefined;
  };
  return {
    release,
    fileReader: {
      async openFile() {
        return {
          size: input.size,
          async slice(start: number, end: number) {
            release();
            const stop = Math.max(start, Math.min(end, input.size));
            const done = stop >= input.size;
            if (stop === start) return { value: Object.assign(Buffer.alloc(0), { size: 0 }), done };
            current = pieces(start, stop);
            const body: StreamedBody = {
              size: stop - start,
              pieces: current,
              written: (piece) => input.blobs.release(piece),
            };
            return { value: body, done };
          },
          close: release,
        };
      },
    },
  };
}

function toFailure(error: Error | DetailedError, now: number): unknown {
  const detailed = error as Partial<DetailedError>;
  const response = detailed.originalResponse ?? null;
  if (response) {
    const status = response.getStatus();
    const retryAfterMs = parseRetryAfter(response.getHeader('Retry-After') ?? response.getHeader('retry-after'), now);
    let code: string | undefined;
    try {
      const body = ErrorBody.safeParse(JSON.parse(response.getBody()));
      if (body.success) code = body.data.error.code;
    } catch {
      code = undefined; // HEAD answers have no body; a proxy may send HTML
    }
    if (status >= 200 && status < 300) {
      return new DepartmentError('garbage', `tus: unexpected answer ${status}`, { status, retryAfterMs });
    }
    return new DepartmentError(
      'http',
      `tus ${detailed.originalRequest?.getMethod() ?? ''}: ${status}${code ? ` ${code}` : ''}`,
      {
        status,
        code,
        retryAfterMs,
      },
    );
  }
  const cause = detailed.causingError ?? error;
  // Our own failures surface here too: a damaged blob read, or the URL that could not be stored.
  if (isAppError(cause) || cause instanceof Halt) return cause;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new DepartmentError('network', `tus: ${typeof code === 'string' ? `${code} ` : ''}${message}`);
}

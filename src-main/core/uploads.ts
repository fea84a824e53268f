// Chunked uploads (`uploads.*`): a file larger than one message arrives in chunks and
// is streamed, as it arrives, into the encrypted blob store's temp file — so the core
// holds about one chunk per upload whatever the size, and no plaintext touches the
// disk. The blob is committed only when a taker (drafts.addFile) accepts the upload,
// so a refused or abandoned upload leaves nothing behind: its temp file is removed on
// abort, on refusal, when its connection closes, and after it lies idle too long.
import { randomUUID } from 'node:crypto';
import type { MethodInput } from '../api/contract/index.ts';
import { UPLOAD_CHUNK_BYTES, type UploadLimits, type UploadPurpose } from '../api/contract/uploads.ts';
import { formatByteSize } from '../common/byte-size.ts';
import { AppError } from '../common/errors.ts';
import type { BlobStore, PutResult } from '../store/blob-store.ts';

/** Enough of a file's start for type sniffing (file-type reads at most this much). */
export const SNIFF_BYTES = 4100;
/** Uploads open at once on one connection: each holds a temp file and up to a chunk. */
const MAX_OPEN_PER_CONNECTION = 4;

export interface UploadOptions {
  blobs: BlobStore;
  limits: Record<UploadPurpose, { maxBytes: number }>;
  /** An upload without a chunk for this long is dropped with its temp file. */
  idleMs?: number;
}

/** A finished upload handed to its taker, which checks it, then stores or discards it. */
export interface ReceivedFile {
  /** The draft the upload was begun for. */
  draftId: string;
  name: string;
  size: number;
  /** The first bytes (up to SNIFF_BYTES), for sniffing the type before anything is stored. */
  head: Uint8Array;
  /** Commits the blob (its SHA-256 computed while it arrived). */
  store(): Promise<PutResult>;
  /** Removes the temp file; a no-op once stored. */
  discard(): void;
}

type BeginInput = MethodInput<'uploads.begin'>;

export class Uploads {
  readonly #blobs: BlobStore;
  readonly #limits: UploadOptions['limits'];
  readonly #idleMs: number;
  readonly #open = new Set<Upload>();

  constructor(options: UploadOptions) {
    this.#blobs = options.blobs;
    this.#limits = options.limits;
    this.#idleMs = options.idleMs ?? 15 * 60_000;
  }

  limits(purpose: UploadPurpose): UploadLimits {
    return { maxBytes: this.#limits[purpose].maxBytes, chunkBytes: UPLOAD_CHUNK_BYTES };
  }

  /** The uploads of one connection; `close` drops them with the connection. */
  forConnection(): ConnectionUploads {
    return new ConnectionUploads(this);
  }

  /** Drops every open upload (the core is closing). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#open].map((upload) => upload.drop()));
  }

  /**
   * Material uploads for this draft still receiving or handed over but not stored yet: a
   * seal waits for none. A recording's segments never hold a seal back.
   */
  inProgressFor(draftId: string): number {
    let count = 0;
    for (const upload of this.#open) if (upload.draftId === draftId && upload.purpose === 'material') count++;
    return count;
  }

  /** @internal */
  start(userId: number, input: BeginInput, onGone: (u: Upload) => void): Upload {
    const { purpose, name, size } = input;
    const { maxBytes } = this.#limits[purpose];
    if (size > maxBytes) {
      throw new AppError('upload.tooLarge', `file of ${size} bytes is over the ${purpose} limit of ${maxBytes}`, {
        name,
        size: formatByteSize(size),
        limit: formatByteSize(maxBytes),
      });
    }
    const upload = new Upload(this.#blobs, userId, input, this.#idleMs, (gone) => {
      this.#open.delete(gone);
      onGone(gone);
    });
    this.#open.add(upload);
    return upload;
  }
}

export class ConnectionUploads {
  readonly #uploads = new Map<string, Upload>();

  constructor(private readonly registry: Uploads) {}

  begin(userId: number, input: BeginInput): UploadLimits & { uploadId: string } {
    if (this.#uploads.size >= MAX_OPEN_PER_CONNECTION) {
      throw new AppError('upload.tooMany', `${this.#uploads.size} uploads are open on this connection`);
    }
    const upload = this.registry.start(userId, input, (gone) => this.#uploads.delete(gone.id));
    this.#uploads.set(upload.id, upload);
    return { uploadId: upload.id, ...this.registry.limits(input.purpose) };
  }

  chunk(
    userId: number,
    uploadId: string,
    offset: number,
    bytes: Uint8Array,
  ): Promise<{ received: number; complete: boolean }> {
    return this.#find(userId, uploadId).chunk(offset, bytes);
  }

  async abort(userId: number, uploadId: string): Promise<void> {
    await this.#find(userId, uploadId).drop();
  }

  /** The purpose of an upload of this connection, or undefined for none (ended, unknown). */
  purposeOf(uploadId: string): UploadPurpose | undefined {
    return this.#uploads.get(uploadId)?.purpose;
  }

  /** Hands a finished upload to its taker; it is no longer this connection's either way. */
  take(userId: number, uploadId: string, purpose: UploadPurpose): ReceivedFile {
    const upload = this.#find(userId, uploadId);
    if (upload.purpose !== purpose) {
      throw new AppError('request.invalidInput', `upload is for ${upload.purpose}, not ${purpose}`, {
        fields: 'uploadId',
      });
    }
    return upload.take();
  }

  /** The connection closed: its uploads and their temp files go. */
  async close(): Promise<void> {
    await Promise.all([...this.#uploads.values()].map((upload) => upload.drop()));
  }

  #find(userId: number, uploadId: string): Upload {
    const upload = this.#uploads.get(uploadId);
    // Another user's upload on this connection (after a sign-out) is as unknown as another connection's.
    if (!upload || upload.userId !== userId) throw new AppError('upload.notFound', `no upload ${uploadId} here`);
    return upload;
  }
}

class Upload {
  readonly id = randomUUID();
  readonly #pipe = new ChunkPipe();
  readonly #stored: Promise<PutResult>;
  readonly #head: Buffer;
  #headFill = 0;
  #received = 0;
  /** Chunks are applied one after another even when a client sends the next before the answer. */
  #queue: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #state: 'receiving' | 'taken' | 'gone' = 'receiving';

  readonly purpose: UploadPurpose;
  readonly draftId: string;
  readonly name: string;
  readonly size: number;

  constructor(
    blobs: BlobStore,
    readonly userId: number,
    input: BeginInput,
    private readonly idleMs: number,
    private readonly onGone: (upload: Upload) => void,
  ) {
    this.purpose = input.purpose;
    this.draftId = input.draftId;
    this.name = input.name;
    this.size = input.size;
    this.#head = Buffer.alloc(Math.min(input.size, SNIFF_BYTES));
    this.#stored = blobs.put(this.#pipe);
    // A failed write (disk full) fails the chunk waiting on it; nothing else awaits this yet.
    this.#stored.catch((error: unknown) => this.#pipe.fail(error));
    this.#armTimer();
  }

  chunk(offset: number, bytes: Uint8Array): Promise<{ received: number; complete: boolean }> {
    const run = this.#queue.then(() => this.#apply(offset, bytes));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #apply(offset: number, bytes: Uint8Array): Promise<{ received: number; complete: boolean }> {
    if (this.#state !== 'receiving') throw new AppError('upload.notFound', `upload ${this.id} is ${this.#state}`);
    if (offset > this.#received) {
      throw new AppError('upload.wrongOffset', `chunk at ${offset}, but ${this.#received} bytes are held`, {
        expected: this.#received,
      });
    }
    // Only what lies past what is held is new: a repeated chunk adds nothing.
    const fresh = bytes.subarray(Math.min(bytes.byteLength, this.#received - offset));
    if (this.#received + fresh.byteLength > this.size) {
      throw new AppError('upload.wrongOffset', `chunk ends past the stated size ${this.size}`, {
        expected: this.#received,
      });
    }
    if (fresh.byteLength > 0) {
      if (this.#headFill < this.#head.length) {
        const n = Math.min(this.#head.length - this.#headFill, fresh.byteLength);
        this.#head.set(fresh.subarray(0, n), this.#headFill);
        this.#headFill += n;
      }
      this.#armTimer();
      try {
        // Resolves once the blob store has encrypted and written it: one chunk in memory at a time.
        await this.#pipe.push(fresh);
      } catch (error) {
        await this.drop();
        throw error;
      }
      this.#received += fresh.byteLength;
    }
    return { received: this.#received, complete: this.#received === this.size };
  }

  take(): ReceivedFile {
    if (this.#state !== 'receiving') throw new AppError('upload.notFound', `upload ${this.id} is ${this.#state}`);
    if (this.#received !== this.size) {
      throw new AppError('upload.incomplete', `${this.#received} of ${this.size} bytes received`);
    }
    this.#state = 'taken';
    this.#forget();
    let stored = false;
    return {
      draftId: this.draftId,
      name: this.name,
      size: this.size,
      head: this.#head,
      store: async () => {
        stored = true;
        this.#pipe.end();
        return this.#stored;
      },
      discard: () => {
        if (!stored) void this.#abortWrite();
      },
    };
  }

  /** Ends the upload and removes its temp file. */
  async drop(): Promise<void> {
    if (this.#state === 'gone') return;
    this.#state = 'gone';
    this.#forget();
    await this.#abortWrite();
  }

  async #abortWrite(): Promise<void> {
    this.#pipe.fail(new AppError('upload.notFound', `upload ${this.id} was dropped`));
    // put removes its temp file before it settles.
    await this.#stored.catch(() => undefined);
  }

  #forget(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.onGone(this);
  }

  #armTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.drop(), this.idleMs);
    // An abandoned upload must not keep the process alive.
    this.#timer.unref?.();
  }
}

interface PipeItem {
  bytes: Uint8Array;
  taken: () => void;
  failed: (error: unknown) => void;
}

/**
 * A one-slot hand-over from chunk calls to the blob store's writer: `push` resolves
 * when the writer comes back for more, i.e. once it has written the chunk.
 */
class ChunkPipe implements AsyncIterable<Uint8Array> {
  #next: PipeItem | null = null;
  #current: PipeItem | null = null;
  #wake: (() => void) | null = null;
  #ended = false;
  #error: { error: unknown } | null = null;

  push(bytes: Uint8Array): Promise<void> {
    if (this.#error) return Promise.reject(this.#error.error);
    return new Promise<void>((taken, failed) => {
      this.#next = { bytes, taken, failed };
      this.#signal();
    });
  }

  end(): void {
    this.#ended = true;
    this.#signal();
  }

  fail(error: unknown): void {
    if (this.#error) return;
    this.#error = { error };
    for (const item of [this.#current, this.#next]) item?.failed(error);
    this.#current = this.#next = null;
    this.#signal();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      while (!this.#next && !this.#ended && !this.#error) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
      if (this.#error) throw this.#error.error;
      const item = this.#next;
      if (!item) return; // ended, everything written
      this.#next = null;
      this.#current = item;
      yield item.bytes;
      this.#current = null;
      item.taken();
    }
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}

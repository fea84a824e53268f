// Files larger than one message leave the core in chunks, the mirror of `uploads.*`:
// a method that makes such a file (recording.exportBundle) opens a download whose bytes
// are produced as they are asked for, and `downloads.chunk` hands them out in order —
// so the core holds about one chunk per download, and no plaintext is written to disk.
// A download belongs to the user who opened it; it ends when read to the end, and is
// dropped after lying idle (its producer closed, which closes any blob it was reading).
import { randomUUID } from 'node:crypto';
import { DOWNLOAD_CHUNK_BYTES } from '../api/contract/recording.ts';
import { AppError } from '../common/errors.ts';

interface Open {
  id: string;
  owner: number;
  producer: AsyncGenerator<Uint8Array, void, undefined>;
  /** Bytes handed out before the last chunk. */
  offset: number;
  /** The last chunk, answered again when it is asked for again (a repeat after a lost answer). */
  last: { offset: number; bytes: Uint8Array; done: boolean } | null;
  /** Bytes produced beyond the last chunk, waiting for the next. */
  pending: Uint8Array[];
  pendingBytes: number;
  timer: ReturnType<typeof setTimeout>;
  busy: boolean;
}

export class Downloads {
  readonly #open = new Map<string, Open>();

  constructor(
    private readonly idleMs = 10 * 60_000,
    private readonly chunkBytes = DOWNLOAD_CHUNK_BYTES,
  ) {}

  open(owner: number, producer: AsyncGenerator<Uint8Array, void, undefined>): string {
    const id = randomUUID();
    const download: Open = {
      id,
      owner,
      producer,
      offset: 0,
      last: null,
      pending: [],
      pendingBytes: 0,
      timer: setTimeout(() => void this.drop(id), this.idleMs),
      busy: false,
    };
    download.timer.unref();
    this.#open.set(id, download);
    return id;
  }

  /** The bytes from `offset` (what was handed out so far, or the last chunk again). */
  async chunk(owner: number, id: string, offset: number): Promise<{ bytes: Uint8Array; done: boolean }> {
    const download = this.#open.get(id);
    if (!download || download.owner !== owner)
      throw new AppError('download.unknown', `no download ${id} for this user`);
    if (download.last && offset === download.last.offset)
      return { bytes: download.last.bytes, done: download.last.done };
    const next = download.last ? download.last.offset + download.last.bytes.length : 0;
    if (offset !== next || download.busy) {
      throw new AppError('download.wrongOffset', `chunk at ${offset} asked, the download is at ${next}`);
    }
    download.busy = true;
    download.timer.refresh();
    try {
      let done = false;
      while (download.pendingBytes < this.chunkBytes) {
        const step = await download.producer.next();
        if (step.done) {
          done = true;
          break;
        }
        download.pending.push(step.value);
        download.pendingBytes += step.value.length;
      }
      const whole = concat(download.pending, download.pendingBytes);
      const bytes = whole.subarray(0, Math.min(this.chunkBytes, whole.length));
      const rest = whole.subarray(bytes.length);
      download.pending = rest.length > 0 ? [rest] : [];
      download.pendingBytes = rest.length;
      const finished = done && rest.length === 0;
      download.last = { offset, bytes, done: finished };
      return { bytes, done: finished };
    } catch (error) {
      await this.drop(id);
      throw error;
    } finally {
      download.busy = false;
    }
  }

  async drop(id: string): Promise<void> {
    const download = this.#open.get(id);
    if (!download) return;
    this.#open.delete(id);
    clearTimeout(download.timer);
    await download.producer.return(undefined).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#open.keys()].map((id) => this.drop(id)));
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const whole = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}

// Message envelopes shared by both transports. Electron IPC carries them as
// structured-clone objects; the browser host's WebSocket carries them as
// MessagePack frames, so binary payloads (Uint8Array) cross either way unchanged.
import { decode, encode } from '@msgpack/msgpack';
import { z } from 'zod';
import type { WireError } from '../common/errors.ts';

/** Largest message a transport accepts; binary-heavy methods stay under it. */
/**
 * WebSocket close code the browser host sends to a page whose token is not this
 * start's: the host restarted (new token) or the page was opened without one. A
 * browser cannot read the status of a refused upgrade, but it reads a close code, so
 * the page can tell "restarted, open me again" from "unreachable, keep trying".
 */
export const CLOSE_STALE_TOKEN = 4401;

export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/** The single Electron IPC channel names; the preload repeats them (it cannot import). */
export const IPC_CALL_CHANNEL = 'tongban:call';
export const IPC_EVENT_CHANNEL = 'tongban:event';

export const CallMessage = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(100),
  input: z.unknown(),
});
export type CallMessage = z.infer<typeof CallMessage>;

export type ResultMessage =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: WireError };

export interface EventMessage {
  type: 'event';
  name: string;
  payload: unknown;
}

export type ServerMessage = ResultMessage | EventMessage;

export function encodeMessage(message: CallMessage | ServerMessage): Uint8Array {
  return encode(message);
}

/** Decodes a MessagePack frame; throws on bytes that are not MessagePack. */
export function decodeMessage(bytes: Uint8Array): unknown {
  return decode(bytes);
}

/**
 * The id of a call in a frame that does not decode (a `__proto__` key, bytes after the
 * message …), read from the top-level map without decoding anything else, so the
 * refusal reaches the call waiting for it instead of going out under id 0. Undefined
 * when the frame is not a map or its `id` is not a non-negative safe integer.
 */
export function peekCallId(bytes: Uint8Array): number | undefined {
  const reader = new PackReader(bytes);
  try {
    const head = reader.byte();
    const entries =
      head >= 0x80 && head <= 0x8f ? head & 0x0f : head === 0xde ? reader.uint(2) : head === 0xdf ? reader.uint(4) : 0;
    for (let i = 0; i < entries; i++) {
      if (reader.string() === 'id') {
        const id = reader.number();
        return id !== undefined && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
      }
      reader.skip(1);
    }
  } catch {
    // Cut short, or a byte MessagePack never uses: there is no id to be had.
  }
  return undefined;
}

/** Bytes to skip after these MessagePack heads (float, ints, fixext with its type byte). */
const FIXED_SIZE: Record<number, number> = {
  0xca: 4,
  0xcb: 8,
  0xcc: 1,
  0xcd: 2,
  0xce: 4,
  0xcf: 8,
  0xd0: 1,
  0xd1: 2,
  0xd2: 4,
  0xd3: 8,
  0xd4: 2,
  0xd5: 3,
  0xd6: 5,
  0xd7: 9,
  0xd8: 17,
};
/** Width of the length that follows these heads: bin 8/16/32, ext 8/16/32 (then a type byte), str 8/16/32. */
const LENGTH_WIDTH: Record<number, number> = {
  0xc4: 1,
  0xc5: 2,
  0xc6: 4,
  0xc7: 1,
  0xc8: 2,
  0xc9: 4,
  0xd9: 1,
  0xda: 2,
  0xdb: 4,
};

/** Just enough of a MessagePack reader to walk a frame's top level; throws where the bytes end early. */
class PackReader {
  #at = 0;
  readonly #view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  byte(): number {
    return this.#view.getUint8(this.#take(1));
  }

  uint(width: 1 | 2 | 4 | 8): number {
    const at = this.#take(width);
    if (width === 1) return this.#view.getUint8(at);
    if (width === 2) return this.#view.getUint16(at);
    if (width === 4) return this.#view.getUint32(at);
    return Number(this.#view.getBigUint64(at));
  }

  /** A string value, or undefined (and skipped) when the value is something else. */
  string(): string | undefined {
    const head = this.#view.getUint8(this.#at);
    const width = head >= 0xa0 && head <= 0xbf ? 0 : head >= 0xd9 && head <= 0xdb ? LENGTH_WIDTH[head] : undefined;
    if (width === undefined) {
      this.skip(1);
      return undefined;
    }
    this.#take(1);
    const length = width === 0 ? head & 0x1f : this.uint(width as 1 | 2 | 4);
    const start = this.#take(length);
    return new TextDecoder().decode(this.bytes.subarray(start, start + length));
  }

  /** An unsigned integer or a float64; undefined for anything else. */
  number(): number | undefined {
    const head = this.byte();
    if (head <= 0x7f) return head;
    if (head >= 0xcc && head <= 0xcf) return this.uint((1 << (head - 0xcc)) as 1 | 2 | 4 | 8);
    if (head === 0xcb) return this.#view.getFloat64(this.#take(8));
    return undefined;
  }

  /** Skips values, nested ones included, without recursion: a hostile frame may nest deeper than any stack. */
  skip(count: number): void {
    let remaining = count;
    while (remaining > 0) {
      remaining--;
      const head = this.byte();
      if (head <= 0x7f || head >= 0xe0 || (head >= 0xc0 && head <= 0xc3 && head !== 0xc1)) continue; // fixints, nil, booleans
      if (head >= 0x80 && head <= 0x8f) remaining += 2 * (head & 0x0f);
      else if (head >= 0x90 && head <= 0x9f) remaining += head & 0x0f;
      else if (head >= 0xa0 && head <= 0xbf) this.#take(head & 0x1f);
      else if (FIXED_SIZE[head] !== undefined) this.#take(FIXED_SIZE[head]);
      else if (LENGTH_WIDTH[head] !== undefined) {
        const length = this.uint(LENGTH_WIDTH[head] as 1 | 2 | 4);
        this.#take(head >= 0xc7 && head <= 0xc9 ? length + 1 : length);
      } else if (head === 0xdc || head === 0xdd) remaining += this.uint(head === 0xdc ? 2 : 4);
      else if (head === 0xde || head === 0xdf) remaining += 2 * this.uint(head === 0xde ? 2 : 4);
      else throw new RangeError(`0x${head.toString(16)} is not MessagePack`);
    }
  }

  #take(n: number): number {
    if (this.#at + n > this.bytes.byteLength) throw new RangeError('the frame ends early');
    const at = this.#at;
    this.#at += n;
    return at;
  }
}

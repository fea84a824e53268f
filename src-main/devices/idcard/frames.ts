// The GA 467 SAM frame, both ways, and a stream parser that finds frames in whatever
// bytes a serial line delivers. Pure: bytes in, values out; no I/O, no timers.
//
//   command:  AA AA AA 96 69 | LEN_HI LEN_LO | CMD PARA DATA… | CHK
//   response: AA AA AA 96 69 | LEN_HI LEN_LO | SW1 SW2 SW3 DATA… | CHK
//
// LEN counts every byte after itself, CHK included; CHK is the XOR of LEN_HI through the
// last data byte.
//
// Invariants of the parser (tests/main/devices/idcard/frames*.test.ts break them on purpose):
// - it never throws, whatever the bytes;
// - it never emits a frame whose length is out of bounds or whose checksum is wrong;
// - it never holds more than MAX_FRAME_BYTES: input is taken in slices that fit;
// - after garbage, a torn frame or a rejected frame it resynchronises on the next
//   preamble — a rejected candidate gives up only its first byte, so a good frame that
//   began inside it is still found.

export const PREAMBLE = Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69);
/** Preamble and the two length bytes. */
export const HEADER_BYTES = 7;
/**
 * The largest LEN we take. The longest answer a reader gives is a read with fingerprints:
 * SW 3 + lengths 6 + text 256 + photo 1024 + fingerprints 1024 + CHK 1 = 2314 bytes.
 */
export const MAX_LEN = 0x0a00;
export const MAX_FRAME_BYTES = HEADER_BYTES + MAX_LEN;
/** The shortest LEN of a command (CMD PARA CHK) and of a response (SW1 SW2 SW3 CHK). */
export const MIN_COMMAND_LEN = 3;
export const MIN_RESPONSE_LEN = 4;

/** XOR of `bytes[from..to)`. */
export function xorChecksum(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum ^= bytes[i]!;
  return sum;
}

/** A whole frame around `payload` (the bytes between LEN and CHK). */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const len = payload.length + 1;
  if (len > 0xffff) throw new RangeError(`payload of ${payload.length} bytes does not fit a frame`);
  const frame = new Uint8Array(HEADER_BYTES + len);
  frame.set(PREAMBLE, 0);
  frame[5] = len >> 8;
  frame[6] = len & 0xff;
  frame.set(payload, HEADER_BYTES);
  frame[frame.length - 1] = xorChecksum(frame, 5, frame.length - 1);
  return frame;
}

export function encodeCommand(cmd: number, para: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const payload = new Uint8Array(2 + data.length);
  payload[0] = cmd;
  payload[1] = para;
  payload.set(data, 2);
  return encodeFrame(payload);
}

export function encodeResponse(status: number, data: Uint8Array = new Uint8Array(0), sw1 = 0, sw2 = 0): Uint8Array {
  const payload = new Uint8Array(3 + data.length);
  payload[0] = sw1;
  payload[1] = sw2;
  payload[2] = status;
  payload.set(data, 3);
  return encodeFrame(payload);
}

export interface Command {
  cmd: number;
  para: number;
  data: Uint8Array;
}

export interface Response {
  sw1: number;
  sw2: number;
  /** SW3: 0x90 done, 0x9F card found, the rest see status.ts. */
  status: number;
  data: Uint8Array;
}

/** The command in a frame's payload (at least CMD and PARA: the parser saw to that). */
export function decodeCommand(payload: Uint8Array): Command {
  return { cmd: payload[0] ?? 0, para: payload[1] ?? 0, data: payload.subarray(2) };
}

/** The response in a frame's payload (at least SW1..SW3: the parser saw to that). */
export function decodeResponse(payload: Uint8Array): Response {
  return { sw1: payload[0] ?? 0, sw2: payload[1] ?? 0, status: payload[2] ?? 0, data: payload.subarray(3) };
}

/** What the parser found; `offset` counts bytes from the start of the stream. */
export type ParseEvent =
  /** A whole frame with a good checksum; `payload` is the bytes between LEN and CHK. */
  | { kind: 'frame'; payload: Uint8Array; offset: number; size: number }
  /** A preamble whose frame cannot be: length out of bounds, wrong checksum, or given up as torn. */
  | { kind: 'rejected'; reason: 'length' | 'checksum' | 'torn'; offset: number }
  /** Bytes before the next preamble that belong to no frame. */
  | { kind: 'skipped'; bytes: number; offset: number };

export interface FrameParserOptions {
  /** MIN_COMMAND_LEN for a reader's side (the simulator), MIN_RESPONSE_LEN for a host's side. */
  minLen: number;
}

export class FrameParser {
  private readonly buffer = new Uint8Array(MAX_FRAME_BYTES);
  private start = 0;
  private end = 0;
  /** Stream offset of buffer[0]. */
  private base = 0;
  private readonly minLen: number;

  constructor(options: FrameParserOptions) {
    this.minLen = options.minLen;
  }

  /** Bytes held: a frame begun, or the start of a preamble. Never more than MAX_FRAME_BYTES. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Takes the next bytes of the stream; answers what they completed. */
  push(chunk: Uint8Array): ParseEvent[] {
    const events: ParseEvent[] = [];
    let taken = 0;
    while (taken < chunk.length) {
      this.compact();
      const room = this.buffer.length - this.end;
      const slice = chunk.subarray(taken, taken + room);
      this.buffer.set(slice, this.end);
      this.end += slice.length;
      taken += slice.length;
      this.scan(events);
    }
    return events;
  }

  /**
   * Gives up the frame in progress (the line went quiet before it was whole: a torn
   * frame). Its first byte is dropped and the rest scanned again, so a frame that began
   * after the torn one's preamble is still found.
   */
  abandonPartial(): ParseEvent[] {
    const events: ParseEvent[] = [];
    if (this.end === this.start) return events;
    if (this.end - this.start >= PREAMBLE.length && this.preambleAt(this.start)) {
      events.push({ kind: 'rejected', reason: 'torn', offset: this.base + this.start });
      this.start += 1;
      this.scan(events);
    } else {
      // Only the beginning of a preamble: nothing to keep.
      events.push({ kind: 'skipped', bytes: this.end - this.start, offset: this.base + this.start });
      this.start = this.end;
    }
    return events;
  }

  /** Forgets everything held. */
  reset(): void {
    this.base += this.end;
    this.start = 0;
    this.end = 0;
  }

  private compact(): void {
    if (this.start === 0) return;
    this.buffer.copyWithin(0, this.start, this.end);
    this.base += this.start;
    this.end -= this.start;
    this.start = 0;
  }

  private preambleAt(i: number): boolean {
    const b = this.buffer;
    return b[i] === 0xaa && b[i + 1] === 0xaa && b[i + 2] === 0xaa && b[i + 3] === 0x96 && b[i + 4] === 0x69;
  }

  /** Index of the next whole preamble at or after `from`, or -1. */
  private findPreamble(from: number): number {
    for (let i = from; i + PREAMBLE.length <= this.end; i++) {
      if (this.buffer[i] === 0xaa && this.preambleAt(i)) return i;
    }
    return -1;
  }

  /** How many bytes at the end could begin a preamble (0..4). */
  private partialPreambleTail(): number {
    for (let k = Math.min(PREAMBLE.length - 1, this.end - this.start); k > 0; k--) {
      let match = true;
      for (let j = 0; j < k && match; j++) match = this.buffer[this.end - k + j] === PREAMBLE[j];
      if (match) return k;
    }
    return 0;
  }

  private scan(events: ParseEvent[]): void {
    for (;;) {
      const at = this.findPreamble(this.start);
      if (at < 0) {
        const keep = this.partialPreambleTail();
        const skipped = this.end - keep - this.start;
        if (skipped > 0) events.push({ kind: 'skipped', bytes: skipped, offset: this.base + this.start });
        this.start = this.end - keep;
        return;
      }
      if (at > this.start) {
        events.push({ kind: 'skipped', bytes: at - this.start, offset: this.base + this.start });
        this.start = at;
      }
      if (this.end - this.start < HEADER_BYTES) return;
      const len = (this.buffer[this.start + 5]! << 8) | this.buffer[this.start + 6]!;
      if (len < this.minLen || len > MAX_LEN) {
        events.push({ kind: 'rejected', reason: 'length', offset: this.base + this.start });
        this.start += 1;
        continue;
      }
      const size = HEADER_BYTES + len;
      if (this.end - this.start < size) return;
      const last = this.start + size - 1;
      if (xorChecksum(this.buffer, this.start + 5, last) !== this.buffer[last]) {
        events.push({ kind: 'rejected', reason: 'checksum', offset: this.base + this.start });
        this.start += 1;
        continue;
      }
      events.push({
        kind: 'frame',
        payload: this.buffer.slice(this.start + HEADER_BYTES, last),
        offset: this.base + this.start,
        size,
      });
      this.start += size;
    }
  }
}

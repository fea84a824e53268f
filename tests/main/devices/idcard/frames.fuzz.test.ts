// The parser's invariants under fast-check: well over 100,000 random and mutated frames
// and byte streams, fed in random chunks. For every stream: the parser never throws and
// never holds more than one frame's worth of bytes; every frame it emits is, byte for
// byte, a frame of the stream with a good checksum; and every good frame of the stream
// is found, unless noise before it happened to form a frame (checksum matching by chance)
// that ran into it — the only way a frame can be lost, and the parser then resumes right
// after that bogus frame.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeFrame,
  FrameParser,
  HEADER_BYTES,
  MAX_FRAME_BYTES,
  MIN_RESPONSE_LEN,
  PREAMBLE,
  type ParseEvent,
  xorChecksum,
} from '../../../../src-main/devices/idcard/frames.ts';

type Segment =
  | { kind: 'good'; payload: Uint8Array }
  | { kind: 'mutated'; payload: Uint8Array; mutations: Mutation[] }
  | { kind: 'noise'; bytes: Uint8Array };

type Mutation =
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'drop'; at: number }
  | { kind: 'insert'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'length'; value: number };

function mutate(frame: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out = Array.from(frame);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : ('at' in m ? m.at : 0) % out.length;
    if (m.kind === 'flip') out[at] = out[at]! ^ m.xor;
    else if (m.kind === 'drop') out.splice(at, 1);
    else if (m.kind === 'insert') out.splice(at, 0, m.byte);
    else if (m.kind === 'truncate') out = out.slice(0, at);
    else if (out.length >= HEADER_BYTES) {
      out[5] = m.value >> 8;
      out[6] = m.value & 0xff;
    }
  }
  return Uint8Array.from(out);
}

const byte = fc.integer({ min: 0, max: 255 });
// Responses: SW1 SW2 SW3 and data; now and then one as long as a read answer.
const payload = fc.oneof(
  { weight: 20, arbitrary: fc.uint8Array({ minLength: 3, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1280, maxLength: 1300 }) },
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('length' as const), value: fc.integer({ min: 0, max: 0xffff }) }),
);
// Noise, sometimes with bits of a preamble in it.
const noise = fc.oneof(
  fc.uint8Array({ maxLength: 30 }),
  fc.integer({ min: 1, max: PREAMBLE.length }).map((n) => PREAMBLE.slice(0, n)),
  fc.tuple(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 4 })).map(([a, b]) => {
    const out = new Uint8Array(a.length + PREAMBLE.length + b.length);
    out.set(a);
    out.set(PREAMBLE, a.length);
    out.set(b, a.length + PREAMBLE.length);
    return out;
  }),
);
const segment: fc.Arbitrary<Segment> = fc.oneof(
  { weight: 4, arbitrary: payload.map((p) => ({ kind: 'good' as const, payload: p })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(payload, fc.array(mutation, { minLength: 1, maxLength: 3 }))
      .map(([p, mutations]) => ({ kind: 'mutated' as const, payload: p, mutations })),
  },
  { weight: 2, arbitrary: noise.map((bytes) => ({ kind: 'noise' as const, bytes })) },
);
const chunking = fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 16 });

/** Feeds the stream in chunks of the given sizes (cycled), then gives up what stays pending. */
function parseAll(stream: Uint8Array, sizes: number[]): { events: ParseEvent[]; most: number } {
  const parser = new FrameParser({ minLen: MIN_RESPONSE_LEN });
  const events: ParseEvent[] = [];
  let most = 0;
  for (let at = 0, i = 0; at < stream.length; i++) {
    const size = sizes[i % sizes.length]!;
    events.push(...parser.push(stream.subarray(at, at + size)));
    most = Math.max(most, parser.buffered);
    at += size;
  }
  // The line goes quiet: each give-up drops one byte of a pending candidate, so this ends.
  for (let guard = 0; parser.buffered > 0; guard++) {
    if (guard > stream.length + 10) throw new Error('abandonPartial did not make progress');
    events.push(...parser.abandonPartial());
  }
  return { events, most };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Every emitted frame is a frame of the stream at its offset, with a good checksum.
 * (Plain checks, not `expect`: this runs for every one of the frames.)
 */
function expectTrueFrames(stream: Uint8Array, events: ParseEvent[]): void {
  for (const event of events) {
    if (event.kind !== 'frame') continue;
    const raw = stream.subarray(event.offset, event.offset + event.size);
    const ok =
      raw.length === event.size &&
      sameBytes(raw.subarray(0, PREAMBLE.length), PREAMBLE) &&
      ((raw[5]! << 8) | raw[6]!) === event.size - HEADER_BYTES &&
      raw[raw.length - 1] === xorChecksum(raw, 5, raw.length - 1) &&
      sameBytes(event.payload, raw.subarray(HEADER_BYTES, raw.length - 1));
    if (!ok) throw new Error(`emitted a frame at ${event.offset} (${event.size} bytes) that is not a true frame`);
  }
}

let framesFed = 0;
let streamsFed = 0;

describe('the frame parser under fuzzing', () => {
  it('random byte streams: never throws, stays bounded, emits only true frames', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), chunking, (stream, sizes) => {
        streamsFed++;
        const { events, most } = parseAll(stream, sizes);
        if (most > MAX_FRAME_BYTES) throw new Error(`held ${most} bytes`);
        expectTrueFrames(stream, events);
      }),
      { numRuns: 20_000 },
    );
  });

  it('good, mutated and noisy frames mixed: finds every good frame but for bogus frames running into it', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 20, maxLength: 60 }), chunking, (segments, sizes) => {
        const parts: Uint8Array[] = [];
        const good: Array<{ start: number; size: number }> = [];
        let length = 0;
        for (const s of segments) {
          const bytes =
            s.kind === 'noise'
              ? s.bytes
              : s.kind === 'good'
                ? encodeFrame(s.payload)
                : mutate(encodeFrame(s.payload), s.mutations);
          if (s.kind === 'good') good.push({ start: length, size: bytes.length });
          if (s.kind !== 'noise') framesFed++;
          parts.push(bytes);
          length += bytes.length;
        }
        const stream = new Uint8Array(length);
        let at = 0;
        for (const part of parts) {
          stream.set(part, at);
          at += part.length;
        }
        const { events, most } = parseAll(stream, sizes);
        if (most > MAX_FRAME_BYTES) throw new Error(`held ${most} bytes`);
        expectTrueFrames(stream, events);
        const emitted = events.filter((e): e is Extract<ParseEvent, { kind: 'frame' }> => e.kind === 'frame');
        const starts = new Set(emitted.map((e) => e.offset));
        for (const frame of good) {
          if (starts.has(frame.start)) continue;
          const runInto = emitted.some((e) => e.offset < frame.start && e.offset + e.size > frame.start);
          if (!runInto) throw new Error(`good frame at ${frame.start} neither found nor covered by a bogus frame`);
        }
      }),
      { numRuns: 4_000 },
    );
    // Frames fed (good and mutated) and random streams, all told.
    expect(framesFed + streamsFed).toBeGreaterThanOrEqual(100_000);
  });
});

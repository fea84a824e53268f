// The GA 467 frame codec and stream parser (devices/idcard/frames.ts), against the
// reference's example frames and the ways a serial line breaks them.
import { describe, expect, it } from 'vitest';
import {
  decodeCommand,
  decodeResponse,
  encodeCommand,
  encodeResponse,
  FrameParser,
  MAX_FRAME_BYTES,
  MIN_COMMAND_LEN,
  MIN_RESPONSE_LEN,
  type ParseEvent,
  xorChecksum,
} from '../../../../src-main/devices/idcard/frames.ts';

/** Deterministic filler bytes (a linear congruential sequence from the seed's length and first code unit). */
function pseudoRandomBytes(seed: string, length: number): Uint8Array {
  let state = (seed.length * 2654435761 + seed.charCodeAt(0)) >>> 0;
  return Uint8Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  });
}
const bytes = (hex: string) => Uint8Array.from(hex.split(/\s+/).map((b) => parseInt(b, 16)));
const hex = (data: Uint8Array) => [...data].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};
const frames = (events: ParseEvent[]) => events.filter((e) => e.kind === 'frame');
const responses = (events: ParseEvent[]) => frames(events).map((e) => decodeResponse(e.payload));
const responseParser = () => new FrameParser({ minLen: MIN_RESPONSE_LEN });

describe('GA 467 frames: the reference examples', () => {
  it('encodes every command as the reference writes it', () => {
    const table: Array<[number, number, string]> = [
      [0x10, 0xff, 'AA AA AA 96 69 00 03 10 FF EC'],
      [0x11, 0xff, 'AA AA AA 96 69 00 03 11 FF ED'],
      [0x12, 0xff, 'AA AA AA 96 69 00 03 12 FF EE'],
      [0x20, 0x01, 'AA AA AA 96 69 00 03 20 01 22'],
      [0x20, 0x02, 'AA AA AA 96 69 00 03 20 02 21'],
      [0x30, 0x01, 'AA AA AA 96 69 00 03 30 01 32'],
      [0x30, 0x10, 'AA AA AA 96 69 00 03 30 10 23'],
      [0x30, 0x03, 'AA AA AA 96 69 00 03 30 03 30'],
    ];
    for (const [cmd, para, frame] of table) expect(hex(encodeCommand(cmd, para))).toBe(frame);
  });

  it('encodes and parses the example responses: card found, no card, select, read', () => {
    expect(hex(encodeResponse(0x9f, new Uint8Array(4)))).toBe('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97');
    expect(hex(encodeResponse(0x80))).toBe('AA AA AA 96 69 00 04 00 00 80 84');
    const select = encodeResponse(0x90, pseudoRandomBytes('serial', 8));
    expect(hex(select.subarray(0, 10))).toBe('AA AA AA 96 69 00 0C 00 00 90');
    expect(select).toHaveLength(19);

    const readData = concat(bytes('01 00 04 00'), pseudoRandomBytes('text', 256), pseudoRandomBytes('photo', 1024));
    const read = encodeResponse(0x90, readData);
    expect(read).toHaveLength(1295);
    expect(hex(read.subarray(0, 14))).toBe('AA AA AA 96 69 05 08 00 00 90 01 00 04 00');
    expect(read[1294]).toBe(xorChecksum(read, 5, 1294));

    const parsed = responses(responseParser().push(concat(bytes('AA AA AA 96 69 00 04 00 00 80 84'), read)));
    expect(parsed.map((r) => r.status)).toEqual([0x80, 0x90]);
    expect(parsed[1]!.data).toEqual(readData);
  });

  it('round-trips commands and responses with data', () => {
    const data = pseudoRandomBytes('data', 300);
    const command = frames(new FrameParser({ minLen: MIN_COMMAND_LEN }).push(encodeCommand(0x60, 0x01, data)));
    expect(decodeCommand(command[0]!.payload)).toEqual({ cmd: 0x60, para: 0x01, data });
    const response = responses(responseParser().push(encodeResponse(0x41, data, 0x12, 0x34)));
    expect(response).toEqual([{ sw1: 0x12, sw2: 0x34, status: 0x41, data }]);
  });
});

describe('the stream parser', () => {
  const found = encodeResponse(0x9f, new Uint8Array(4));
  const noCard = encodeResponse(0x80);

  it('puts a frame together from single bytes, and finds two frames in one chunk', () => {
    const parser = responseParser();
    const events = [...found].flatMap((byte) => parser.push(Uint8Array.of(byte)));
    expect(responses(events).map((r) => r.status)).toEqual([0x9f]);
    expect(parser.buffered).toBe(0);
    expect(responses(parser.push(concat(noCard, found))).map((r) => r.status)).toEqual([0x80, 0x9f]);
  });

  it('skips garbage, including the first bytes of a preamble, and says where the frame began', () => {
    const garbage = bytes('00 AA 13 AA AA 96 AA AA AA AA');
    const events = responseParser().push(concat(garbage, found));
    expect(
      events.filter((e) => e.kind === 'skipped').reduce((n, e) => n + (e.kind === 'skipped' ? e.bytes : 0), 0),
    ).toBe(garbage.length);
    expect(frames(events)).toEqual([expect.objectContaining({ offset: garbage.length, size: found.length })]);
  });

  it('rejects a damaged checksum and finds the good frame right after it', () => {
    const damaged = found.slice();
    damaged[damaged.length - 1]! ^= 0xff;
    const events = responseParser().push(concat(damaged, noCard));
    expect(events.filter((e) => e.kind === 'rejected')).toEqual([{ kind: 'rejected', reason: 'checksum', offset: 0 }]);
    expect(responses(events).map((r) => r.status)).toEqual([0x80]);
  });

  it('rejects impossible lengths at once (too short, longer than any answer) and resynchronises', () => {
    const tooShort = bytes('AA AA AA 96 69 00 02 00 02');
    const tooLong = bytes('AA AA AA 96 69 FF FF 00');
    const events = responseParser().push(concat(tooShort, tooLong, noCard));
    expect(events.filter((e) => e.kind === 'rejected').map((e) => e.kind === 'rejected' && e.reason)).toEqual([
      'length',
      'length',
    ]);
    expect(responses(events).map((r) => r.status)).toEqual([0x80]);
    // A command's shortest frame (CMD PARA CHK) is too short for a response and fine for a command.
    expect(frames(new FrameParser({ minLen: MIN_COMMAND_LEN }).push(encodeCommand(0x20, 0x01)))).toHaveLength(1);
    expect(frames(responseParser().push(encodeCommand(0x20, 0x01)))).toHaveLength(0);
  });

  it('gives up a torn frame when told the line went quiet, keeping a frame that came after it', () => {
    const read = encodeResponse(0x90, concat(bytes('01 00 04 00'), new Uint8Array(1280)));
    const parser = responseParser();
    // Half a read answer, then a whole find answer: the parser still counts it into the read.
    expect(frames(parser.push(concat(read.subarray(0, 600), found)))).toEqual([]);
    const events = parser.abandonPartial();
    expect(events[0]).toEqual({ kind: 'rejected', reason: 'torn', offset: 0 });
    expect(responses(events).map((r) => r.status)).toEqual([0x9f]);
    expect(parser.buffered).toBe(0);
  });

  it('holds no more than one frame, however much garbage comes', () => {
    const parser = responseParser();
    const garbage = pseudoRandomBytes('a lot of garbage', 1 << 20);
    let most = 0;
    for (let at = 0; at < garbage.length; at += 4096) {
      parser.push(garbage.subarray(at, at + 4096));
      most = Math.max(most, parser.buffered);
    }
    // A preamble claiming the longest length, then nothing: held, and still bounded.
    parser.push(bytes('AA AA AA 96 69 0A 00'));
    parser.push(new Uint8Array(MAX_FRAME_BYTES * 3));
    expect(Math.max(most, parser.buffered)).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(responses(parser.push(found)).map((r) => r.status)).toEqual([0x9f]);
  });
});

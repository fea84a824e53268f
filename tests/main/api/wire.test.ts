// The wire envelopes: what the browser host can still read of a frame it cannot decode.
import { describe, expect, it } from 'vitest';
import { encodeMessage, peekCallId } from '../../../src-main/api/wire.ts';

const call = (id: number) => ({ type: 'call' as const, id, method: 'auth.session', input: {} });
const bytes = (...parts: Array<Uint8Array | number[]>) => Buffer.concat(parts.map((part) => Buffer.from(part)));

describe('peekCallId', () => {
  it('reads the id of a call envelope wherever it stands among the keys, at any width', () => {
    expect(peekCallId(encodeMessage(call(7)))).toBe(7);
    for (const id of [0, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      expect(peekCallId(encodeMessage(call(id)))).toBe(id);
    }
    const late = {
      input: { list: [1, 'two', new Uint8Array(300), { deep: [[null, true, -5, 1.5]] }], text: 'x'.repeat(70_000) },
      id: 42,
    };
    expect(peekCallId(Buffer.from(encodeMessage(late as never)))).toBe(42);
  });

  it('reads it from frames the decoder refuses: a __proto__ key, bytes after the message, deep nesting', () => {
    const polluted = encodeMessage(JSON.parse('{"type":"call","id":9,"method":"x","input":{"__proto__":{"a":1}}}'));
    expect(peekCallId(polluted)).toBe(9);
    expect(peekCallId(bytes(encodeMessage(call(10)), [0xc1, 0xc1]))).toBe(10);
    const deepInput = bytes(
      [0x82, 0xa5],
      Buffer.from('input'),
      Buffer.alloc(200_000, 0x91),
      [0xc0, 0xa2],
      Buffer.from('id'),
      [0x0b],
    );
    expect(peekCallId(deepInput)).toBe(11);
  });

  it('has no id for what is not a map with a usable one', () => {
    expect(peekCallId(new Uint8Array(0))).toBeUndefined();
    expect(peekCallId(Buffer.from([0x93, 1, 2, 3]))).toBeUndefined(); // an array
    expect(peekCallId(encodeMessage({ type: 'call', id: -1 } as never))).toBeUndefined();
    expect(peekCallId(encodeMessage({ type: 'call', id: 1.5 } as never))).toBeUndefined();
    expect(peekCallId(encodeMessage({ type: 'call', id: '5' } as never))).toBeUndefined();
    expect(peekCallId(encodeMessage({ type: 'call', id: 2 ** 60 } as never))).toBeUndefined();
    expect(peekCallId(bytes([0x81, 0xa2], Buffer.from('id')))).toBeUndefined(); // cut before the value
    expect(peekCallId(bytes([0x82, 0xa1, 0x78, 0xc1, 0xa2], Buffer.from('id'), [5]))).toBeUndefined(); // a byte that is no value
    expect(peekCallId(bytes([0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 0x78]))).toBeUndefined(); // a map that claims 4 billion keys
  });
});

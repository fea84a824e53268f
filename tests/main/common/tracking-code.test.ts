// 查询号: Crockford base32 with its mod-37 check symbol. Property tests over random codes:
// every single-symbol typo and every adjacent swap is refused, and the ways people type a
// code (case, dashes, spaces, look-alikes) still read back as the code.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isTrackingCode,
  newTrackingCode,
  parseTrackingCode,
  TRACKING_ALPHABET,
  TRACKING_CODE_PATTERN,
  trackingCodeFromBytes,
  trackingUrl,
} from '../../../src-main/common/tracking-code.ts';

const bytes7 = fc.uint8Array({ minLength: 7, maxLength: 7 });
/** Codes as the window issues them. */
const codes = bytes7.map(trackingCodeFromBytes).filter((c): c is string => c !== undefined);
const symbolsOf = (code: string) => code.replace(/-/g, '');

describe('tracking code (查询号)', () => {
  it('is 12 symbols of Crockford base32 in three groups of four, and checks', () => {
    fc.assert(
      fc.property(codes, (code) => {
        expect(code).toMatch(TRACKING_CODE_PATTERN);
        expect(symbolsOf(code)).toHaveLength(12);
        expect(code).not.toMatch(/[ILOU]/);
        expect(isTrackingCode(code)).toBe(true);
        expect(parseTrackingCode(code)).toEqual({ ok: true, code });
      }),
      { numRuns: 2000 },
    );
  });

  it('computes the check symbol as Crockford does (the data as one number, mod 37)', () => {
    // All zero bytes: data 00000000000, value 0, check 0.
    expect(trackingCodeFromBytes(new Uint8Array(7))).toBe('0000-0000-0000');
    // Data 0000000000Z (31), 31 mod 37 = 31: check Z.
    expect(parseTrackingCode('0000-0000-00ZZ')).toEqual({ ok: true, code: '0000-0000-00ZZ' });
    // Data 00000000010 (32): 32 mod 37 = 32 would be Crockford's "*": never issued.
    expect(parseTrackingCode('0000-0000-0101').ok).toBe(false);
    // Data 00000000011 (33) mod 37 = 33 "~"; 00000000015 (37) mod 37 = 0: check 0.
    expect(parseTrackingCode('0000-0000-0150')).toEqual({ ok: true, code: '0000-0000-0150' });
  });

  it('draws again when the check would be one of Crockford\'s extra symbols (* ~ $ = U)', () => {
    // Data 00000000010 = 32 → the draw is refused: the 50th of the 56 bits set gives that data.
    const refused = new Uint8Array([0, 0, 0, 0, 0, 0, 0b1000000]);
    expect(trackingCodeFromBytes(refused)).toBeUndefined();
    const draws = [refused, new Uint8Array(7)];
    expect(newTrackingCode(() => draws.shift()!)).toBe('0000-0000-0000');
  });

  it('refuses every single-symbol typo', () => {
    fc.assert(
      fc.property(codes, fc.nat(11), fc.nat(31), (code, position, shift) => {
        const symbols = symbolsOf(code);
        const replaced = TRACKING_ALPHABET[(TRACKING_ALPHABET.indexOf(symbols[position]!) + 1 + (shift % 31)) % 32]!;
        const typo = symbols.slice(0, position) + replaced + symbols.slice(position + 1);
        expect(typo).not.toBe(symbols);
        expect(parseTrackingCode(typo)).toEqual({ ok: false, problem: 'check' });
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses every swap of two adjacent different symbols, the check symbol included', () => {
    fc.assert(
      fc.property(codes, fc.nat(10), (code, position) => {
        const symbols = symbolsOf(code);
        fc.pre(symbols[position] !== symbols[position + 1]);
        const swapped = symbols.slice(0, position) + symbols[position + 1] + symbols[position] + symbols.slice(position + 2);
        expect(parseTrackingCode(swapped)).toEqual({ ok: false, problem: 'check' });
      }),
      { numRuns: 5000 },
    );
  });

  it('exhaustively: no typo or adjacent swap of one code is another valid code', () => {
    let seed = 11;
    const code = symbolsOf(newTrackingCode((n) => new Uint8Array(n).map((_, i) => 37 * i + seed++)));
    for (let p = 0; p < 12; p++) {
      for (const s of TRACKING_ALPHABET) {
        if (s === code[p]) continue;
        expect(parseTrackingCode(code.slice(0, p) + s + code.slice(p + 1)).ok).toBe(false);
      }
    }
  });

  it('reads a code as people type it: any case, dashes and spaces or none, O for 0, I and L for 1', () => {
    fc.assert(
      fc.property(codes, fc.boolean(), fc.constantFrom('', ' ', '-', ' - ', '－'), (code, lower, separator) => {
        const symbols = symbolsOf(code);
        let typed = [symbols.slice(0, 4), symbols.slice(4, 8), symbols.slice(8)].join(separator);
        typed = typed.replace(/0/g, 'O').replace(/1/g, 'l');
        if (lower) typed = typed.toLowerCase();
        expect(parseTrackingCode(`  ${typed} `)).toEqual({ ok: true, code });
      }),
      { numRuns: 1000 },
    );
  });

  it('says what is wrong with what is not a code', () => {
    expect(parseTrackingCode('')).toEqual({ ok: false, problem: 'length' });
    expect(parseTrackingCode('ABCD-EFGH-JK')).toEqual({ ok: false, problem: 'length' });
    expect(parseTrackingCode('ABCD-EFGH-JKMU')).toEqual({ ok: false, problem: 'character' });
    expect(parseTrackingCode('ABCD-EFGH-JK*N')).toEqual({ ok: false, problem: 'character' });
    expect(parseTrackingCode('查询号查询号查询号查询号')).toEqual({ ok: false, problem: 'character' });
    expect(isTrackingCode('0000 0000 0000')).toBe(false); // valid, but not the printed form
  });

  it('fills the code into a URL template', () => {
    expect(trackingUrl('https://zwfw.example.gov.cn/track/{code}', 'ABCD-EFGH-JKMN')).toBe(
      'https://zwfw.example.gov.cn/track/ABCD-EFGH-JKMN',
    );
    expect(trackingUrl('https://x.example/t?c={code}&again={code}', 'A')).toBe('https://x.example/t?c=A&again=A');
  });
});

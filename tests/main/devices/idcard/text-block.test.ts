// The card's 256-byte text block (devices/idcard/text-block.ts): every card type of the
// simulator's deck, blocks laid out by hand at the reference's byte offsets (so a wrong
// layout table cannot pass by agreeing with itself), and the ways a block goes wrong.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src-main/common/errors.ts';
import { CardIdentity } from '../../../../src-main/common/id-card.ts';
import { DECK } from '../../../../src-main/devices/idcard/deck.ts';
import {
  type CardText,
  encodeTextBlock,
  parseAppendedAddress,
  parseTextBlock,
  TYPE_OFFSET,
} from '../../../../src-main/devices/idcard/text-block.ts';

/** A block of spaces with UTF-16LE text written at byte offsets. */
function block(fields: Array<[offset: number, text: string]>, size = 256): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i + 1 < size; i += 2) out[i] = 0x20;
  for (const [offset, text] of fields) {
    for (let i = 0; i < text.length; i++) {
      out[offset + 2 * i] = text.charCodeAt(i) & 0xff;
      out[offset + 2 * i + 1] = text.charCodeAt(i) >> 8;
    }
  }
  return out;
}

/** A resident card at the reference's offsets: name 0, sex 30, nation 32, birth 36, address 52, number 122, authority 158, from 188, to 204. */
const residentFields: Array<[number, string]> = [
  [0, '张伟'],
  [30, '1'],
  [32, '01'],
  [36, '19900307'],
  [52, '北京市朝阳区建国路1号'],
  [122, '110105199003071239'],
  [158, '北京市公安局朝阳分局'],
  [188, '20160401'],
  [204, '20360401'],
];

function textInvalid(bytes: Uint8Array): AppError {
  try {
    parseTextBlock(bytes);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('the block was accepted');
}

const withText = (card: CardText) =>
  CardIdentity.parse({ ...card, photo: { present: true }, fingerprint: { present: false } });

describe('the text block', () => {
  it('reads back every card of the deck as it was written, one card of each type', () => {
    expect(new Set(DECK.map((card) => card.text.cardType))).toEqual(
      new Set(['resident', 'hkMacauTaiwan', 'foreignPermanent', 'foreignPermanent2023']),
    );
    for (const card of DECK) {
      const bytes = encodeTextBlock(card.text);
      expect(bytes).toHaveLength(256);
      const parsed = parseTextBlock(bytes);
      expect(parsed).toEqual(card.text);
      expect(withText(parsed)).toBeTruthy();
    }
  });

  it('puts the type code at byte 248: a space, J, I or Y', () => {
    const unitAt248 = (card: CardText) => {
      const bytes = encodeTextBlock(card);
      return String.fromCharCode(bytes[TYPE_OFFSET]! | (bytes[TYPE_OFFSET + 1]! << 8));
    };
    expect(DECK.map((card) => `${card.text.cardType}:${unitAt248(card.text)}`)).toEqual(
      expect.arrayContaining(['resident: ', 'hkMacauTaiwan:J', 'foreignPermanent:I', 'foreignPermanent2023:Y']),
    );
  });

  it('reads a resident card laid out by hand at the reference offsets', () => {
    expect(parseTextBlock(block(residentFields))).toEqual({
      cardType: 'resident',
      name: '张伟',
      sex: 'male',
      nation: { code: '01', name: '汉' },
      birthDate: '1990-03-07',
      address: '北京市朝阳区建国路1号',
      idNumber: '110105199003071239',
      authority: '北京市公安局朝阳分局',
      validFrom: '2016-04-01',
      validTo: '2036-04-01',
    });
    // Some readers leave zeros where the type code is: still a resident card.
    const zeros = block(residentFields);
    zeros[TYPE_OFFSET] = 0;
    expect(parseTextBlock(zeros).cardType).toBe('resident');
  });

  it('reads 长期 as its own value, never a date', () => {
    const fields = residentFields.map(([offset, text]): [number, string] => [offset, offset === 204 ? '长期' : text]);
    expect(parseTextBlock(block(fields)).validTo).toBe('longTerm');
  });

  it('reads a J permit laid out by hand: pass number at 220, issue count at 238, J at 248', () => {
    const fields: Array<[number, string]> = [
      ...residentFields.filter(([offset]) => offset !== 32 && offset !== 122),
      [122, '810000199003071235'],
      [220, 'H01234567'],
      [238, '02'],
      [248, 'J'],
    ];
    const card = parseTextBlock(block(fields));
    expect(card).toMatchObject({ cardType: 'hkMacauTaiwan', passNumber: 'H01234567', issueCount: '02' });
    expect(card.nation).toBeUndefined();
  });

  it("reads a 2017 foreigner's card laid out by hand: English name 0, number 122, nationality 152, Chinese name 158", () => {
    const card = parseTextBlock(
      block([
        [0, 'MARTIN, CLAIRE ANNE'],
        [120, '2'],
        [122, 'FRA110085061242'],
        [152, 'FRA'],
        [158, '马丁'],
        [188, '20170701'],
        [204, '20270701'],
        [220, '19850612'],
        [236, '01'],
        [240, '1500'],
        [248, 'I'],
      ]),
    );
    expect(card).toEqual({
      cardType: 'foreignPermanent',
      name: '马丁',
      englishName: 'MARTIN, CLAIRE ANNE',
      sex: 'female',
      nationality: 'FRA',
      birthDate: '1985-06-12',
      idNumber: 'FRA110085061242',
      authority: '1500',
      validFrom: '2017-07-01',
      validTo: '2027-07-01',
      cardVersion: '01',
    });
  });

  it("reads a 2023 foreigner's card laid out by hand, its English name over two fields (52 and 220)", () => {
    const card = parseTextBlock(
      block([
        [0, '马克'],
        [30, '1'],
        [32, '00'],
        [36, '19820305'],
        [52, 'MUELLER, MARK JOHANNES ALEXANDER VO'],
        [122, '911276198203050113'],
        [188, '20240115'],
        [204, '20340115'],
        [220, 'N DER HEIDE'],
        [242, 'DEU'],
        [248, 'Y'],
      ]),
    );
    expect(card).toMatchObject({
      cardType: 'foreignPermanent2023',
      englishName: 'MUELLER, MARK JOHANNES ALEXANDER VON DER HEIDE',
      nationality: 'DEU',
      renewalCount: '00',
    });
  });

  it('keeps a middle dot and a character outside the BMP (a surrogate pair) whole', () => {
    const dotted = DECK.find((card) => card.text.name.includes('·'))!;
    expect(parseTextBlock(encodeTextBlock(dotted.text)).name).toBe('阿依古丽·买买提');
    const extB = DECK.find((card) => [...card.text.name].some((c) => c.codePointAt(0)! > 0xffff))!;
    const name = parseTextBlock(encodeTextBlock(extB.text)).name;
    expect([...name].map((c) => c.codePointAt(0)!.toString(16))).toEqual(['6797', '20bb7']);
  });

  it('refuses a block that is not text, naming the field and never its content', () => {
    const loneHigh = block(residentFields);
    loneHigh[2] = 0x42; // name's second unit: U+D842 with no low surrogate after it
    loneHigh[3] = 0xd8;
    const error = textInvalid(loneHigh);
    expect(error.code).toBe('idcard.textInvalid');
    expect(error.params).toEqual({ field: 'name' });
    expect(error.detail).not.toContain('张');

    const loneLow = block(residentFields);
    loneLow[54] = 0x00;
    loneLow[55] = 0xdc;
    expect(textInvalid(loneLow).params).toEqual({ field: 'address' });

    const control = block(residentFields);
    control[160] = 0x07; // BEL inside the authority
    control[161] = 0x00;
    expect(textInvalid(control).params).toEqual({ field: 'authority' });

    const nonCharacter = block(residentFields);
    nonCharacter[0] = 0xff;
    nonCharacter[1] = 0xff;
    expect(textInvalid(nonCharacter).params).toEqual({ field: 'name' });
  });

  it('refuses codes and dates that are not what the card holds', () => {
    const change = (offset: number, text: string) =>
      block(residentFields.map(([o, t]): [number, string] => [o, o === offset ? text : t]));
    expect(textInvalid(change(30, '3')).params).toEqual({ field: 'sex' });
    expect(textInvalid(change(32, '57')).params).toEqual({ field: 'nation' });
    expect(textInvalid(change(36, '19900230')).params).toEqual({ field: 'birthDate' });
    expect(textInvalid(change(204, '20150101')).params).toEqual({ field: 'validTo' });
    expect(textInvalid(change(122, 'FRA110085061242')).params).toEqual({ field: 'idNumber' });
    expect(textInvalid(change(0, '')).params).toEqual({ field: 'name' });
    expect(textInvalid(change(52, '')).params).toEqual({ field: 'address' });
  });

  it('refuses an unknown card type and a block of the wrong size', () => {
    const unknown = block([...residentFields, [248, 'Z']]);
    const error = textInvalid(unknown);
    expect(error.code).toBe('idcard.unknownCardType');
    expect(error.detail).toContain('0x005a');
    expect(textInvalid(block(residentFields).subarray(0, 255)).params).toEqual({ field: 'block' });
    expect(textInvalid(new Uint8Array(0)).params).toEqual({ field: 'block' });
  });

  it('turns random bytes into an error, never into a partial identity', () => {
    let state = 12345;
    for (let run = 0; run < 2000; run++) {
      const bytes = Uint8Array.from({ length: 256 }, () => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return state >>> 24;
      });
      if (run % 2 === 0) bytes.set([0x20, 0x00], TYPE_OFFSET); // half of them claim to be resident cards
      expect(() => parseTextBlock(bytes)).toThrow(AppError);
    }
  });

  it('reads the appended address, and none when the field is blank', () => {
    expect(parseAppendedAddress(block([[0, '北京市朝阳区望京街道10号']], 70))).toBe('北京市朝阳区望京街道10号');
    expect(parseAppendedAddress(block([], 70))).toBeUndefined();
  });
});

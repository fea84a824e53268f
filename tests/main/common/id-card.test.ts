// The code tables of the card's fields and the identity schema.
import { describe, expect, it } from 'vitest';
import { CardIdentity, NATIONS, nationName, SEX_CODES } from '../../../src-main/common/id-card.ts';

describe('card code tables', () => {
  it('names all 56 nations of GB/T 3304 by 01–56, and 97, 98', () => {
    const codes = Object.keys(NATIONS).sort();
    expect(codes).toHaveLength(58);
    expect(codes.slice(0, 56)).toEqual(Array.from({ length: 56 }, (_, i) => String(i + 1).padStart(2, '0')));
    expect([nationName('01'), nationName('05'), nationName('56'), nationName('97'), nationName('98')]).toEqual([
      '汉',
      '维吾尔',
      '基诺',
      '其他',
      '外国血统中国籍人士',
    ]);
    expect(new Set(Object.values(NATIONS)).size).toBe(58);
    expect(nationName('57')).toBeUndefined();
    expect(nationName('toString')).toBeUndefined();
  });

  it('knows the four sex codes of GB/T 2261.1', () => {
    expect(SEX_CODES).toEqual({ '0': 'unknown', '1': 'male', '2': 'female', '9': 'unspecified' });
  });

  it('keeps 长期 apart from every date, and refuses a date that is not one', () => {
    const base = {
      cardType: 'resident',
      name: '张伟',
      sex: 'male',
      birthDate: '1990-03-07',
      idNumber: '110105199003071239',
      validFrom: '2016-04-01',
      photo: { present: true },
      fingerprint: { present: false },
    };
    expect(CardIdentity.parse({ ...base, validTo: 'longTerm' }).validTo).toBe('longTerm');
    expect(CardIdentity.safeParse({ ...base, validTo: '长期' }).success).toBe(false);
    expect(CardIdentity.safeParse({ ...base, validTo: '2036-02-30' }).success).toBe(false);
    expect(CardIdentity.safeParse({ ...base, validTo: '2036-04-01', photoBytes: 'x' }).success).toBe(false);
  });
});

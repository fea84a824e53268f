import { describe, expect, it } from 'vitest';
import {
  checkIdNumber,
  isCreditCode,
  isPhoneNumber,
  isPostalCode,
  isRegionCode,
  normaliseCreditCode,
  normaliseIdNumber,
} from '../../../../src-main/common/review/identifiers.ts';

const TODAY = '2026-03-10';

describe('公民身份号码 (GB 11643)', () => {
  it('accepts the standard’s own example and reads region, birth date and sex from it', () => {
    expect(checkIdNumber('11010519491231002X', TODAY)).toEqual({
      ok: true,
      idNumber: '11010519491231002X',
      regionCode: '110105',
      birthDate: '1949-12-31',
      sex: 'female',
    });
    expect(checkIdNumber('110105199003071239', TODAY)).toMatchObject({
      ok: true,
      sex: 'male',
      birthDate: '1990-03-07',
    });
  });

  it('accepts a lowercase x and surrounding spaces as typed by hand', () => {
    expect(checkIdNumber(' 11010519491231002x ', TODAY)).toMatchObject({ ok: true, idNumber: '11010519491231002X' });
  });

  it('keeps a lowercase check character as X, and leaves anything that is not a whole number alone', () => {
    expect(normaliseIdNumber('11010519491231002x')).toBe('11010519491231002X');
    expect(normaliseIdNumber(' 11010519491231002x ')).toBe(' 11010519491231002X ');
    // Mid-typing, or not an ID number at all: the clerk sees what was typed.
    expect(normaliseIdNumber('1101051949x')).toBe('1101051949x');
    expect(normaliseIdNumber('x1010519491231002')).toBe('x1010519491231002');
    expect(normaliseCreditCode('91350100m000100y43')).toBe('91350100M000100Y43');
  });

  it('names what is wrong', () => {
    expect(checkIdNumber('1101051949123100', TODAY)).toEqual({ ok: false, problem: 'format' });
    expect(checkIdNumber('11010519491231002A', TODAY)).toEqual({ ok: false, problem: 'format' });
    expect(checkIdNumber('000105199003071239', TODAY)).toEqual({ ok: false, problem: 'region' });
    expect(checkIdNumber('110105199002301234', TODAY)).toEqual({ ok: false, problem: 'birthDate' });
    expect(checkIdNumber('110105202703071234', TODAY)).toEqual({ ok: false, problem: 'futureBirthDate' });
    expect(checkIdNumber('110105199003071230', TODAY)).toEqual({ ok: false, problem: 'checkDigit' });
  });
});

describe('other identifiers', () => {
  it('checks the 统一社会信用代码 check character (GB 32100)', () => {
    expect(isCreditCode('91350100M000100Y43')).toBe(true);
    expect(isCreditCode('91350100m000100y43')).toBe(true);
    expect(isCreditCode('91350100M000100Y44')).toBe(false);
    expect(isCreditCode('91350100M000100I43')).toBe(false); // I is not in the alphabet
  });

  it('takes mobile numbers and landlines with area code', () => {
    expect(isPhoneNumber('13800138000')).toBe(true);
    expect(isPhoneNumber('010-12345678')).toBe(true);
    expect(isPhoneNumber('0755 8888 8888')).toBe(true);
    expect(isPhoneNumber('1380013800')).toBe(false);
    expect(isPhoneNumber('12345678')).toBe(false);
  });

  it('takes six-digit region codes of a real province, and six-digit postal codes', () => {
    expect(isRegionCode('440305')).toBe(true);
    expect(isRegionCode('990000')).toBe(false);
    expect(isRegionCode('4403')).toBe(false);
    expect(isPostalCode('518000')).toBe(true);
    expect(isPostalCode('51800')).toBe(false);
  });
});

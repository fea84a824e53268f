import { describe, expect, it } from 'vitest';
import {
  checkDocumentNumber,
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

describe('the number of each kind of identity document', () => {
  const passes = (document: Parameters<typeof checkDocumentNumber>[0], number: string) =>
    checkDocumentNumber(document, number, TODAY).ok;
  const problem = (document: Parameters<typeof checkDocumentNumber>[0], number: string) => {
    const check = checkDocumentNumber(document, number, TODAY);
    return check.ok ? null : check.problem;
  };

  it('居民身份证: GB 11643, reading birth date and sex', () => {
    expect(checkDocumentNumber('resident', '11010519491231002x', TODAY)).toEqual({
      ok: true,
      birthDate: '1949-12-31',
      sex: 'female',
    });
    expect(problem('resident', '110105199003071230')).toBe('checkDigit');
  });

  it('港澳台居民居住证: the citizen number’s form with 810000, 820000 or 830000', () => {
    expect(passes('hkMacauTaiwan', '810000199001010027')).toBe(true);
    expect(problem('hkMacauTaiwan', '110105199003071239')).toBe('format');
    expect(problem('hkMacauTaiwan', '810000199001010028')).toBe('checkDigit');
  });

  it('外国人永久居留身份证: 2017, 3 letters and 12 digits; 2023, 9 … with the MOD 11-2 check', () => {
    expect(passes('foreignPermanent', 'USA110085061201')).toBe(true);
    expect(problem('foreignPermanent', 'US1110085061201')).toBe('format');
    expect(checkDocumentNumber('foreignPermanent2023', '911840198506120015', TODAY)).toEqual({
      ok: true,
      birthDate: '1985-06-12',
      sex: 'male',
    });
    expect(problem('foreignPermanent2023', '911840198506120016')).toBe('checkDigit');
    expect(problem('foreignPermanent2023', '110105199003071239')).toBe('format');
    expect(problem('foreignPermanent2023', '911840198513120015')).toBe('birthDate');
  });

  it('护照: 5 to 17 letters and digits (Chinese E/G passports and foreign ones alike)', () => {
    for (const number of ['E12345678', 'EA1234567', 'G12345678', 'X1234567', '123456789', 'p1234567']) {
      expect(passes('passport', number), number).toBe(true);
    }
    for (const number of ['E123', 'E1234-5678', '护照12345', 'A'.repeat(18)]) {
      expect(problem('passport', number), number).toBe('format');
    }
  });

  it('港澳居民来往内地通行证: H or M and 8 digits (10 on the older booklets)', () => {
    expect(passes('hkMacauPass', 'H12345678')).toBe(true);
    expect(passes('hkMacauPass', 'm12345678')).toBe(true);
    expect(passes('hkMacauPass', 'H1234567801')).toBe(true);
    for (const number of ['H1234567', 'K12345678', '12345678', 'H123456789']) {
      expect(problem('hkMacauPass', number), number).toBe('format');
    }
  });

  it('台湾居民来往大陆通行证: 8 digits (10 on the older booklets)', () => {
    expect(passes('taiwanPass', '12345678')).toBe(true);
    expect(passes('taiwanPass', '1234567890')).toBe(true);
    for (const number of ['1234567', 'T1234567', '123456789']) {
      expect(problem('taiwanPass', number), number).toBe('format');
    }
  });
});

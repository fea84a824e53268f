// Checks of the identifiers people write on forms: 公民身份号码 (GB 11643-1999),
// 统一社会信用代码 (GB 32100-2015), 行政区划代码 (GB/T 2260), phone numbers and
// postal codes. The check-digit algorithms are a few lines each, fixed by the
// standards; no library we could use is better kept than the standards themselves.
import { dayNumber } from '../dates.ts';
import type { IdentityDocument } from '../application.ts';

/** Province-level codes of GB/T 2260 (incl. 71 台湾, 81 香港, 82 澳门). */
const PROVINCES = new Set(
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82'.split(' '),
);
/** Residence permits of 港澳台居民 carry 81/82/83 in place of a region. */
const ID_PREFIXES = new Set([...PROVINCES, '83']);

export type Sex = 'male' | 'female';

export type IdNumberProblem = 'format' | 'region' | 'birthDate' | 'futureBirthDate' | 'checkDigit';

export type IdNumberCheck =
  | { ok: true; idNumber: string; regionCode: string; birthDate: string; sex: Sex }
  | { ok: false; problem: IdNumberProblem };

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The GB 11643 check character of the first 17 digits. */
export function idCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/** 18-character 公民身份号码; `today` bounds the birth date (YYYY-MM-DD). A lowercase x is accepted. */
export function checkIdNumber(input: string, today: string): IdNumberCheck {
  const idNumber = input.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(idNumber)) return { ok: false, problem: 'format' };
  if (!ID_PREFIXES.has(idNumber.slice(0, 2))) return { ok: false, problem: 'region' };
  const birthDate = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
  if (dayNumber(birthDate) === null || birthDate < '1900-01-01') return { ok: false, problem: 'birthDate' };
  if (birthDate > today) return { ok: false, problem: 'futureBirthDate' };
  if (idCheckCharacter(idNumber) !== idNumber[17]) return { ok: false, problem: 'checkDigit' };
  return {
    ok: true,
    idNumber,
    regionCode: idNumber.slice(0, 6),
    birthDate,
    sex: Number(idNumber[16]) % 2 === 1 ? 'male' : 'female',
  };
}

/** What a document's number encodes (where it encodes them), or why it does not pass. */
export type DocumentNumberCheck =
  { ok: true; birthDate: string | undefined; sex: Sex | undefined } | { ok: false; problem: IdNumberProblem };

/**
 * The number of an identity document, checked by its kind's own rule:
 * - 居民身份证: GB 11643 (`checkIdNumber`); 港澳台居民居住证 the same with 810000 / 820000 / 830000;
 * - 外国人永久居留身份证 2023: `9`, the province and the country as digits, the birth date,
 *   sequence and the same MOD 11-2 check character; 2017: 3 letters (the country) and 12
 *   digits, with no published check;
 * - 护照: 5 to 17 letters and digits (a Chinese passport: E or G and 8 characters; foreign
 *   passports differ by country, so only the shape is checked);
 * - 港澳居民来往内地通行证: H (香港) or M (澳门) and 8 digits (10 on the booklets before 2013);
 * - 台湾居民来往大陆通行证: 8 digits (10 on the booklets before 2015).
 * Lowercase letters pass as their capitals.
 */
export function checkDocumentNumber(document: IdentityDocument, input: string, today: string): DocumentNumberCheck {
  const number = input.trim().toUpperCase();
  const shape = (pattern: RegExp): DocumentNumberCheck =>
    pattern.test(number) ? { ok: true, birthDate: undefined, sex: undefined } : { ok: false, problem: 'format' };
  switch (document) {
    case 'resident':
    case 'hkMacauTaiwan': {
      if (document === 'hkMacauTaiwan' && !/^8[123]0000/.test(number)) return { ok: false, problem: 'format' };
      const check = checkIdNumber(number, today);
      return check.ok ? { ok: true, birthDate: check.birthDate, sex: check.sex } : check;
    }
    case 'foreignPermanent2023': {
      if (!/^9\d{16}[\dX]$/.test(number)) return { ok: false, problem: 'format' };
      const birthDate = `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`;
      if (dayNumber(birthDate) === null || birthDate < '1900-01-01') return { ok: false, problem: 'birthDate' };
      if (birthDate > today) return { ok: false, problem: 'futureBirthDate' };
      if (idCheckCharacter(number) !== number[17]) return { ok: false, problem: 'checkDigit' };
      return { ok: true, birthDate, sex: Number(number[16]) % 2 === 1 ? 'male' : 'female' };
    }
    case 'foreignPermanent':
      return shape(/^[A-Z]{3}\d{12}$/);
    case 'passport':
      return shape(/^[A-Z0-9]{5,17}$/);
    case 'hkMacauPass':
      return shape(/^[HM](\d{8}|\d{10})$/);
    case 'taiwanPass':
      return shape(/^(\d{8}|\d{10})$/);
  }
}

/**
 * A 公民身份号码 as it is kept: a lowercase check character x becomes X (GB 11643 writes X;
 * typing it in lowercase is no error to reject). Anything else is left as typed.
 */
export function normaliseIdNumber(input: string): string {
  return /^\s*\d{17}x\s*$/.test(input) ? input.replace('x', 'X') : input;
}

/** A 统一社会信用代码 as it is kept: its letters are capitals. */
export function normaliseCreditCode(input: string): string {
  return input.toUpperCase();
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** 统一社会信用代码: 18 characters of the GB 32100 alphabet with a valid check character. */
export function isCreditCode(input: string): boolean {
  const code = input.trim().toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(code[i]!) * CREDIT_WEIGHTS[i]!;
  return CREDIT_CHARS[(31 - (sum % 31)) % 31] === code[17];
}

/** Six digits whose first two name a province (the full list of counties changes yearly). */
export function isRegionCode(input: string): boolean {
  return /^\d{6}$/.test(input) && PROVINCES.has(input.slice(0, 2));
}

/** A mainland mobile number, or a landline with its area code (extension allowed). */
export function isPhoneNumber(input: string): boolean {
  const phone = input.trim().replace(/\s+/g, '');
  return /^1[3-9]\d{9}$/.test(phone) || /^0\d{2,3}-?\d{7,8}(-\d{1,6})?$/.test(phone);
}

export function isPostalCode(input: string): boolean {
  return /^\d{6}$/.test(input.trim());
}

/** A real `YYYY-MM-DD` date. */
export function isCalendarDate(input: string): boolean {
  return dayNumber(input) !== null;
}

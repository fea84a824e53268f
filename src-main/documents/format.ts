// How values read on paper: dates, masked ID numbers, counts, Chinese ordinals.
import { documentOf, type PersonIdentity } from '../common/application.ts';
import { dayNumber } from '../common/dates.ts';
import { t } from '../common/i18n/index.ts';
import type { DueDate, Person } from './model.ts';

/**
 * `2026-12-09` → `2026年12月9日`. GB/T 9704 writes dates in Arabic numerals with
 * the year in full and no leading zero on month or day.
 */
export function formatDate(date: string): string {
  if (dayNumber(date) === null) throw new Error(`not a calendar date: ${date}`);
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/**
 * `2026-11-25 14:32` (hall-local, as the seal and the print queue write it) →
 * `2026年11月25日 14:32`.
 */
export function formatDateTime(at: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}) ([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!match) throw new Error(`not a hall-local time YYYY-MM-DD HH:mm: ${at}`);
  return `${formatDate(match[1]!)} ${match[2]}:${match[3]}`;
}

/** A due date with its working days, and a warning when the year's holidays are not official yet. */
export function formatDueDate(due: DueDate): string {
  let text = formatDate(due.date);
  if (due.calendarDays !== undefined) text += `（${due.calendarDays}日）`;
  else if (due.workingDays !== undefined) text += `（${due.workingDays}个工作日）`;
  if (due.provisional) text += '（按预排节假日计算，以正式公布为准）';
  return text;
}

/**
 * ID numbers are printed masked: the first 6 (region) and last 4 characters stay,
 * the birth date and sequence go. A receipt leaves the hall in the applicant's pocket
 * and the archive copy is read by many hands; 居民身份证法 §19–20 bind staff to keep
 * the card's data confidential and 个人信息保护法 §28 counts the number as sensitive,
 * so paper carries no more than identifies the person to the clerk who has the card.
 * The full number stays in the packet's manifest. Short numbers (passports) keep
 * their first and last two characters. A company's 统一社会信用代码 is public
 * (企业信用信息公示) and printed whole.
 */
export function maskIdNumber(idNumber: string, idType = '居民身份证'): string {
  if (idType === UNIFIED_CREDIT_CODE) return idNumber.trim();
  const chars = [...idNumber.trim()];
  const [head, tail] = chars.length >= 15 ? [6, 4] : chars.length > 4 ? [2, 2] : [0, 0];
  if (head === 0) return '*'.repeat(chars.length);
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(-tail).join('');
}

const UNIFIED_CREDIT_CODE = '统一社会信用代码';

/** A person of the application as the documents name them: by the kind of document they showed (护照, 通行证 …). */
export function personOnPaper(identity: PersonIdentity, notGiven = '（未填写）'): Person {
  return {
    name: identity.name.trim() || notGiven,
    idType: t(`identity.documents.${documentOf(identity)}`),
    idNumber: identity.idNumber.trim() || notGiven,
  };
}

export function describePerson(person: Person): string {
  return `${person.name}（${person.idType}：${maskIdNumber(person.idNumber, person.idType)}）`;
}

/** Ends a clause with 。 unless it already ends with sentence punctuation. */
export function sentence(text: string): string {
  return /[。！？；.!?;]$/.test(text) ? text : `${text}。`;
}

export function formatCount(count: number | string): string {
  return typeof count === 'number' ? String(count) : count;
}

/** 全角空格, the gap between fields on one line. */
export const WIDE_SPACE = '\u3000';

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 12 → 十二, 21 → 二十一 (headings go up to 99). */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new Error(`no Chinese numeral for ${n}`);
  if (n < 10) return DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones === 0 ? '' : DIGITS[ones]}`;
}

// Instant, gentle feedback while the clerk types: the same checks formal review
// makes (src-main/review), worded for the field at hand. They only advise: the
// value is kept as typed, and review is what decides.
import type { AnswerValue, FormField } from '../../../src-main/common/catalog.ts';
import type { PersonIdentity } from '../../../src-main/common/application.ts';
import {
  checkIdNumber,
  isCalendarDate,
  isCreditCode,
  isPhoneNumber,
  isPostalCode,
  isRegionCode,
} from '../../../src-main/common/review/identifiers.ts';
import { t } from '../../../src-main/common/i18n/index.ts';

/** Length of a complete 公民身份号码: checked as soon as it is reached, not only on leaving the field. */
export const ID_NUMBER_LENGTH = 18;

export function idNumberProblem(value: string, today: string): string | undefined {
  if (value.trim() === '') return undefined;
  const check = checkIdNumber(value, today);
  return check.ok ? undefined : t(`intake.checks.idNumber.${check.problem}`);
}

/** Sex and birth date typed beside an ID number must agree with it. */
export function identityProblems(person: PersonIdentity, today: string): { sex?: string; birthDate?: string } {
  const problems: { sex?: string; birthDate?: string } = {};
  if (person.birthDate) {
    if (!isCalendarDate(person.birthDate)) problems.birthDate = t('intake.checks.date');
    else if (person.birthDate > today) problems.birthDate = t('intake.checks.futureDate');
  }
  const check = checkIdNumber(person.idNumber, today);
  if (!check.ok) return problems;
  if (person.sex && person.sex !== check.sex) {
    problems.sex = t('intake.checks.sexMismatch', { sex: t(`intake.applicant.sexes.${check.sex}`) });
  }
  if (!problems.birthDate && person.birthDate && person.birthDate !== check.birthDate) {
    problems.birthDate = t('intake.checks.birthDateMismatch', { date: check.birthDate });
  }
  return problems;
}

/** What a valid ID number says about sex and birth date, for fields still empty. */
export function derivedFromIdNumber(person: PersonIdentity, today: string): Partial<PersonIdentity> {
  const check = checkIdNumber(person.idNumber, today);
  if (!check.ok) return {};
  return {
    ...(person.sex ? {} : { sex: check.sex }),
    ...(person.birthDate ? {} : { birthDate: check.birthDate }),
  };
}

export function regionCodeProblem(value: string): string | undefined {
  return value === '' || isRegionCode(value) ? undefined : t('intake.checks.regionCode');
}

export function creditCodeProblem(value: string): string | undefined {
  return value.trim() === '' || isCreditCode(value) ? undefined : t('intake.checks.creditCode');
}

/** A form answer's problem for its field, or undefined; empty answers are review's business. */
export function answerProblem(field: FormField, value: AnswerValue | undefined, today: string): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  const v = field.validation;
  if (field.type === 'number') {
    if (typeof value !== 'number') return t('intake.checks.number');
    if (v?.min !== undefined && value < v.min) return t('intake.checks.min', { min: v.min });
    if (v?.max !== undefined && value > v.max) return t('intake.checks.max', { max: v.max });
    return undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  switch (field.type) {
    case 'date':
      if (!isCalendarDate(text)) return t('intake.checks.date');
      if (v?.notFuture && text > today) return t('intake.checks.futureDate');
      break;
    case 'idNumber':
      return idNumberProblem(text, today);
    case 'phone':
      if (!isPhoneNumber(text)) return t('intake.checks.phone');
      break;
    case 'regionCode':
      return regionCodeProblem(text);
    case 'postalCode':
      if (!isPostalCode(text)) return t('intake.checks.postalCode');
      break;
    case 'creditCode':
      return creditCodeProblem(text);
    default:
      break;
  }
  if (v?.pattern && !new RegExp(`^(?:${v.pattern})$`, 'u').test(text)) {
    return v.patternMessage ?? t('intake.checks.pattern');
  }
  const length = [...text].length;
  if (v?.maxLength !== undefined && length > v.maxLength) return t('intake.checks.maxLength', { max: v.maxLength });
  if (v?.minLength !== undefined && length < v.minLength) return t('intake.checks.minLength', { min: v.minLength });
  return undefined;
}

/** A number field keeps what was typed: a number when it is one, the text otherwise. */
export function parseNumberAnswer(text: string): AnswerValue {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^-?(0|[1-9]\d*)(\.\d+)?$/.test(trimmed) ? Number(trimmed) : text;
}

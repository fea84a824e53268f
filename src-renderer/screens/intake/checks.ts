// Instant, gentle feedback while the clerk types: the same checks formal review
// makes (src-main/common/review), worded for the field at hand. The value is always
// kept as typed; what is wrong on a step holds the clerk there (`stepProblems`), and
// the core's review refuses to seal it all the same (the law; this is convenience).
import {
  type AnswerValue,
  type FormField,
  fieldsInEffect,
  type ServiceItem,
} from '../../../src-main/common/catalog.ts';
import { documentOf, type IdentityDocument, type PersonIdentity } from '../../../src-main/common/application.ts';
import { LONG_TERM } from '../../../src-main/common/id-card.ts';
import type { DraftState, WizardStep } from '../../../src-main/common/draft.ts';
import {
  checkDocumentNumber,
  checkIdNumber,
  isCalendarDate,
  isCreditCode,
  isPhoneNumber,
  isPostalCode,
  isRegionCode,
  normaliseIdNumber,
} from '../../../src-main/common/review/identifiers.ts';
import { t } from '../../../src-main/common/i18n/index.ts';

/** Length of a complete 公民身份号码: checked as soon as it is reached, not only on leaving the field. */
export const ID_NUMBER_LENGTH = 18;

export function idNumberProblem(value: string, today: string): string | undefined {
  if (value.trim() === '') return undefined;
  const check = checkIdNumber(value, today);
  return check.ok ? undefined : t(`intake.checks.idNumber.${check.problem}`);
}

/** The number of a document of any kind, by its kind's own rule (a resident card's as `idNumberProblem`). */
export function documentNumberProblem(document: IdentityDocument, value: string, today: string): string | undefined {
  if (document === 'resident') return idNumberProblem(value, today);
  if (value.trim() === '') return undefined;
  const check = checkDocumentNumber(document, value, today);
  if (check.ok) return undefined;
  const numberName = t(`identity.numberNames.${document}`);
  return check.problem === 'format'
    ? t('intake.checks.documentNumber', { number: numberName, shape: t(`identity.numberShapes.${document}`) })
    : t('intake.checks.documentNumberProblem', {
        number: numberName,
        problem: t(`identity.numberProblems.${check.problem}`),
      });
}

/** Documents whose number states the holder's birth date and sex. */
const ENCODING_DOCUMENTS: readonly IdentityDocument[] = ['resident', 'hkMacauTaiwan', 'foreignPermanent2023'];

/** Sex and birth date typed beside a number that states them must agree with it. */
export function identityProblems(person: PersonIdentity, today: string): { sex?: string; birthDate?: string } {
  const problems: { sex?: string; birthDate?: string } = {};
  if (person.birthDate) {
    if (!isCalendarDate(person.birthDate)) problems.birthDate = t('intake.checks.date');
    else if (person.birthDate > today) problems.birthDate = t('intake.checks.futureDate');
  }
  const document = documentOf(person);
  if (!ENCODING_DOCUMENTS.includes(document)) return problems;
  const check = checkDocumentNumber(document, person.idNumber, today);
  if (!check.ok || !check.sex || !check.birthDate) return problems;
  if (person.sex && person.sex !== check.sex) {
    problems.sex = t('intake.checks.sexMismatch', { sex: t(`intake.applicant.sexes.${check.sex}`) });
  }
  if (!problems.birthDate && person.birthDate && person.birthDate !== check.birthDate) {
    problems.birthDate = t('intake.checks.birthDateMismatch', { date: check.birthDate });
  }
  return problems;
}

/** What a valid number says about sex and birth date (where it says them), for fields still empty. */
export function derivedFromIdNumber(person: PersonIdentity, today: string): Partial<PersonIdentity> {
  const check = checkDocumentNumber(documentOf(person), person.idNumber, today);
  if (!check.ok) return {};
  return {
    ...(person.sex || !check.sex ? {} : { sex: check.sex }),
    ...(person.birthDate || !check.birthDate ? {} : { birthDate: check.birthDate }),
  };
}

/** An expiry typed by hand: a real date, and the document not expired (review finds that too, as the applicant's). */
export function validToProblem(person: PersonIdentity, today: string): string | undefined {
  const validTo = person.validTo;
  if (validTo === undefined || validTo === LONG_TERM) return undefined;
  if (!isCalendarDate(validTo)) return t('intake.checks.date');
  return validTo < today ? t('intake.checks.expired', { date: validTo }) : undefined;
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

/** The longest answer a form field's control takes (its `maxLength`). */
export const MAX_ANSWER_LENGTH = 2000;

/** The `maxLength` of a text-like field's control on the form. */
export function answerMaxLength(field: FormField): number {
  if (field.type === 'postalCode') return 6;
  if (field.type === 'idNumber' || field.type === 'creditCode') return 32;
  if (field.type === 'number') return 30;
  return MAX_ANSWER_LENGTH;
}

/**
 * What a text-like field holds once `text` is typed or pasted into its control: a single-line
 * input drops line breaks and, as any, stops at its maxLength; then the field's own reading
 * (a number when it is one, an ID number normalised). For what a clerk types, the control
 * has done the first part already.
 */
export function typedAnswer(field: FormField, text: string): AnswerValue {
  const lines = field.type === 'textarea' ? text.replace(/\r\n?/g, '\n') : text.replace(/[\r\n]/g, '');
  const typed = lines.slice(0, answerMaxLength(field));
  if (field.type === 'number') return parseNumberAnswer(typed);
  if (field.type === 'idNumber') return normaliseIdNumber(typed);
  return typed;
}

const isBlank = (value: AnswerValue | undefined) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** What a field shows once it has been left (or the step was tried): its format problem, or that it is required. */
export function fieldProblem(field: FormField, value: AnswerValue | undefined, today: string): string | undefined {
  if (isBlank(value)) return field.required ? t('intake.checks.required') : undefined;
  return answerProblem(field, value, today);
}

/** A problem the clerk must fix before leaving a step, and where it is (the field's key). */
export interface StepProblem {
  key: string;
  message: string;
}

function personProblems(prefix: string, person: PersonIdentity, today: string): StepProblem[] {
  const out: StepProblem[] = [];
  const required = t('intake.checks.required');
  if (person.name.trim() === '') out.push({ key: `${prefix}.name`, message: required });
  // A card the reader read is checked as the card it is (its own findings, shown on the panel).
  if (person.source === 'idCard') return out;
  const document = documentOf(person);
  if (person.idNumber.trim() === '') out.push({ key: `${prefix}.idNumber`, message: required });
  else {
    const id = documentNumberProblem(document, person.idNumber, today);
    if (id) out.push({ key: `${prefix}.idNumber`, message: id });
  }
  if (document === 'passport' && !person.nationality) out.push({ key: `${prefix}.nationality`, message: required });
  const consistency = identityProblems(person, today);
  if (consistency.sex) out.push({ key: `${prefix}.sex`, message: consistency.sex });
  if (consistency.birthDate) out.push({ key: `${prefix}.birthDate`, message: consistency.birthDate });
  return out;
}

/**
 * What the clerk typed wrong or left empty on a step: the wizard does not move on from
 * it until these are fixed. Only the window's own input — what the applicant must
 * bring (materials) is never a reason to hold the clerk.
 */
export function stepProblems(step: WizardStep, item: ServiceItem, state: DraftState, today: string): StepProblem[] {
  switch (step) {
    case 'applicant': {
      const out: StepProblem[] = [];
      if (state.applicantKind === 'company') {
        const company = state.company ?? { name: '', creditCode: '' };
        if (company.name.trim() === '') out.push({ key: 'company.name', message: t('intake.checks.required') });
        const code =
          company.creditCode.trim() === '' ? t('intake.checks.required') : creditCodeProblem(company.creditCode);
        if (code) out.push({ key: 'company.creditCode', message: code });
        if (!state.operatorRole) out.push({ key: 'operatorRole', message: t('intake.checks.chooseOne') });
      }
      out.push(...personProblems('applicant', state.applicant, today));
      const region =
        state.homeRegionCode === '' ? t('intake.checks.required') : regionCodeProblem(state.homeRegionCode);
      if (region) out.push({ key: 'homeRegionCode', message: region });
      if (state.guardian) out.push(...personProblems('guardian', state.guardian.person, today));
      if (state.agent) out.push(...personProblems('agent', state.agent, today));
      return out;
    }
    case 'form':
      return fieldsInEffect(item, state.answers, state.agent !== undefined).flatMap((field) => {
        const message = fieldProblem(field, state.answers[field.key], today);
        return message ? [{ key: `answers.${field.key}`, message }] : [];
      });
    default:
      return [];
  }
}

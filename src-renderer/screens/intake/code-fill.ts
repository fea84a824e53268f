// A code read on a captured page, filled into a field of the item's form (a form's own
// number, a licence's code): which fields can take it, which one to offer first, and what
// the field then holds — exactly what typing or pasting the code's text into that field's
// control would give (typedAnswer), checked as typing is (answerProblem).
import type { AnswerValue, FieldType, FormAnswers, FormField, ServiceItem } from '../../../src-main/common/catalog.ts';
import { fieldsInEffect } from '../../../src-main/common/catalog.ts';
import type { DraftState } from '../../../src-main/common/draft.ts';
import { answerProblem, typedAnswer } from './checks.ts';

/** Fields typed as text (the others are chosen from a list, a date picker or the region picker). */
const TEXT_LIKE: readonly FieldType[] = ['text', 'textarea', 'number', 'idNumber', 'phone', 'postalCode', 'creditCode'];

/** What the capture panel may fill: the form's text fields in effect, and the way to fill one. */
export interface CodeFill {
  fields: FormField[];
  answers: FormAnswers;
  today: string;
  /** Puts `text` into the field as typing would, and saves it; answers the field's problem with it, if any. */
  fill(field: FormField, text: string): string | undefined;
}

/** The form's fields in effect that a code's text can be typed into (民族 is chosen from a list). */
export function codeFillFields(item: ServiceItem, state: DraftState): FormField[] {
  return fieldsInEffect(item, state.answers, state.agent !== undefined).filter(
    (field) => TEXT_LIKE.includes(field.type) && field.prefill !== 'idCard.ethnicity',
  );
}

/**
 * The field offered first for this text: the first one it is valid for and that is still
 * empty, else the first it is valid for, else the first field.
 */
export function suggestedField(
  fields: readonly FormField[],
  answers: FormAnswers,
  text: string,
  today: string,
): FormField | undefined {
  const valid = fields.filter((field) => answerProblem(field, typedAnswer(field, text), today) === undefined);
  const empty = (field: FormField) => {
    const value = answers[field.key];
    return value === undefined || value === null || value === '';
  };
  return valid.find(empty) ?? valid[0] ?? fields[0];
}

/** The answer a field holds once filled from a code, and the problem typing it would show. */
export function fillFromCode(
  field: FormField,
  text: string,
  today: string,
): { value: AnswerValue; problem: string | undefined } {
  const value = typedAnswer(field, text);
  return { value, problem: answerProblem(field, value, today) };
}

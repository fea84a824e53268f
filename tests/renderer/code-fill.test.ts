// Filling a form field with a code read on a captured page: the fields offered are the
// form's text fields in effect; the one offered first is the first the code fits; the field
// then holds what typing or pasting the code into its control gives (line breaks dropped in
// a one-line input, its maxLength kept, a number read as one, an ID number normalised), with
// the problem typing it would show.
import { describe, expect, it } from 'vitest';
import { FormField } from '../../src-main/common/catalog.ts';
import { applyPatch, emptyDraftState } from '../../src-main/common/draft.ts';
import { typedAnswer } from '../../src-renderer/screens/intake/checks.ts';
import { codeFillFields, fillFromCode, suggestedField } from '../../src-renderer/screens/intake/code-fill.ts';
import { APPLICANT_ID, completeSocialCard, SOCIAL_CARD } from './intake-fixtures.ts';
import { seedItem } from './fake-intake.ts';

const TODAY = '2026-12-07';
const field = (type: string, extra: object = {}) => FormField.parse({ key: 'f', label: '栏目', type, ...extra });

describe('filling a form field from a code', () => {
  it('offers the form’s text fields in effect, not lists, dates, the region picker or 民族', () => {
    const item = seedItem(SOCIAL_CARD);
    const state = applyPatch(emptyDraftState('person'), completeSocialCard()).next;
    expect(codeFillFields(item, state).map((f) => f.label)).toEqual(['申请人姓名', '公民身份号码', '联系电话']);
    // 未满16周岁: the guardian's fields come into effect, and are offered too.
    const minor = applyPatch(state, { answers: { minor: true } }).next;
    expect(codeFillFields(item, minor).map((f) => f.key)).toContain('guardianIdNumber');
  });

  it('offers first the first field the code fits that is still empty, else the first it fits', () => {
    const item = seedItem(SOCIAL_CARD);
    const state = applyPatch(emptyDraftState('person'), completeSocialCard()).next;
    const fields = codeFillFields(item, state);
    expect(suggestedField(fields, state.answers, '13900001111', TODAY)?.key).toBe('applicantName');
    expect(suggestedField(fields, { ...state.answers, phone: null }, '13900001111', TODAY)?.key).toBe('phone');
    expect(suggestedField(fields, {}, APPLICANT_ID.toLowerCase(), TODAY)?.key).toBe('applicantName');
    expect(suggestedField(fields, { applicantName: '张伟' }, APPLICANT_ID.toLowerCase(), TODAY)?.key).toBe(
      'applicantIdNumber',
    );
    expect(suggestedField([], {}, 'x', TODAY)).toBeUndefined();
  });

  it('gives the field what typing the code would: one line, its maxLength, numbers and ID numbers read', () => {
    expect(typedAnswer(field('text'), 'TB-2026\r\n-0001')).toBe('TB-2026-0001');
    expect(typedAnswer(field('textarea'), '第一行\r\n第二行')).toBe('第一行\n第二行');
    expect(typedAnswer(field('text'), 'x'.repeat(2500))).toHaveLength(2000);
    expect(typedAnswer(field('postalCode'), '6100411234')).toBe('610041');
    expect(typedAnswer(field('number'), '42.5')).toBe(42.5);
    expect(typedAnswer(field('number'), 'abc')).toBe('abc');
    expect(typedAnswer(field('idNumber'), `${APPLICANT_ID.slice(0, 17)}x`)).toBe(`${APPLICANT_ID.slice(0, 17)}X`);
  });

  it('says the problem typing would show: the code is kept, the clerk is told to check it', () => {
    expect(fillFromCode(field('phone'), 'TB-DOCCAM-E2E-0001', TODAY)).toEqual({
      value: 'TB-DOCCAM-E2E-0001',
      problem: '请填写有效电话号码：手机 11 位，固定电话请带区号。',
    });
    expect(fillFromCode(field('text', { validation: { maxLength: 10 } }), 'EA123456785CN', TODAY).problem).toBe(
      '不能超过 10 个字。',
    );
    expect(fillFromCode(field('text'), 'EA123456785CN', TODAY)).toEqual({ value: 'EA123456785CN', problem: undefined });
  });
});

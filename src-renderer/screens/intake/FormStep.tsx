// 填写表单: the item's application form, generated from its fields. Only fields in
// effect for the answers so far are shown (`when`); fields that name a prefill
// source take the applicant's identity when still empty.
import { useEffect, useState } from 'react';
import type { AnswerValue, FormField } from '../../../src-main/common/catalog.ts';
import { fieldsInEffect } from '../../../src-main/common/catalog.ts';
import { Field, SelectField, TextAreaField } from '../../components/Field.tsx';
import { t } from '../../../src-main/common/i18n/index.ts';
import { answerMaxLength, answerProblem, fieldProblem, ID_NUMBER_LENGTH, typedAnswer } from './checks.ts';
import type { StepProps } from './step-props.ts';
import { useTouched } from './use-touched.ts';
import { DeliveryFields } from './DeliveryFields.tsx';
import { ethnicityOptions, prefillAnswers } from './wizard-model.ts';
import { RegionField } from '../../components/RegionField.tsx';
import { nationalityOf } from '../../../src-main/common/nationalities.ts';

export function FormStep(props: StepProps) {
  const { item, state, update, flush, today, showAll } = props;
  const fields = fieldsInEffect(item, state.answers, state.agent !== undefined);
  const [touched, touch] = useTouched(() =>
    Object.entries(state.answers)
      .filter(([, value]) => value !== null && value !== '')
      .map(([key]) => key),
  );

  // On arrival: fill empty fields from the identity entered on the applicant step.
  const [prefill] = useState(() => prefillAnswers(item, state));
  const prefilled = new Set(Object.keys(prefill));
  useEffect(() => {
    if (Object.keys(prefill).length > 0) update({ answers: prefill }, 'now');
  }, [prefill, update]);

  if (fields.length === 0) return <p className="muted">{t('intake.form.noFields')}</p>;

  const set = (field: FormField, value: AnswerValue, when: 'typing' | 'now') => {
    update({ answers: { [field.key]: value } }, when);
  };
  const leave = (field: FormField) => {
    touch(field.key);
    void flush();
  };

  return (
    <div className="form-grid form-fields">
      {fields.map((field) => (
        <AnswerField
          key={field.key}
          field={field}
          value={state.answers[field.key]}
          prefilled={prefilled.has(field.key)}
          problemShown={touched.has(field.key) || showAll}
          showRequired={showAll}
          today={today}
          onChange={(value, when) => set(field, value, when)}
          onLeave={() => leave(field)}
        />
      ))}
      <DeliveryFields {...props} />
    </div>
  );
}

function AnswerField({
  field,
  value,
  prefilled,
  problemShown,
  showRequired,
  today,
  onChange,
  onLeave,
}: {
  field: FormField;
  value: AnswerValue | undefined;
  prefilled: boolean;
  problemShown: boolean;
  /** An empty required field is a problem too (the clerk tried to leave the step). */
  showRequired: boolean;
  today: string;
  onChange: (value: AnswerValue, when: 'typing' | 'now') => void;
  onLeave: () => void;
}) {
  const text = value === undefined || value === null ? '' : String(value);
  const complete = field.type === 'idNumber' && text.trim().length >= ID_NUMBER_LENGTH;
  const check = showRequired ? fieldProblem : answerProblem;
  const problem = problemShown || complete ? check(field, value, today) : undefined;
  const hint = [field.hint, prefilled ? t('intake.form.prefilled') : undefined].filter(Boolean).join(' ') || undefined;
  const common = {
    label: field.label,
    requiredMark: field.required,
    hint,
    problem,
    onBlur: onLeave,
  };

  // 民族 is chosen from the list, whatever type the catalog gives it.
  if (field.prefill === 'idCard.ethnicity') {
    return (
      <SelectField
        {...common}
        placeholder={t('intake.form.choose')}
        options={ethnicityOptions(text)}
        value={nationalityOf(text)?.name ?? text}
        onChange={(event) => onChange(event.target.value === '' ? null : event.target.value, 'now')}
      />
    );
  }
  switch (field.type) {
    case 'regionCode':
      return (
        <RegionField
          label={field.label}
          requiredMark={field.required}
          hint={hint}
          problem={problem}
          value={text}
          onChange={(code) => onChange(code === '' ? null : code, 'typing')}
          onBlur={onLeave}
        />
      );
    case 'textarea':
      return (
        <TextAreaField
          {...common}
          className="wide"
          maxLength={answerMaxLength(field)}
          value={text}
          onChange={(event) => onChange(typedAnswer(field, event.target.value), 'typing')}
        />
      );
    case 'select':
      return (
        <SelectField
          {...common}
          placeholder={t('intake.form.choose')}
          options={field.options ?? []}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.target.value === '' ? null : event.target.value, 'now')}
        />
      );
    case 'boolean':
      return (
        <SelectField
          {...common}
          placeholder={t('intake.form.choose')}
          options={[
            { value: 'true', label: t('intake.form.yes') },
            { value: 'false', label: t('intake.form.no') },
          ]}
          value={value === true ? 'true' : value === false ? 'false' : ''}
          onChange={(event) => {
            const choice = event.target.value;
            onChange(choice === '' ? null : choice === 'true', 'now');
          }}
        />
      );
    case 'number':
      return (
        <Field
          {...common}
          inputMode="decimal"
          autoComplete="off"
          maxLength={answerMaxLength(field)}
          value={text}
          onChange={(event) => onChange(typedAnswer(field, event.target.value), 'typing')}
        />
      );
    case 'date':
      return (
        <Field
          {...common}
          type="date"
          max={field.validation?.notFuture ? today : undefined}
          value={text}
          onChange={(event) => onChange(event.target.value === '' ? null : event.target.value, 'typing')}
        />
      );
    default:
      return (
        <Field
          {...common}
          type={field.type === 'phone' ? 'tel' : 'text'}
          inputMode={field.type === 'postalCode' ? 'numeric' : undefined}
          spellCheck={field.type === 'text' ? undefined : false}
          autoComplete="off"
          maxLength={answerMaxLength(field)}
          value={text}
          onChange={(event) => onChange(typedAnswer(field, event.target.value), 'typing')}
        />
      );
  }
}

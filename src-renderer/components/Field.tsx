// A labelled input: every field has a real <label>, so it is reachable by its
// Chinese name from assistive technology and from tests (getByLabel). The
// required mark sits outside the label, so the field's name stays its label alone.
import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import { t } from '../../src-main/common/i18n/index.ts';

interface FrameProps {
  label: string;
  hint?: string | undefined;
  /** A message about this field; marks it invalid. */
  problem?: string | undefined;
  /** Shows the 必填 mark beside the label. */
  requiredMark?: boolean | undefined;
}

/** A field's label with the 必填 mark beside it (outside the label, so the name stays the label). */
export function FieldLabel({
  htmlFor,
  label,
  requiredMark,
}: {
  htmlFor: string;
  label: string;
  requiredMark?: boolean | undefined;
}) {
  return (
    <div className="field-label">
      <label htmlFor={htmlFor}>{label}</label>
      {requiredMark && (
        <span className="required-mark" aria-hidden="true">
          {t('intake.form.required')}
        </span>
      )}
    </div>
  );
}

/** Ids and the shared frame (label, mark, hint, problem) around one control. */
function useFrame({ label, hint, problem, requiredMark }: FrameProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;
  const describedBy = [hint ? hintId : '', problem ? problemId : ''].filter(Boolean).join(' ') || undefined;
  const wrap = (control: ReactNode) => (
    <div className="field">
      <FieldLabel htmlFor={id} label={label} requiredMark={requiredMark} />
      {control}
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {problem && (
        <p id={problemId} className="field-problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
  const controlProps = {
    id,
    'aria-describedby': describedBy,
    'aria-invalid': problem ? true : undefined,
    'aria-required': requiredMark ? true : undefined,
  } as const;
  return { wrap, controlProps };
}

interface FieldProps extends FrameProps, Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  ref?: Ref<HTMLInputElement>;
}

export function Field({ label, hint, problem, requiredMark, ...input }: FieldProps) {
  const { wrap, controlProps } = useFrame({ label, hint, problem, requiredMark });
  return wrap(<input {...controlProps} {...input} />);
}

interface TextAreaFieldProps extends FrameProps, Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> {
  ref?: Ref<HTMLTextAreaElement>;
}

export function TextAreaField({ label, hint, problem, requiredMark, ...textarea }: TextAreaFieldProps) {
  const { wrap, controlProps } = useFrame({ label, hint, problem, requiredMark });
  return wrap(<textarea rows={3} {...controlProps} {...textarea} />);
}

interface SelectFieldProps extends FrameProps, Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> {
  options: ReadonlyArray<{ value: string; label: string }>;
  /** A first, empty choice ("请选择") for a value not chosen yet. */
  placeholder?: string | undefined;
}

export function SelectField({ label, hint, problem, requiredMark, options, placeholder, ...select }: SelectFieldProps) {
  const { wrap, controlProps } = useFrame({ label, hint, problem, requiredMark });
  return wrap(
    <select {...controlProps} {...select}>
      {placeholder !== undefined && <option value="">{placeholder}</option>}
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>,
  );
}

// 办理结果送达方式: how the result reaches the applicant, chosen among what the item offers
// (catalog `result.delivery`). Shown when there is a choice, or when the only way is post
// (an address is then needed); review holds the seal back until it is whole (delivery.choice).
import type { ResultDelivery } from '../../../src-main/common/catalog.ts';
import { type DeliveryChoice, deliveryOptions, type PostalAddress } from '../../../src-main/common/delivery.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { isPhoneNumber } from '../../../src-main/common/review/identifiers.ts';
import { Field, SelectField, TextAreaField } from '../../components/Field.tsx';
import type { StepProps } from './step-props.ts';
import { useTouched } from './use-touched.ts';

const POSTAL_LABELS: Record<keyof PostalAddress, string> = {
  recipient: t('intake.form.delivery.recipient'),
  phone: t('intake.form.delivery.phone'),
  address: t('intake.form.delivery.address'),
};

/** Whether the clerk has to ask: more than one way, or post only (an address is needed). */
export function asksDelivery(options: readonly ResultDelivery[]): boolean {
  return options.length > 1 || options[0] === 'post';
}

export function DeliveryFields({ item, state, update, flush, showAll }: StepProps) {
  const options = deliveryOptions(item);
  const [touched, touch] = useTouched(() =>
    state.delivery?.method === 'post' ? ['recipient', 'phone', 'address'] : [],
  );
  if (!asksDelivery(options)) return null;
  const chosen = state.delivery && options.includes(state.delivery.method) ? state.delivery : undefined;
  const names = options.map((o) => t(`intake.guide.delivery.${o}`));

  const choose = (method: ResultDelivery | '') => {
    if (method === '') return;
    const choice: DeliveryChoice =
      method === 'post'
        ? {
            method,
            // The applicant's name and the form's phone, to check with them.
            post: {
              recipient: state.applicant.name,
              phone: typeof state.answers.phone === 'string' ? state.answers.phone : '',
              address: '',
              ...(state.delivery?.method === 'post' ? state.delivery.post : {}),
            },
          }
        : { method };
    update({ delivery: choice }, 'now');
  };
  const setPost = (key: keyof PostalAddress, value: string) => {
    if (chosen?.method !== 'post') return;
    update({ delivery: { method: 'post', post: { ...chosen.post, [key]: value } } }, 'typing');
  };
  const leave = (key: keyof PostalAddress) => {
    touch(key);
    void flush();
  };
  const postProblem = (key: keyof PostalAddress): string | undefined => {
    if (chosen?.method !== 'post' || !(touched.has(key) || showAll)) return undefined;
    const value = chosen.post[key].trim();
    if (value === '') return t('intake.form.delivery.missing', { part: POSTAL_LABELS[key] });
    if (key === 'phone' && !isPhoneNumber(value)) return t('intake.form.delivery.invalidPhone');
    return undefined;
  };

  return (
    <fieldset className="delivery-fields wide">
      <legend>{t('intake.form.delivery.title')}</legend>
      <div className="form-grid">
        <SelectField
          label={t('intake.form.delivery.label')}
          requiredMark
          hint={t('intake.form.delivery.hint', {
            result: item.result?.name ?? '',
            options: names.join(t('intake.guide.deliverySeparator')),
          })}
          problem={showAll && !chosen ? t('intake.form.delivery.notChosen') : undefined}
          placeholder={t('intake.form.choose')}
          options={options.map((o, i) => ({ value: o, label: names[i]! }))}
          value={chosen?.method ?? ''}
          onChange={(event) => choose(event.target.value as ResultDelivery | '')}
        />
        {chosen?.method === 'post' && (
          <>
            <Field
              label={POSTAL_LABELS.recipient}
              requiredMark
              autoComplete="off"
              maxLength={50}
              value={chosen.post.recipient}
              problem={postProblem('recipient')}
              onChange={(event) => setPost('recipient', event.target.value)}
              onBlur={() => leave('recipient')}
            />
            <Field
              label={POSTAL_LABELS.phone}
              requiredMark
              type="tel"
              autoComplete="off"
              maxLength={30}
              value={chosen.post.phone}
              problem={postProblem('phone')}
              onChange={(event) => setPost('phone', event.target.value)}
              onBlur={() => leave('phone')}
            />
            <TextAreaField
              label={POSTAL_LABELS.address}
              requiredMark
              className="wide"
              hint={t('intake.form.delivery.addressHint')}
              maxLength={200}
              value={chosen.post.address}
              problem={postProblem('address')}
              onChange={(event) => setPost('address', event.target.value)}
              onBlur={() => leave('address')}
            />
          </>
        )}
      </div>
    </fieldset>
  );
}

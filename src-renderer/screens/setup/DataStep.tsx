// Step 4, 数据与保存期限: where the data lives (set at install, shown only) and how long
// each kind of record is kept, with the schema's minimums said beside the fields.
import { t } from '../../../src-main/common/i18n/index.ts';
import { Field } from '../../components/Field.tsx';
import { numberText, fieldProblem, RETENTION_RULES, type SetupDraft, wholeNumber, withDraft } from './setup-model.ts';
import type { SetupStepProps } from './step-props.ts';

type RetentionKey = keyof SetupDraft['retention'];

export function DataStep({ state, change, problems, showProblems, setup }: SetupStepProps) {
  const retention = state.draft.retention;
  const set = (key: RetentionKey, typed: string) =>
    change((s) => withDraft(s, (d) => ({ ...d, retention: { ...d.retention, [key]: wholeNumber(typed) } })));
  const field = (key: RetentionKey, hint: string) => (
    <Field
      label={t(`setupWizard.data.${key}`)}
      hint={hint}
      inputMode="numeric"
      requiredMark
      value={numberText(retention[key])}
      problem={showProblems ? fieldProblem(problems, `retention.${key}`) : undefined}
      onChange={(e) => set(key, e.target.value)}
    />
  );
  const daysHint = t('setupWizard.data.daysHint', { min: RETENTION_RULES.minDays, max: RETENTION_RULES.maxDays });
  return (
    <>
      <dl className="facts">
        <dt>{t('setupWizard.data.dataDir')}</dt>
        <dd className="mono" aria-label={t('setupWizard.data.dataDir')}>
          {setup.dataDir}
        </dd>
        <dt>{t('setupWizard.data.configFile')}</dt>
        <dd className="mono">{setup.configFile}</dd>
      </dl>
      <p className="field-hint">{t('setupWizard.data.dataDirHint')}</p>
      <h4>{t('setupWizard.data.retentionTitle')}</h4>
      <p className="muted">{t('setupWizard.data.retentionHint')}</p>
      <div className="form-grid">
        {field('videoDays', daysHint)}
        {field('screenDays', daysHint)}
        {field('eventLogDays', t('setupWizard.data.eventLogHint', { min: RETENTION_RULES.minEventLogDays }))}
      </div>
    </>
  );
}

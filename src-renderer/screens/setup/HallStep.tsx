// Step 1, 大厅与窗口: which hall this is, which window, and where (the region's name under
// its code); and, for a window after the first, the hall's config imported from a file.
import { t } from '../../../src-main/common/i18n/index.ts';
import { Field } from '../../components/Field.tsx';
import { RegionField } from '../../components/RegionField.tsx';
import { fieldProblem, withDraft } from './setup-model.ts';
import { RolloutImport } from './Rollout.tsx';
import type { SetupStepProps } from './step-props.ts';

export function HallStep({ state, change, problems, showProblems }: SetupStepProps) {
  const { draft } = state;
  const problem = (path: string) => (showProblems ? fieldProblem(problems, path) : undefined);
  const setHall = (part: Partial<typeof draft.hall>) =>
    change((s) => withDraft(s, (d) => ({ ...d, hall: { ...d.hall, ...part } })));
  const setWindow = (part: Partial<typeof draft.window>) =>
    change((s) => withDraft(s, (d) => ({ ...d, window: { ...d.window, ...part } })));
  return (
    <>
      {/* First: on the next window of a hall, importing is where the work starts. */}
      <RolloutImport change={change} />
      <div className="form-grid">
        <Field
          label={t('setupWizard.hall.hallId')}
          hint={t('setupWizard.hall.hallIdHint')}
          requiredMark
          spellCheck={false}
          value={draft.hall.id}
          problem={problem('hall.id')}
          onChange={(e) => setHall({ id: e.target.value })}
        />
        <Field
          label={t('setupWizard.hall.hallName')}
          hint={t('setupWizard.hall.hallNameHint')}
          requiredMark
          value={draft.hall.name}
          problem={problem('hall.name')}
          onChange={(e) => setHall({ name: e.target.value })}
        />
        <Field
          label={t('setupWizard.hall.phone')}
          hint={t('setupWizard.hall.phoneHint')}
          value={draft.hall.phone ?? ''}
          problem={problem('hall.phone')}
          // Left blank: the schema's default (12345, the national hotline).
          onChange={(e) => setHall({ phone: e.target.value || undefined })}
        />
      </div>
      <div className="form-grid">
        <Field
          label={t('setupWizard.hall.windowId')}
          hint={t('setupWizard.hall.windowIdHint')}
          requiredMark
          spellCheck={false}
          className="mono-input"
          value={draft.window.id}
          problem={problem('window.id')}
          onChange={(e) => setWindow({ id: e.target.value })}
        />
        <Field
          label={t('setupWizard.hall.windowName')}
          hint={t('setupWizard.hall.windowNameHint')}
          requiredMark
          value={draft.window.name}
          problem={problem('window.name')}
          onChange={(e) => setWindow({ name: e.target.value })}
        />
        <RegionField
          label={t('setupWizard.hall.regionCode')}
          hint={t('setupWizard.hall.regionCodeHint')}
          requiredMark
          value={draft.regionCode}
          problem={problem('regionCode')}
          onChange={(code) => change((s) => withDraft(s, (d) => ({ ...d, regionCode: code })))}
        />
      </div>
    </>
  );
}

// Step 5, 检查并保存: the core judges the whole draft (`setup.validate`), each problem listed
// under its step with the way back to it; 保存配置 writes the config and the tokens at once
// (`setup.save`), or nothing, saying why and keeping every field as typed.
import { useEffect, useRef, useState } from 'react';
import type { ConfigProblem } from '../../../src-main/api/contract/setup.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { ErrorNotice, StatusNotice } from '../../components/Notice.tsx';
import {
  configOf,
  fieldName,
  problemsOfStep,
  problemText,
  saveInput,
  SETUP_STEPS,
  type SetupStep,
  tokenProblems,
} from './setup-model.ts';
import type { SetupStepProps } from './step-props.ts';

type Outcome = { kind: 'valid' } | { kind: 'problems'; problems: ConfigProblem[]; refusedSave: boolean };

export function ReviewStep({
  state,
  change,
  goTo,
  onSaved,
}: SetupStepProps & { goTo: (step: SetupStep) => void; onSaved: () => void }) {
  const api = useApi();
  const validate = useAction();
  const save = useAction();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  const judge = (problems: ConfigProblem[], refusedSave = false) => {
    const all = [...problems, ...tokenProblems(stateRef.current)];
    setOutcome(all.length === 0 ? { kind: 'valid' } : { kind: 'problems', problems: all, refusedSave });
    // From now on every step shows what is wrong in it.
    change((s) => ({ ...s, checked: true }));
  };

  const runValidate = () =>
    validate.run(async () => {
      setOutcome(null);
      const { problems } = await api.call('setup.validate', { config: configOf(stateRef.current.draft) });
      judge(problems);
    });

  // Arriving here checks the whole at once.
  useEffect(() => {
    void runValidate();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const runSave = () =>
    save.run(async () => {
      const local = tokenProblems(stateRef.current);
      if (local.length > 0) return judge([], true);
      const result = await api.call('setup.save', saveInput(stateRef.current));
      if (result.saved) onSaved();
      else judge(result.problems, true);
    });

  const tokens = saveInput(state).tokens.length;
  const busy = validate.busy || save.busy;
  return (
    <>
      <p className="muted">{t('setupWizard.review.hint')}</p>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void runValidate()}>
          {t('setupWizard.review.validate')}
        </button>
      </div>
      {validate.busy && <StatusNotice message={t('setupWizard.review.validating')} />}
      <ErrorNotice message={validate.error} />
      {outcome?.kind === 'valid' && <StatusNotice message={t('setupWizard.review.valid')} />}
      {outcome?.kind === 'problems' && (
        <div className="setup-problems">
          <p className="notice notice-error" role="alert">
            {outcome.refusedSave
              ? t('setupWizard.review.notSaved', { count: outcome.problems.length })
              : t('setupWizard.review.problems', { count: outcome.problems.length })}
          </p>
          {SETUP_STEPS.map((step) => {
            const problems = problemsOfStep(outcome.problems, step);
            if (problems.length === 0) return null;
            const stepName = step === 'review' ? t('setupWizard.review.general') : t(`setupWizard.steps.${step}`);
            return (
              <section key={step} className="setup-problem-group" aria-label={stepName}>
                <h4>{stepName}</h4>
                <ul>
                  {problems.map((problem, index) => (
                    <li key={`${problem.path}-${index}`}>
                      <strong>{fieldName(problem.path, state.draft)}</strong>：
                      <span>{problemText(problem.message)}</span>
                    </li>
                  ))}
                </ul>
                {step !== 'review' && (
                  <button type="button" onClick={() => goTo(step)}>
                    {t('setupWizard.review.goTo', { step: stepName })}
                  </button>
                )}
              </section>
            );
          })}
        </div>
      )}
      {tokens > 0 && <p className="muted">{t('setupWizard.review.tokens', { count: tokens })}</p>}
      <p className="field-hint">{t('setupWizard.review.saveHint')}</p>
      <div className="actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void runSave()}>
          {t('setupWizard.review.save')}
        </button>
      </div>
      {save.busy && <StatusNotice message={t('setupWizard.review.saving')} />}
      {save.error && <ErrorNotice message={t('setupWizard.review.saveFailed', { message: save.error })} />}
    </>
  );
}

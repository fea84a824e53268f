// 设置向导 (installer): 大厅与窗口 · 审批部门 · 设备 · 数据与保存期限 · 检查并保存, then the
// check of everything after the core restarted on the saved config. The draft lives here
// only, until 保存配置; every step can be skipped and come back to, and the step list on
// the left says which are done, skipped or have a problem. Alt+←/Alt+→ and Alt+1…5 move
// between steps from any field.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SetupState } from '../../../src-main/api/contract/setup.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { describeError } from '../../app/errors.ts';
import { rememberCounterCamera } from '../../devices/countercam/camera.ts';
import { rememberLabel as rememberDocumentCamera } from '../../devices/doccam/camera.ts';
import { ErrorNotice } from '../../components/Notice.tsx';
import { ConfirmPanel } from '../intake/ConfirmPanel.tsx';
import { DataStep } from './DataStep.tsx';
import { DepartmentsStep } from './DepartmentsStep.tsx';
import { DevicesStep } from './DevicesStep.tsx';
import { FinalCheck } from './FinalCheck.tsx';
import { HallStep } from './HallStep.tsx';
import { ReviewStep } from './ReviewStep.tsx';
import {
  draftProblems,
  initialState,
  leave,
  markFinalCheck,
  problemsOfStep,
  SETUP_STEPS,
  type SetupStep,
  skip,
  stepAfter,
  stepMark,
  tokenProblems,
  type WizardState,
} from './setup-model.ts';
import type { SetupStepProps } from './step-props.ts';

const stepShortcut = (step: SetupStep) => `Alt+${SETUP_STEPS.indexOf(step) + 1}`;

/** The wizard in the installer's area; `finalCheck`: only the check owed after a save (the page was rebuilt). */
export function SetupWizard({ onClose, finalCheck = false }: { onClose: () => void; finalCheck?: boolean }) {
  const api = useApi();
  const [setup, setSetup] = useState<SetupState | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState<'saved' | 'rebuilt' | null>(finalCheck ? 'rebuilt' : null);

  useEffect(() => {
    if (finalCheck) return;
    let live = true;
    api.call('setup.state', {}).then(
      (state) => {
        if (live) setSetup(state);
      },
      (error: unknown) => {
        if (live) setFailure(describeError(error));
      },
    );
    return () => {
      live = false;
    };
  }, [api, finalCheck]);

  const heading = (
    <div className="area-head">
      <div>
        <h2 id="setup-wizard-title" tabIndex={-1}>
          {saved ? t('setupWizard.finalCheck.title') : t('setupWizard.title')}
        </h2>
        {!saved && <p className="muted">{t('setupWizard.intro')}</p>}
      </div>
    </div>
  );

  let body;
  if (saved) body = <FinalCheck afterSave={saved === 'saved'} onDone={onClose} />;
  else if (failure) {
    body = (
      <>
        <ErrorNotice message={failure} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('setupWizard.leave')}
          </button>
        </div>
      </>
    );
  } else if (!setup) body = <p className="muted">{t('setupWizard.loading')}</p>;
  else body = <WizardSteps setup={setup} onClose={onClose} onSaved={() => setSaved('saved')} />;

  return (
    <section className="area setup-wizard" aria-labelledby="setup-wizard-title">
      {heading}
      {body}
    </section>
  );
}

function WizardSteps({ setup, onClose, onSaved }: { setup: SetupState; onClose: () => void; onSaved: () => void }) {
  const [state, setState] = useState<WizardState>(() => initialState(setup.config));
  const [step, setStep] = useState<SetupStep>('hall');
  const [confirmLeave, setConfirmLeave] = useState(false);
  const bodyRef = useRef<HTMLDivElement>(null);
  // Opening the wizard lands in its first step, as does every step change.
  const focusStep = useRef(true);
  const problems = useMemo(() => [...draftProblems(state.draft), ...tokenProblems(state)], [state]);

  const change = useCallback((next: (state: WizardState) => WizardState) => setState(next), []);

  /** Moves to `next`; the step left counts as worked through (done, or marked with its problems). */
  const goTo = useCallback(
    (next: SetupStep | undefined, how: 'leave' | 'skip' = 'leave') => {
      if (!next || next === step) return;
      setState((current) => (how === 'skip' ? skip(current, step) : leave(current, step)));
      focusStep.current = true;
      setStep(next);
    },
    [step],
  );

  useEffect(() => {
    if (!focusStep.current) return;
    focusStep.current = false;
    bodyRef.current?.querySelector<HTMLElement>('h3')?.focus();
  }, [step]);

  useEffect(() => {
    if (confirmLeave) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.isComposing) return;
      const digit = /^(?:Digit|Numpad)([1-9])$/.exec(event.code)?.[1];
      if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
        goTo(stepAfter(step, event.key === 'ArrowRight' ? 1 : -1));
      } else if (digit !== undefined && SETUP_STEPS[Number(digit) - 1]) {
        goTo(SETUP_STEPS[Number(digit) - 1]);
      } else return;
      // Taken here, before the shell's Alt+digit (areas) sees it.
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [confirmLeave, step, goTo]);

  const saved = () => {
    markFinalCheck();
    // The capture and recording screens open the camera they remember on this PC: the one chosen here.
    const { documentCamera, counterCamera } = state.draft.devices;
    if (documentCamera.transport === 'uvc' && documentCamera.deviceLabel)
      rememberDocumentCamera(documentCamera.deviceLabel);
    if (counterCamera.transport === 'uvc' && counterCamera.deviceLabel)
      rememberCounterCamera(counterCamera.deviceLabel);
    onSaved();
  };

  const showProblems = state.left.includes(step) || state.checked;
  const stepProps: SetupStepProps = { state, change, problems, showProblems, setup };
  const toFix = showProblems ? problemsOfStep(problems, step).length : 0;
  const prev = stepAfter(step, -1);
  const next = stepAfter(step, 1);

  return (
    <div className="setup-layout">
      <nav className="setup-steps" aria-label={t('setupWizard.stepNav')}>
        <ol>
          {SETUP_STEPS.map((id, index) => {
            const mark = stepMark(state, id, problems);
            return (
              <li key={id} className={`setup-step step-${mark}`}>
                <button
                  type="button"
                  aria-current={id === step ? 'step' : undefined}
                  aria-keyshortcuts={stepShortcut(id)}
                  title={t('setupWizard.stepShortcut', { step: t(`setupWizard.steps.${id}`), keys: stepShortcut(id) })}
                  onClick={() => goTo(id)}
                >
                  <span className="step-number" aria-hidden="true">
                    {index + 1}
                  </span>
                  <span className="setup-step-name">{t(`setupWizard.steps.${id}`)}</span>
                  {mark !== 'todo' && <span className="setup-step-mark">{t(`setupWizard.marks.${mark}`)}</span>}
                </button>
              </li>
            );
          })}
        </ol>
      </nav>
      <div className="setup-main">
        <div className="step-body" ref={bodyRef}>
          <h3 tabIndex={-1}>{t(`setupWizard.steps.${step}`)}</h3>
          {step === 'hall' && <HallStep {...stepProps} />}
          {step === 'departments' && <DepartmentsStep {...stepProps} />}
          {step === 'devices' && <DevicesStep {...stepProps} />}
          {step === 'data' && <DataStep {...stepProps} />}
          {step === 'review' && <ReviewStep {...stepProps} goTo={(to) => goTo(to)} onSaved={saved} />}
        </div>
        {toFix > 0 && step !== 'review' && (
          <p className="notice notice-error" role="alert">
            {t('setupWizard.stepProblems', { count: toFix })}
          </p>
        )}
        <div className="wizard-actions">
          <div className="actions">
            <button type="button" disabled={!prev} aria-keyshortcuts="Alt+ArrowLeft" onClick={() => goTo(prev)}>
              {t('setupWizard.prev')}
              <kbd aria-hidden="true">Alt+←</kbd>
            </button>
            {next && (
              <>
                <button type="button" onClick={() => goTo(next, 'skip')}>
                  {t('setupWizard.skip')}
                </button>
                <button type="button" className="primary" aria-keyshortcuts="Alt+ArrowRight" onClick={() => goTo(next)}>
                  {t('setupWizard.next')}
                  <kbd aria-hidden="true">Alt+→</kbd>
                </button>
              </>
            )}
          </div>
          <div className="actions">
            <button type="button" onClick={() => setConfirmLeave(true)}>
              {t('setupWizard.leave')}
            </button>
          </div>
        </div>
        {confirmLeave && (
          <ConfirmPanel
            message={t('setupWizard.leaveConfirm')}
            confirm={t('setupWizard.leaveYes')}
            danger
            onConfirm={onClose}
            onCancel={() => setConfirmLeave(false)}
          />
        )}
      </div>
    </div>
  );
}

// After saving: the core restarts on the new config (the link drops and comes back by
// itself), then the check of everything runs — the doctor's lines, green or red. Which
// check is still owed is kept in sessionStorage, so a page rebuilt by the restart (or a
// sign-in again) still ends here.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CheckReport } from '../../../src-main/common/doctor.ts';
import { hallDateTime } from '../../../src-main/common/hall-time.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { describeError } from '../../app/errors.ts';
import { ErrorNotice, StatusNotice } from '../../components/Notice.tsx';
import { CheckLines } from './CheckLines.tsx';
import { RolloutExport } from './Rollout.tsx';
import { clearFinalCheck } from './setup-model.ts';

/** Without word from the link (Electron's IPC tells none), the restart is taken as begun after this. */
const RESTART_GRACE_MS = 4000;
const RETRY_MS = 1500;
const SLOW_AFTER_MS = 20_000;
const GIVE_UP_AFTER_MS = 120_000;

type Phase =
  | { kind: 'restarting'; slow: boolean }
  | { kind: 'checking' }
  | { kind: 'report'; report: CheckReport }
  | { kind: 'failed'; message: string };

export function FinalCheck({ afterSave, onDone }: { afterSave: boolean; onDone: () => void }) {
  const api = useApi();
  const [phase, setPhase] = useState<Phase>(afterSave ? { kind: 'restarting', slow: false } : { kind: 'checking' });
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  /** Asks for the check until the restarted core answers, or it is time to give up. */
  const check = useCallback(
    async (until: number): Promise<Phase> => {
      for (;;) {
        try {
          const report = await api.call('setup.check', {});
          clearFinalCheck();
          return { kind: 'report', report };
        } catch (failure) {
          if (Date.now() >= until || !live.current) return { kind: 'failed', message: describeError(failure) };
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
    },
    [api],
  );
  const show = useCallback((phase: Phase) => {
    if (live.current) setPhase(phase);
  }, []);

  useEffect(() => {
    if (!afterSave) {
      void check(Date.now()).then(show);
      return;
    }
    const started = Date.now();
    let begun = false;
    const begin = () => {
      if (begun) return;
      begun = true;
      setPhase((current) => (current.kind === 'restarting' ? { kind: 'checking' } : current));
      void check(started + GIVE_UP_AFTER_MS).then(show);
    };
    // The link came back: the core answering now is the restarted one.
    const off = api.onConnection((state) => {
      if (state === 'up') begin();
    });
    const grace = setTimeout(begin, RESTART_GRACE_MS);
    const slow = setTimeout(
      () => setPhase((current) => (current.kind === 'restarting' ? { kind: 'restarting', slow: true } : current)),
      SLOW_AFTER_MS,
    );
    return () => {
      off();
      clearTimeout(grace);
      clearTimeout(slow);
    };
  }, [afterSave, api, check, show]);

  const recheck = () => {
    setPhase({ kind: 'checking' });
    void check(Date.now()).then(show);
  };
  const done = () => {
    clearFinalCheck();
    onDone();
  };

  const failing = phase.kind === 'report' ? phase.report.lines.filter((line) => line.state === 'fail').length : 0;
  return (
    <div className="final-check">
      <p className="muted">{t('setupWizard.finalCheck.hint')}</p>
      {phase.kind === 'restarting' && (
        <StatusNotice
          message={phase.slow ? t('setupWizard.finalCheck.slow') : t('setupWizard.finalCheck.restarting')}
        />
      )}
      {phase.kind === 'checking' && <StatusNotice message={t('setupWizard.finalCheck.checking')} />}
      {phase.kind === 'failed' && (
        <ErrorNotice message={t('setupWizard.finalCheck.failed', { message: phase.message })} />
      )}
      {phase.kind === 'report' && (
        <>
          {phase.report.ok ? (
            <StatusNotice message={t('setupWizard.finalCheck.allOk')} />
          ) : (
            <p className="notice notice-error" role="alert">
              {t('setupWizard.finalCheck.someFail', { count: failing })}
            </p>
          )}
          <p className="muted">
            {t('setupWizard.finalCheck.checkedAt', { time: hallDateTime(phase.report.checkedAt) })}
          </p>
          <CheckLines report={phase.report} label={t('setupWizard.finalCheck.title')} />
        </>
      )}
      <div className="actions">
        <button type="button" disabled={phase.kind === 'restarting' || phase.kind === 'checking'} onClick={recheck}>
          {t('setupWizard.finalCheck.recheck')}
        </button>
        <button type="button" className="primary" onClick={done}>
          {t('setupWizard.finalCheck.done')}
        </button>
      </div>
      {phase.kind === 'report' && <RolloutExport />}
    </div>
  );
}

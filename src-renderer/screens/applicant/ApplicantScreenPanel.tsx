// The clerk's view of the applicant screen, in the review step before sealing: whether
// one is paired (and a pairing code for the browser host's page), what it shows, what
// the applicant answered (confirmed; a correction asked for, with the note; consent
// refused), the buttons that put a stage on it, and the record of why no confirmation
// was possible when there is no screen or the applicant cannot use it.
import { useEffect, useState } from 'react';
import type { ApplicantAnswer, ApplicantStatus, AppInfo } from '../../../src-main/api/contract/index.ts';
import { MAX_WAIVE_REASON } from '../../../src-main/common/applicant.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { ErrorNotice } from '../../components/Notice.tsx';
import { PairingCode } from './PairingCode.tsx';
import { useApplicantStatus } from './use-applicant-status.ts';

export function ApplicantScreenPanel({ draftId }: { draftId: string }) {
  const api = useApi();
  const action = useAction();
  const [status, setStatus] = useApplicantStatus();
  const [host, setHost] = useState<AppInfo['host'] | null>(null);
  const [waiving, setWaiving] = useState(false);
  const [reason, setReason] = useState('');

  useEffect(() => {
    let live = true;
    api.call('app.info', {}).then(
      (info) => live && setHost(info.host),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api]);

  const change = (tag: string, work: () => Promise<ApplicantStatus>) =>
    void action.run(async () => setStatus(await work()), { tag });

  if (!status) return null;
  const here = status.subject === draftId;
  const answer =
    status.answer && 'draftId' in status.answer && status.answer.draftId === draftId ? status.answer : null;
  const summary = status.paired
    ? t('applicant.panel.paired')
    : status.lost
      ? t('applicant.panel.lost')
      : host === 'electron'
        ? t('applicant.panel.noScreen')
        : t('applicant.panel.notPaired');

  return (
    <section className="panel applicant-panel" aria-labelledby="applicant-panel-title" data-paired={status.paired}>
      <h3 id="applicant-panel-title">{t('applicant.panel.title')}</h3>
      <p className={status.lost ? 'notice notice-error' : 'muted'} role="status">
        {summary}
      </p>
      {status.paired && here && (
        <p className="muted">{t('applicant.panel.stage', { stage: t(`applicant.panel.stages.${status.stage}`) })}</p>
      )}
      {answer && <AnswerLine answer={answer} />}
      {status.confirmationRequired && answer?.kind !== 'confirmed' && (
        <p className="field-hint">{t('applicant.panel.required')}</p>
      )}
      {host === 'browser' && <PairingCode paired={status.paired} />}
      <div className="button-row">
        {status.paired && (
          <>
            <button
              type="button"
              className="primary"
              disabled={action.busy}
              onClick={() => change('confirm', () => api.call('applicant.showForConfirmation', { draftId }))}
            >
              {t('applicant.panel.showConfirm')}
            </button>
            <button
              type="button"
              disabled={action.busy}
              onClick={() => change('consent', () => api.call('applicant.askConsent', { draftId }))}
            >
              {t('applicant.panel.askConsent')}
            </button>
            <button
              type="button"
              disabled={action.busy}
              onClick={() => change('signature', () => api.call('applicant.askSignature', { draftId }))}
            >
              {t('applicant.panel.askSignature')}
            </button>
            <button
              type="button"
              disabled={action.busy}
              onClick={() => change('clear', () => api.call('applicant.clear', {}))}
            >
              {t('applicant.panel.clear')}
            </button>
          </>
        )}
        {!waiving && (
          <button type="button" disabled={action.busy} onClick={() => setWaiving(true)}>
            {t('applicant.panel.waive')}
          </button>
        )}
      </div>
      {waiving && (
        <form
          className="applicant-waive"
          onSubmit={(event) => {
            event.preventDefault();
            change('waive', async () => {
              const next = await api.call('applicant.waiveConfirmation', { draftId, reason });
              setWaiving(false);
              setReason('');
              return next;
            });
          }}
        >
          <label htmlFor="applicant-waive-reason">{t('applicant.panel.waiveReason')}</label>
          <textarea
            id="applicant-waive-reason"
            rows={2}
            maxLength={MAX_WAIVE_REASON}
            placeholder={t('applicant.panel.waivePlaceholder')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            autoFocus
          />
          <div className="button-row">
            <button type="submit" disabled={action.busy || reason.trim().length < 2}>
              {t('applicant.panel.waiveSubmit')}
            </button>
            <button type="button" onClick={() => setWaiving(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
      <ErrorNotice message={action.error} />
    </section>
  );
}

function AnswerLine({ answer }: { answer: ApplicantAnswer }) {
  const text = (() => {
    switch (answer.kind) {
      case 'consent':
        return t(answer.granted ? 'applicant.panel.answers.consentGranted' : 'applicant.panel.answers.consentRefused');
      case 'confirmed':
        return t('applicant.panel.answers.confirmed');
      case 'correctionRequested':
        return t('applicant.panel.answers.correctionRequested', {
          note: answer.note || t('applicant.panel.answers.noNote'),
        });
      case 'signed':
        return t('applicant.panel.answers.signed');
      case 'rated':
        return t('applicant.panel.answers.rated');
    }
  })();
  const attention = answer.kind === 'correctionRequested' || (answer.kind === 'consent' && !answer.granted);
  return (
    <p className={attention ? 'notice notice-error' : 'notice notice-ok'} role="status" data-answer={answer.kind}>
      {text}
    </p>
  );
}

/** The status bar's item: 申请人屏 paired, unpaired or lost (for a clerk). */
export function ApplicantStatusItem() {
  const [status] = useApplicantStatus();
  if (!status) return null;
  const state = status.paired ? 'paired' : status.lost ? 'lost' : 'unpaired';
  return (
    <span className={`applicant-status applicant-status-${state}`} data-state={state}>
      {t(`applicant.status.${state}`)}
    </span>
  );
}

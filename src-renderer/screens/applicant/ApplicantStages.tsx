// What the applicant screen shows at each stage, in large type and high contrast, with
// touch targets of at least 48 px; the keyboard works too (Tab and Enter). The signature
// pad and the rating form are mount points their own modules fill (`slots`).
import { type ReactNode, useState } from 'react';
import type { ApplicantScreen, ConfirmationView, SignatureInput } from '../../../src-main/api/contract/index.ts';
import { MAX_CORRECTION_NOTE } from '../../../src-main/common/applicant.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import type { RatingInput } from '../../../src-main/common/rating.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { ErrorNotice } from '../../components/Notice.tsx';

/** The mount points for the signature pad and the rating form (helpers "signature" and "rating"). */
export interface ApplicantSlots {
  signature?: (props: { draftId: string; submit: (input: SignatureInput) => Promise<void> }) => ReactNode;
  rating?: (props: { packetId: string; submit: (input: RatingInput) => Promise<void> }) => ReactNode;
}

export function ApplicantStage({
  screen,
  onScreen,
  slots = {},
}: {
  screen: ApplicantScreen;
  /** The screen the core answered with (the next stage). */
  onScreen: (screen: ApplicantScreen) => void;
  slots?: ApplicantSlots;
}) {
  const api = useApi();
  const action = useAction();
  const answer = (work: () => Promise<ApplicantScreen>) => void action.run(async () => onScreen(await work()));

  let body: ReactNode;
  switch (screen.stage) {
    case 'idle':
      body = (
        <>
          <h1>{t('applicant.idle.welcome')}</h1>
          <p className="applicant-lead">{t('applicant.idle.wait')}</p>
        </>
      );
      break;
    case 'consent':
      body = (
        <section aria-labelledby="consent-title">
          <h1 id="consent-title">{t('applicant.consent.title')}</h1>
          <ul className="applicant-text">
            <li>{t('applicant.consent.purpose')}</li>
            {screen.notice.retentionDays > 0 ? (
              <>
                <li>{t('applicant.consent.kept')}</li>
                <li>{t('applicant.consent.retention', { days: screen.notice.retentionDays })}</li>
              </>
            ) : (
              <li>{t('applicant.consent.keptNone')}</li>
            )}
          </ul>
          <p className="applicant-lead">{t('applicant.consent.choice')}</p>
          <div className="applicant-buttons">
            <button
              type="button"
              className="primary"
              disabled={action.busy}
              onClick={() => answer(() => api.call('applicant.consent', { granted: true }))}
            >
              {t('applicant.consent.grant')}
            </button>
            <button
              type="button"
              disabled={action.busy}
              onClick={() => answer(() => api.call('applicant.consent', { granted: false }))}
            >
              {t('applicant.consent.refuse')}
            </button>
          </div>
          <p className="applicant-fine">{t('applicant.consent.version', { version: screen.notice.noticeVersion })}</p>
        </section>
      );
      break;
    case 'confirm':
      body = (
        <ConfirmStage
          view={screen.view}
          busy={action.busy}
          onConfirm={() => answer(() => api.call('applicant.confirm', { viewHash: screen.viewHash }))}
          onCorrect={(note) =>
            answer(() => api.call('applicant.requestCorrection', note.trim() ? { note: note.trim() } : {}))
          }
        />
      );
      break;
    case 'signature':
      body = (
        // The pad and the form carry their own heading; only the placeholder needs this one.
        <section aria-label={t('applicant.signature.title')}>
          {!slots.signature && <h1>{t('applicant.signature.title')}</h1>}
          {slots.signature ? (
            slots.signature({
              draftId: screen.draftId,
              submit: async (input) => onScreen(await api.call('applicant.sign', input)),
            })
          ) : (
            <p className="applicant-lead">{t('applicant.signature.placeholder')}</p>
          )}
        </section>
      );
      break;
    case 'rating':
      body = (
        <section aria-label={t('applicant.rating.title')}>
          {!slots.rating && <h1>{t('applicant.rating.title')}</h1>}
          {slots.rating ? (
            slots.rating({
              packetId: screen.packetId,
              submit: async (input) => onScreen(await api.call('applicant.rate', input)),
            })
          ) : (
            <p className="applicant-lead">{t('applicant.rating.placeholder')}</p>
          )}
        </section>
      );
      break;
    case 'call':
      // 视频会商: the applicant is told the call is on and recorded, sound and picture.
      body = (
        <section aria-labelledby="call-title" className="applicant-call">
          <h1 id="call-title">{t('calls.applicant.title', { department: screen.departmentName })}</h1>
          <p className="applicant-lead">{t('calls.applicant.recorded')}</p>
          <p className="applicant-text">{t('calls.applicant.wait')}</p>
        </section>
      );
      break;
    case 'thanks':
      body = (
        <>
          <h1>{t('applicant.thanks.title')}</h1>
          <p className="applicant-lead">{t('applicant.thanks.body')}</p>
        </>
      );
      break;
  }

  return (
    <main className={`applicant-page applicant-${screen.stage}`} data-stage={screen.stage}>
      <p className="applicant-place">
        {screen.hallName} · {screen.windowName}
      </p>
      {body}
      <ErrorNotice message={action.error} />
    </main>
  );
}

function ConfirmStage({
  view,
  busy,
  onConfirm,
  onCorrect,
}: {
  view: ConfirmationView;
  busy: boolean;
  onConfirm: () => void;
  onCorrect: (note: string) => void;
}) {
  const [correcting, setCorrecting] = useState(false);
  const [note, setNote] = useState('');
  const none = <p>{t('applicant.confirm.none')}</p>;
  return (
    <section aria-labelledby="confirm-title" className="applicant-confirm">
      <h1 id="confirm-title">{t('applicant.confirm.title')}</h1>
      <h2>{t('applicant.confirm.identity')}</h2>
      <dl className="applicant-facts">
        {view.identity.map((person) => (
          <div key={`${person.role}-${person.idNumber}`}>
            <dt>{t(`applicant.confirm.roles.${person.role}`)}</dt>
            <dd>
              {person.name} <span className="applicant-id">{person.idNumber}</span>
            </dd>
          </div>
        ))}
      </dl>
      <h2>{t('applicant.confirm.item')}</h2>
      <p className="applicant-lead">
        {view.item.name} <span className="applicant-code">{view.item.code}</span>
      </p>
      <h2>{t('applicant.confirm.answers')}</h2>
      {view.answers.length === 0 ? (
        none
      ) : (
        <dl className="applicant-facts">
          {view.answers.map((a) => (
            <div key={a.label}>
              <dt>{a.label}</dt>
              <dd>{a.value}</dd>
            </div>
          ))}
        </dl>
      )}
      <h2>{t('applicant.confirm.materials')}</h2>
      {view.materials.length === 0 ? (
        none
      ) : (
        <ul className="applicant-text">
          {view.materials.map((m) => (
            <li key={m.name}>
              {m.name}：{t('applicant.confirm.counts', m)}
            </li>
          ))}
        </ul>
      )}
      <h2>{t('applicant.confirm.outcome')}</h2>
      <p className="applicant-lead">
        {t(`outcomes.${view.outcome}`)}
        {view.deadline && <> · {t('applicant.confirm.deadline', { date: view.deadline })}</>}
      </p>
      {view.notice.length > 0 && (
        <>
          <h3>{t('applicant.confirm.notice')}</h3>
          <ol className="applicant-text">
            {view.notice.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ol>
        </>
      )}
      {correcting ? (
        <div className="applicant-correction">
          <label htmlFor="correction-note">{t('applicant.confirm.notePrompt')}</label>
          <textarea
            id="correction-note"
            maxLength={MAX_CORRECTION_NOTE}
            rows={3}
            placeholder={t('applicant.confirm.notePlaceholder')}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            autoFocus
          />
          <div className="applicant-buttons">
            <button type="button" className="primary" disabled={busy} onClick={() => onCorrect(note)}>
              {t('applicant.confirm.sendCorrection')}
            </button>
            <button type="button" disabled={busy} onClick={() => setCorrecting(false)}>
              {t('applicant.confirm.back')}
            </button>
          </div>
        </div>
      ) : (
        <div className="applicant-buttons">
          <button type="button" className="primary" disabled={busy} onClick={onConfirm}>
            {t('applicant.confirm.ok')}
          </button>
          <button type="button" disabled={busy} onClick={() => setCorrecting(true)}>
            {t('applicant.confirm.correct')}
          </button>
        </div>
      )}
    </section>
  );
}

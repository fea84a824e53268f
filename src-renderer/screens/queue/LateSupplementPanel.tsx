// A 补正 answered after its last day is 视为放弃 unless someone decides to go on: the
// clerk writes why (the department extended it, the applicant was prevented …), and the
// reason travels with the resubmission.
import { useEffect, useId, useRef, useState } from 'react';
import { t } from '../../../src-main/common/i18n/index.ts';

export function LateSupplementPanel({
  message,
  busy,
  onConfirm,
  onCancel,
}: {
  message: string;
  busy: boolean;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  const field = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  useEffect(() => field.current?.focus(), []);
  return (
    <form
      className="confirm-panel"
      role="alertdialog"
      aria-label={t('queue.lateSupplement.confirm')}
      aria-describedby={`${id}-message`}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onCancel();
        }
      }}
      onSubmit={(event) => {
        event.preventDefault();
        onConfirm(reason);
      }}
    >
      <p id={`${id}-message`}>{message}</p>
      <label htmlFor={`${id}-reason`}>{t('queue.lateSupplement.reason')}</label>
      <textarea
        id={`${id}-reason`}
        ref={field}
        rows={3}
        maxLength={500}
        value={reason}
        aria-describedby={`${id}-hint`}
        onChange={(event) => setReason(event.target.value)}
      />
      <p id={`${id}-hint`} className="muted">
        {t('queue.lateSupplement.hint')}
      </p>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || reason.trim() === ''}>
          {t('queue.lateSupplement.confirm')}
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

import { useEffect, useRef } from 'react';
import { t } from '../../../src-main/common/i18n/index.ts';

/** A confirmation in place (no modal): focus starts on the safe choice; Escape cancels. */
export function ConfirmPanel({
  message,
  confirm,
  danger = false,
  busy = false,
  onConfirm,
  onCancel,
}: {
  message: string;
  confirm: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    (danger ? cancelRef : confirmRef).current?.focus();
  }, [danger]);
  return (
    <div
      className="confirm-panel"
      role="alertdialog"
      aria-label={confirm}
      aria-describedby="confirm-message"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onCancel();
        }
      }}
    >
      <p id="confirm-message">{message}</p>
      <div className="actions">
        <button
          type="button"
          ref={confirmRef}
          className={danger ? 'danger' : 'primary'}
          disabled={busy}
          onClick={onConfirm}
        >
          {confirm}
        </button>
        <button type="button" ref={cancelRef} disabled={busy} onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}

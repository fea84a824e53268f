// 主管会签: a supervisor standing at the window countersigns one finding with username
// and password. In place, like the override form (no modal): focus starts on the user
// name, Enter countersigns, Escape cancels. The core checks the password as a sign-in
// does (a wrong one counts toward the lockout) and begins no session; a refusal is shown
// here in Chinese, the password cleared, and the draft stays as it was.
import { useId, useState, type FormEvent } from 'react';
import type { ReviewResult } from '../../../src-main/api/contract/index.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { Field } from '../../components/Field.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';

export function CountersignDialog({
  draftId,
  findingKey,
  message,
  onSigned,
  onCancel,
}: {
  draftId: string;
  findingKey: string;
  /** The finding as the supervisor is to read it before signing. */
  message: string;
  onSigned: (review: ReviewResult) => void;
  onCancel: () => void;
}) {
  const api = useApi();
  const id = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { run, busy, error } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(
      async () =>
        onSigned(
          await api.call('drafts.countersign', { id: draftId, findingKey, username: username.trim(), password }),
        ),
      { onFailure: () => setPassword('') },
    );
  };

  return (
    <form
      className="override override-form countersign-form"
      role="dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-finding`}
      noValidate
      onSubmit={submit}
      onKeyDown={(event) => {
        // Enter countersigns (the form's own submit): the wizard's Enter-to-next-field stays out.
        if (event.key === 'Enter') event.stopPropagation();
        if (event.key === 'Escape') {
          event.preventDefault();
          onCancel();
        }
      }}
    >
      <h6 id={`${id}-title`}>{t('intake.review.countersign.title')}</h6>
      <p id={`${id}-finding`} className="field-hint">
        {t('intake.review.countersign.hint', { finding: message })}
      </p>
      <Field
        label={t('intake.review.countersign.username')}
        autoFocus
        required
        autoComplete="off"
        value={username}
        onChange={(event) => setUsername(event.target.value)}
      />
      <Field
        label={t('intake.review.countersign.password')}
        type="password"
        required
        autoComplete="off"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <ErrorNotice message={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || username.trim() === '' || password === ''}>
          {t('intake.review.countersign.submit')}
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

// First run: the machine has no account yet, so the first installer (运维部署)
// account is created here and signed in.
import { useState, type FormEvent } from 'react';
import type { SessionInfo } from '../../src-main/api/contract/index.ts';
import { useApi } from '../app/api-context.tsx';
import { useAction } from '../app/use-action.ts';
import { Field } from '../components/Field.tsx';
import { ErrorNotice } from '../components/Notice.tsx';
import { t } from '../../src-main/common/i18n/index.ts';

export function SetupScreen({ onSession }: { onSession: (session: SessionInfo) => void }) {
  const api = useApi();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const { run, busy, error, clearError } = useAction();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    clearError();
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    void run(async () => onSession(await api.call('auth.createFirstInstaller', { username, displayName, password })));
  }

  return (
    <main className="gate">
      <form className="gate-card" onSubmit={submit} aria-labelledby="setup-title" noValidate>
        <h1 id="setup-title">{t('setup.title')}</h1>
        <p className="gate-intro">{t('setup.intro')}</p>
        <Field
          label={t('setup.username')}
          hint={t('setup.usernameHint')}
          autoFocus
          required
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <Field
          label={t('setup.displayName')}
          required
          autoComplete="name"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
        />
        <Field
          label={t('setup.password')}
          hint={t('setup.passwordHint')}
          type="password"
          required
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Field
          label={t('setup.passwordConfirm')}
          type="password"
          required
          autoComplete="new-password"
          value={confirm}
          problem={mismatch ? t('setup.mismatch') : undefined}
          onChange={(e) => setConfirm(e.target.value)}
        />
        <ErrorNotice message={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('setup.submit')}
        </button>
      </form>
    </main>
  );
}

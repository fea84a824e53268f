import { useState, type FormEvent } from 'react';
import type { AppInfo, SessionInfo } from '../../src-main/api/contract/index.ts';
import { useApi } from '../app/api-context.tsx';
import { useAction } from '../app/use-action.ts';
import { Field } from '../components/Field.tsx';
import { ErrorNotice } from '../components/Notice.tsx';
import { t } from '../../src-main/common/i18n/index.ts';

export function LoginScreen({ info, onSession }: { info: AppInfo | null; onSession: (session: SessionInfo) => void }) {
  const api = useApi();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { run, busy, error } = useAction();

  function submit(event: FormEvent) {
    event.preventDefault();
    void run(async () => onSession(await api.call('auth.login', { username, password })), {
      onFailure: () => setPassword(''),
    });
  }

  return (
    <main className="gate">
      <form className="gate-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        {info && <p className="gate-place">{t('shell.place', { hall: info.hallName, window: info.windowName })}</p>}
        <h1 id="login-title">{t('login.title')}</h1>
        <Field
          label={t('login.username')}
          autoFocus
          required
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <Field
          label={t('login.password')}
          type="password"
          required
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorNotice message={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </main>
  );
}

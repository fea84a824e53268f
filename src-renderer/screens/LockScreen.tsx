// Idle lock: the user stays signed in (and the work behind stays as it was) until
// the password is entered again, or someone signs out.
import { useState, type FormEvent } from 'react';
import type { SessionInfo, UserSummary } from '../../src-main/api/contract/index.ts';
import { useApi } from '../app/api-context.tsx';
import { useAction } from '../app/use-action.ts';
import { Field } from '../components/Field.tsx';
import { ErrorNotice } from '../components/Notice.tsx';
import { t } from '../../src-main/common/i18n/index.ts';

export function LockScreen({ user, onSession }: { user: UserSummary; onSession: (session: SessionInfo) => void }) {
  const api = useApi();
  const [password, setPassword] = useState('');
  const { run, busy, error } = useAction();

  function send(call: () => Promise<SessionInfo>) {
    void run(async () => onSession(await call()), { onFailure: () => setPassword('') });
  }

  function unlock(event: FormEvent) {
    event.preventDefault();
    send(() => api.call('auth.unlock', { password }));
  }

  return (
    <main className="gate gate-locked">
      <form className="gate-card" onSubmit={unlock} aria-labelledby="lock-title" noValidate>
        <h1 id="lock-title">{t('lock.title')}</h1>
        <p className="gate-who">{t('lock.signedInAs', { name: user.displayName, username: user.username })}</p>
        <p className="gate-intro">{t('lock.hint')}</p>
        <Field
          label={t('lock.password')}
          type="password"
          autoFocus
          required
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorNotice message={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('lock.submit')}
          </button>
          <button type="button" disabled={busy} onClick={() => send(() => api.call('auth.logout', {}))}>
            {t('lock.signOut')}
          </button>
        </div>
      </form>
    </main>
  );
}

// Idle lock: the user stays signed in (and the work behind stays as it was) until
// the password is entered again, or someone signs out.
import { useState, type FormEvent } from 'react';
import type { SessionInfo, UserSummary } from '../../src-main/api/contract/index.ts';
import { useApi } from '../app/api-context.tsx';
import { describeError } from '../app/errors.ts';
import { Field } from '../components/Field.tsx';
import { ErrorNotice } from '../components/Notice.tsx';
import { t } from '../../src-main/common/i18n/index.ts';

export function LockScreen({ user, onSession }: { user: UserSummary; onSession: (session: SessionInfo) => void }) {
  const api = useApi();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<SessionInfo>) {
    if (busy) return;
    setError(null);
    setBusy(true);
    try {
      onSession(await action());
    } catch (failure) {
      setError(describeError(failure));
      setPassword('');
      setBusy(false);
    }
  }

  function unlock(event: FormEvent) {
    event.preventDefault();
    void run(() => api.call('auth.unlock', { password }));
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
          <button type="button" disabled={busy} onClick={() => void run(() => api.call('auth.logout', {}))}>
            {t('lock.signOut')}
          </button>
        </div>
      </form>
    </main>
  );
}

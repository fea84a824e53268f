// Decides what the window shows from the core's answers: first-run setup, sign-in,
// the idle lock, or the shell. The core stays the truth: after a reconnect or a
// refusal that says the session changed, the app asks it again.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppInfo, SessionInfo } from '../src-main/api/contract/index.ts';
import type { ApiClient } from './api/client.ts';
import { ApiProvider, useApi } from './app/api-context.tsx';
import { describeError } from './app/errors.ts';
import { t } from '../src-main/common/i18n/index.ts';
import { LockScreen } from './screens/LockScreen.tsx';
import { LoginScreen } from './screens/LoginScreen.tsx';
import { SetupScreen } from './screens/SetupScreen.tsx';
import { Shell } from './screens/Shell.tsx';

export function App({ client }: { client: ApiClient }) {
  return (
    <ApiProvider client={client}>
      <Root />
    </ApiProvider>
  );
}

type Boot = { phase: 'loading' } | { phase: 'failed'; message: string } | { phase: 'ready' };

function Root() {
  const api = useApi();
  const [boot, setBoot] = useState<Boot>({ phase: 'loading' });
  const [needsSetup, setNeedsSetup] = useState(false);
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [linkDown, setLinkDown] = useState(false);
  // The browser host restarted under this page: no retry can help, only reopening it.
  const [hostRestarted, setHostRestarted] = useState(false);
  // A newer refresh supersedes an older one; a session the core handed back since
  // (sign-in, unlock, event) is newer than any refresh still in flight.
  const refreshGeneration = useRef(0);
  const sessionGeneration = useRef(0);

  /** Re-reads setup state, session and app info. */
  const refresh = useCallback(async () => {
    const mine = ++refreshGeneration.current;
    const sessionSeen = sessionGeneration.current;
    try {
      const [setup, current, appInfo] = await Promise.all([
        api.call('auth.setupState', {}),
        api.call('auth.session', {}),
        api.call('app.info', {}),
      ]);
      if (mine !== refreshGeneration.current) return;
      if (sessionSeen === sessionGeneration.current) {
        setNeedsSetup(setup.needsFirstInstaller);
        setSession(current);
      }
      setInfo(appInfo);
      setBoot({ phase: 'ready' });
    } catch (failure) {
      if (mine !== refreshGeneration.current) return;
      setBoot((previous) =>
        previous.phase === 'ready' ? previous : { phase: 'failed', message: describeError(failure) },
      );
    }
  }, [api]);

  /** A session the core handed back (sign-in, unlock, lock, sign-out, event). */
  const adopt = useCallback((next: SessionInfo) => {
    sessionGeneration.current++;
    setNeedsSetup(false);
    setSession(next);
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    const offSession = api.on('session.changed', adopt);
    const offFailure = api.onFailure((error) => {
      if (error.code === 'auth.locked') {
        setSession((current) => (current?.user ? { ...current, locked: true } : current));
      } else if (
        error.code === 'auth.required' ||
        error.code === 'auth.accountLocked' ||
        error.code === 'auth.accountDisabled'
      ) {
        void refresh();
      }
    });
    const offConnection = api.onConnection((state) => {
      setLinkDown(state === 'down');
      if (state === 'stale') setHostRestarted(true);
      // A new connection resumed this tab's session if it could (api/session-resume.ts): ask who we are.
      if (state === 'up') void refresh();
    });
    return () => {
      offSession();
      offFailure();
      offConnection();
    };
  }, [api, adopt, refresh]);

  useEffect(() => {
    if (!hostRestarted) return;
    // The host's new address pasted into this tab differs only after '#': the browser
    // would not load the page again by itself.
    const reopen = () => window.location.reload();
    window.addEventListener('hashchange', reopen);
    return () => window.removeEventListener('hashchange', reopen);
  }, [hostRestarted]);

  const lock = useCallback(async () => {
    try {
      adopt(await api.call('auth.lock', {}));
    } catch {
      // Protect the screen even when the core cannot be reached.
      setSession((current) => (current?.user ? { ...current, locked: true } : current));
    }
  }, [api, adopt]);

  const signOut = useCallback(async () => {
    // The login form comes up at once, not when the core answers: under load that
    // answer can come late, and a clerk who starts typing meanwhile would type into the
    // shell (user management has its own 用户名 field) and then meet an empty login
    // form. Signed out here is newer than any refresh in flight, so none brings the
    // shell back; the answer keeps the same form mounted, and is dropped if the clerk
    // has signed in again since.
    const mine = ++sessionGeneration.current;
    setNeedsSetup(false);
    setSession((current) => current && { ...current, user: null, locked: false });
    try {
      const next = await api.call('auth.logout', {});
      if (mine === sessionGeneration.current) adopt(next);
    } catch {
      // Already shown signed out; the next call that needs a session asks again.
    }
  }, [api, adopt]);

  // The user whose shell has been shown unlocked since sign-in (see the shell below).
  const signedInUser = session?.user?.id ?? null;
  const unlocked = signedInUser !== null && !session?.locked;
  const [shellUser, setShellUser] = useState<number | null>(null);
  if (unlocked && shellUser !== signedInUser) setShellUser(signedInUser);

  let screen;
  if (hostRestarted) {
    screen = (
      <main className="gate">
        <div className="gate-card" role="alert">
          <h1>{t('connection.restartedTitle')}</h1>
          <p>{t('connection.restartedHint')}</p>
        </div>
      </main>
    );
  } else if (boot.phase === 'loading') {
    screen = (
      <main className="gate">
        <p className="gate-card muted" role="status">
          {t('app.loading')}
        </p>
      </main>
    );
  } else if (boot.phase === 'failed') {
    screen = (
      <main className="gate">
        <div className="gate-card" role="alert">
          <h1>{t('connection.unreachableTitle')}</h1>
          <p>{boot.message}</p>
          <p className="muted">{t('connection.unreachableHint')}</p>
          <button type="button" className="primary" autoFocus onClick={() => void refresh()}>
            {t('common.retry')}
          </button>
        </div>
      </main>
    );
  } else if (needsSetup) {
    screen = <SetupScreen onSession={adopt} />;
  } else if (!session?.user) {
    screen = <LoginScreen info={info} onSession={adopt} />;
  } else {
    // The shell stays mounted under the lock, so work in progress survives it. A session
    // that arrives locked (a reload resumed it past the idle limit) has nothing on screen
    // yet: its shell mounts at unlock, as everything it would load is refused until then.
    screen = (
      <>
        {shellUser === session.user.id && (
          <div className="shell-frame" hidden={session.locked} inert={session.locked}>
            <Shell
              key={session.user.id}
              info={info}
              user={session.user}
              idleLockMinutes={session.idleLockMinutes}
              locked={session.locked}
              onLock={() => void lock()}
              onSignOut={() => void signOut()}
            />
          </div>
        )}
        {session.locked && <LockScreen user={session.user} onSession={adopt} />}
      </>
    );
  }

  return (
    <>
      {linkDown && (
        <div className="link-banner" role="alert">
          {t('connection.lost')}
        </div>
      )}
      {screen}
    </>
  );
}

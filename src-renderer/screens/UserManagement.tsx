// 用户管理 (installers): list the accounts, create one, reset a password, lift a
// lockout, disable or enable. Every refusal of the core is shown in Chinese inline.
import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Role, UserSummary } from '../../src-main/api/contract/index.ts';
import { useApi } from '../app/api-context.tsx';
import { describeError } from '../app/errors.ts';
import { useAction } from '../app/use-action.ts';
import { Field, SelectField } from '../components/Field.tsx';
import { ErrorNotice, StatusNotice } from '../components/Notice.tsx';
import { hallDateTime, hallTime } from '../../src-main/common/hall-time.ts';
import { t } from '../../src-main/common/i18n/index.ts';

const ROLES: readonly Role[] = ['clerk', 'supervisor', 'installer'];
const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }));

interface Listing {
  users: UserSummary[];
  /** When the list was read: lockouts are judged against it, not against render time. */
  at: number;
}

export function UserManagement({ currentUserId }: { currentUserId: number }) {
  const api = useApi();
  const [listing, setListing] = useState<Listing | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();
  const [resetFor, setResetFor] = useState<UserSummary | null>(null);

  const [readCount, setReadCount] = useState(0);
  const reload = useCallback(() => setReadCount((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    api.call('users.list', {}).then(
      ({ users }) => {
        if (!live) return;
        setListing({ users, at: Date.now() });
        setListError(null);
      },
      (failure: unknown) => {
        if (live) setListError(describeError(failure));
      },
    );
    return () => {
      live = false;
    };
  }, [api, readCount]);

  const replace = useCallback((updated: UserSummary) => {
    setListing(
      (current) => current && { users: current.users.map((u) => (u.id === updated.id ? updated : u)), at: Date.now() },
    );
  }, []);

  /** A row button: a double click sends once, while the other rows' buttons stay free (one tag each). */
  function act(tag: string, call: () => Promise<UserSummary>, message: (u: UserSummary) => string) {
    setNotice(null);
    void action.run(
      async () => {
        const updated = await call();
        replace(updated);
        setNotice(message(updated));
      },
      { tag },
    );
  }

  return (
    <section className="area" aria-labelledby="area-users">
      <h2 id="area-users" tabIndex={-1}>
        {t('areas.users')}
      </h2>

      <CreateUserForm
        onCreated={(user) => {
          action.clearError();
          setNotice(t('users.created', { username: user.username }));
          reload();
        }}
      />

      <StatusNotice message={notice} />

      <h3 id="users-list-title">{t('users.listTitle')}</h3>
      <ErrorNotice message={listError} />
      <ErrorNotice message={action.error} />
      {!listing && !listError && <p className="muted">{t('users.loading')}</p>}
      {listing && listing.users.length === 0 && <p className="muted">{t('users.empty')}</p>}
      {listing && listing.users.length > 0 && (
        <table className="table" aria-labelledby="users-list-title">
          <thead>
            <tr>
              <th scope="col">{t('users.columns.username')}</th>
              <th scope="col">{t('users.columns.displayName')}</th>
              <th scope="col">{t('users.columns.role')}</th>
              <th scope="col">{t('users.columns.status')}</th>
              <th scope="col">{t('users.columns.createdAt')}</th>
              <th scope="col">{t('users.columns.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {listing.users.map((user) => {
              const isSelf = user.id === currentUserId;
              const locked = user.lockedUntil !== null && user.lockedUntil > listing.at;
              return (
                <tr key={user.id} className={user.disabled ? 'row-disabled' : undefined}>
                  <td>
                    {user.username}
                    {isSelf && <span className="muted">{t('users.you')}</span>}
                  </td>
                  <td>{user.displayName}</td>
                  <td>{t(`roles.${user.role}`)}</td>
                  <td>
                    {user.disabled
                      ? t('users.status.disabled')
                      : locked
                        ? t('users.status.locked', { time: hallTime(user.lockedUntil ?? 0, listing.at) })
                        : t('users.status.active')}
                  </td>
                  <td>{hallDateTime(user.createdAt)}</td>
                  <td>
                    <div className="row-actions">
                      <button type="button" onClick={() => setResetFor(user)}>
                        {t('users.resetPassword')}
                      </button>
                      {locked && (
                        <button
                          type="button"
                          onClick={() =>
                            act(
                              `unlock:${user.id}`,
                              () => api.call('users.unlock', { id: user.id }),
                              (u) => t('users.unlocked', { username: u.username }),
                            )
                          }
                        >
                          {t('users.unlock')}
                        </button>
                      )}
                      {!isSelf && (
                        <button
                          type="button"
                          onClick={() =>
                            act(
                              `update:${user.id}`,
                              () => api.call('users.update', { id: user.id, disabled: !user.disabled }),
                              (u) => t(u.disabled ? 'users.disabled' : 'users.enabled', { username: u.username }),
                            )
                          }
                        >
                          {user.disabled ? t('users.enable') : t('users.disable')}
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {resetFor && (
        <ResetPasswordForm
          key={resetFor.id}
          user={resetFor}
          onDone={(updated) => {
            setResetFor(null);
            if (updated) {
              replace(updated);
              action.clearError();
              setNotice(t('users.passwordReset', { username: updated.username }));
            }
          }}
        />
      )}
    </section>
  );
}

function CreateUserForm({ onCreated }: { onCreated: (user: UserSummary) => void }) {
  const api = useApi();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('clerk');
  const [password, setPassword] = useState('');
  const { run, busy, error } = useAction();
  const firstField = useRef<HTMLInputElement>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      const user = await api.call('users.create', { username, displayName, role, password });
      setUsername('');
      setDisplayName('');
      setRole('clerk');
      setPassword('');
      onCreated(user);
      firstField.current?.focus();
    });
  }

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="create-user-title" noValidate>
      <h3 id="create-user-title">{t('users.createTitle')}</h3>
      <div className="form-grid">
        <Field
          ref={firstField}
          label={t('users.username')}
          hint={t('users.usernameHint')}
          required
          autoComplete="off"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <Field
          label={t('users.displayName')}
          required
          autoComplete="off"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
        />
        <SelectField
          label={t('users.role')}
          options={ROLE_OPTIONS}
          value={role}
          onChange={(e) => setRole(e.target.value as Role)}
        />
        <Field
          label={t('users.initialPassword')}
          hint={t('users.passwordHint')}
          type="password"
          required
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <ErrorNotice message={error} />
      <button type="submit" className="primary" disabled={busy}>
        {t('users.create')}
      </button>
    </form>
  );
}

function ResetPasswordForm({ user, onDone }: { user: UserSummary; onDone: (updated: UserSummary | null) => void }) {
  const api = useApi();
  const [password, setPassword] = useState('');
  const { run, busy, error } = useAction();
  // Focus goes back where it came from (the row's button) when the form closes.
  const [returnTo] = useState(() => document.activeElement as HTMLElement | null);

  function close(updated: UserSummary | null) {
    onDone(updated);
    returnTo?.focus();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void run(async () => close(await api.call('users.resetPassword', { id: user.id, password })));
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.preventDefault();
      close(null);
    }
  }

  return (
    <form className="panel" onSubmit={submit} onKeyDown={onKeyDown} aria-labelledby="reset-title" noValidate>
      <h3 id="reset-title">{t('users.resetTitle', { name: user.displayName, username: user.username })}</h3>
      <Field
        label={t('users.newPassword')}
        hint={t('users.passwordHint')}
        type="password"
        autoFocus
        required
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <ErrorNotice message={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('users.confirmReset')}
        </button>
        <button type="button" onClick={() => close(null)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

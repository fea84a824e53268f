import { describe, expect, it } from 'vitest';
import type { ResultMessage } from '../../../src-main/api/wire.ts';
import type { Connection } from '../../../src-main/core/hall-core.ts';
import { passwordWeakness } from '../../../src-main/auth/password.ts';
import { bootTestCore } from '../helpers.ts';

const STRONG = 'Counter#2026';

/** Calls through the real dispatcher, exactly as a transport would. */
function caller(connection: Connection) {
  let id = 0;
  return async (method: string, input: unknown = {}): Promise<ResultMessage> =>
    connection.handle({ type: 'call', id: ++id, method, input });
}

function expectError(result: ResultMessage, code: string) {
  expect(result.ok, JSON.stringify(result)).toBe(false);
  if (!result.ok) expect(result.error.code).toBe(code);
  return result.ok ? undefined : result.error;
}

async function withInstaller() {
  const test = await bootTestCore();
  const call = caller(test.core.openConnection(() => undefined));
  const created = await call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
  expect(created.ok).toBe(true);
  return { ...test, call };
}

describe('first run', () => {
  it('offers the first installer account only while there are no users', async () => {
    const { core } = await bootTestCore();
    const call = caller(core.openConnection(() => undefined));
    expect(await call('auth.setupState')).toMatchObject({ ok: true, value: { needsFirstInstaller: true } });
    const created = await call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
    expect(created).toMatchObject({ ok: true, value: { user: { username: 'admin', role: 'installer' }, locked: false } });
    expect(await call('auth.setupState')).toMatchObject({ ok: true, value: { needsFirstInstaller: false } });

    const other = caller(core.openConnection(() => undefined));
    expectError(await other('auth.createFirstInstaller', { username: 'evil', displayName: 'x', password: STRONG }), 'auth.setupDone');
  });

  it('refuses a weak first password and says which rule', async () => {
    const { core } = await bootTestCore();
    const call = caller(core.openConnection(() => undefined));
    const error = expectError(await call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: 'short' }), 'auth.weakPassword');
    expect(error?.params).toEqual({ rule: 'length' });
  });
});

describe('password rule (等保 2.0)', () => {
  it('needs 8 characters from three classes', () => {
    expect(passwordWeakness('Ab1')).toBe('length');
    expect(passwordWeakness('abcdefgh1')).toBe('classes');
    expect(passwordWeakness('abcdefG1')).toBeNull();
    expect(passwordWeakness('abc-def-1')).toBeNull();
  });
});

describe('roles', () => {
  it('lets installers manage users and no one else', async () => {
    const { core, call } = await withInstaller();
    const made = await call('users.create', { username: 'clerk1', displayName: '张窗口', role: 'clerk', password: STRONG });
    expect(made).toMatchObject({ ok: true, value: { username: 'clerk1', role: 'clerk', disabled: false } });
    expect(JSON.stringify(made)).not.toContain('scrypt');

    const clerk = caller(core.openConnection(() => undefined));
    expect((await clerk('auth.login', { username: 'clerk1', password: STRONG })).ok).toBe(true);
    expectError(await clerk('users.list'), 'auth.forbidden');
    expect(await clerk('health.snapshot')).toMatchObject({ ok: true });

    const anonymous = caller(core.openConnection(() => undefined));
    expectError(await anonymous('health.snapshot'), 'auth.required');
  });

  it('refuses a duplicate username regardless of case', async () => {
    const { call } = await withInstaller();
    await call('users.create', { username: 'clerk1', displayName: '张', role: 'clerk', password: STRONG });
    expectError(await call('users.create', { username: 'CLERK1', displayName: '李', role: 'clerk', password: STRONG }), 'auth.usernameTaken');
  });

  it('keeps at least one active installer', async () => {
    const { call } = await withInstaller();
    const list = await call('users.list');
    const adminId = list.ok ? (list.value as { users: Array<{ id: number }> }).users[0]!.id : 0;
    expectError(await call('users.update', { id: adminId, disabled: true }), 'auth.lastInstaller');
    expectError(await call('users.update', { id: adminId, role: 'clerk' }), 'auth.lastInstaller');
  });

  it('signs out a disabled user at their next call', async () => {
    const { core, call } = await withInstaller();
    const made = await call('users.create', { username: 'clerk1', displayName: '张', role: 'clerk', password: STRONG });
    const id = made.ok ? (made.value as { id: number }).id : 0;
    const clerk = caller(core.openConnection(() => undefined));
    await clerk('auth.login', { username: 'clerk1', password: STRONG });
    await call('users.update', { id, disabled: true });
    expectError(await clerk('health.snapshot'), 'auth.required');
    // Only the right password learns that the account is disabled; a guess does not.
    expectError(await clerk('auth.login', { username: 'clerk1', password: 'Wrong#pass1' }), 'auth.invalidCredentials');
    expectError(await clerk('auth.login', { username: 'clerk1', password: STRONG }), 'auth.accountDisabled');
  });
});

describe('lockout after failed attempts', () => {
  it('locks the account on the fifth wrong password, for the configured minutes', async () => {
    const { core, call, clock } = await withInstaller();
    await call('users.create', { username: 'clerk1', displayName: '张', role: 'clerk', password: STRONG });
    const lockedUntil = async () => {
      const list = await call('users.list');
      const users = list.ok ? (list.value as { users: Array<{ username: string; lockedUntil: number | null }> }).users : [];
      return users.find((user) => user.username === 'clerk1')?.lockedUntil ?? null;
    };
    const clerk = caller(core.openConnection(() => undefined));
    for (let attempt = 1; attempt <= 4; attempt++) {
      const error = expectError(await clerk('auth.login', { username: 'clerk1', password: 'wrong' }), 'auth.invalidCredentials');
      // What comes next, the same for every failure: no count that tells the account exists.
      expect(error?.params).toEqual({ attempts: 5, minutes: 15 });
    }
    expect(await lockedUntil()).toBeNull();
    expectError(await clerk('auth.login', { username: 'clerk1', password: 'wrong' }), 'auth.invalidCredentials');
    expect(await lockedUntil()).toBe(clock.now() + 15 * 60_000);
    // Even the right password is refused while locked, with the same answer.
    const locked = expectError(await clerk('auth.login', { username: 'clerk1', password: STRONG }), 'auth.invalidCredentials');
    expect(locked?.params).toEqual({ attempts: 5, minutes: 15 });

    clock.advance(15 * 60_000 + 1);
    expect((await clerk('auth.login', { username: 'clerk1', password: STRONG })).ok).toBe(true);
  });

  it('names the lock to the signed-in user who fails to unlock', async () => {
    const { call } = await withInstaller();
    await call('auth.lock');
    for (let i = 0; i < 4; i++) expectError(await call('auth.unlock', { password: 'Wrong#pass1' }), 'auth.invalidCredentials');
    const locked = expectError(await call('auth.unlock', { password: 'Wrong#pass1' }), 'auth.accountLocked');
    expect(locked?.params).toEqual({ minutes: 15 });
    expect(await call('auth.session')).toMatchObject({ ok: true, value: { user: null } });
  });

  it('lets an installer unlock the account at once', async () => {
    const { core, call } = await withInstaller();
    const made = await call('users.create', { username: 'clerk1', displayName: '张', role: 'clerk', password: STRONG });
    const id = made.ok ? (made.value as { id: number }).id : 0;
    const clerk = caller(core.openConnection(() => undefined));
    for (let i = 0; i < 5; i++) await clerk('auth.login', { username: 'clerk1', password: 'wrong' });
    expect(await call('users.list')).toMatchObject({ ok: true });
    expect((await call('users.unlock', { id })).ok).toBe(true);
    expect((await clerk('auth.login', { username: 'clerk1', password: STRONG })).ok).toBe(true);
  });

  it('answers an unknown username like a wrong password', async () => {
    const { call } = await withInstaller();
    await call('auth.logout');
    const unknown = expectError(await call('auth.login', { username: 'nobody', password: STRONG }), 'auth.invalidCredentials');
    const wrong = expectError(await call('auth.login', { username: 'admin', password: 'Wrong#pass1' }), 'auth.invalidCredentials');
    expect(unknown).toEqual(wrong);
  });

  it('records logins and failures in the audit chain, without passwords', async () => {
    const { call } = await withInstaller();
    const countOf = async () => {
      const verify = await call('eventLog.verify', { stream: 'audit' });
      expect(verify).toMatchObject({ ok: true, value: { ok: true } });
      return verify.ok ? (verify.value as { count: number }).count : 0;
    };
    const before = await countOf();
    await call('auth.logout');
    await call('auth.login', { username: 'admin', password: 'Wrong#pass1' });
    await call('auth.login', { username: 'admin', password: STRONG });
    expect(await countOf()).toBe(before + 3); // logout, failed login, login
  });
});

describe('idle lock', () => {
  it('locks a session idle for longer than the configured minutes; the password unlocks it', async () => {
    const { core, call, clock } = await withInstaller();
    expect(core.config.security.idleLockMinutes).toBe(10);
    clock.advance(10 * 60_000 + 1);
    expectError(await call('health.snapshot'), 'auth.locked');
    expect(await call('auth.session')).toMatchObject({ ok: true, value: { locked: true, user: { username: 'admin' } } });
    expectError(await call('auth.unlock', { password: 'Wrong#pass1' }), 'auth.invalidCredentials');
    expect(await call('auth.unlock', { password: STRONG })).toMatchObject({ ok: true, value: { locked: false } });
    expect((await call('health.snapshot')).ok).toBe(true);
  });

  it('locks on request (the renderer locks after idle input) and keeps the user', async () => {
    const { call } = await withInstaller();
    expect(await call('auth.lock')).toMatchObject({ ok: true, value: { locked: true } });
    expectError(await call('users.list'), 'auth.locked');
    expect((await call('auth.logout')).ok).toBe(true);
    expect(await call('auth.session')).toMatchObject({ ok: true, value: { user: null } });
  });
});

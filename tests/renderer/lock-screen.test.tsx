import { act, fireEvent, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLERK, INSTALLER, renderApp } from './render-app.tsx';

describe('LockScreen', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows who is signed in and hides the work behind it', async () => {
    renderApp({ users: [INSTALLER, CLERK], signedIn: CLERK.username, locked: true });

    expect(await screen.findByRole('heading', { name: '屏幕已锁定' })).toBeTruthy();
    expect(screen.getByText('当前登录：张丽（zhangli）')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: '今日队列' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByLabelText('密码'));
  });

  it('refuses a wrong password, then unlocks back into the same work', async () => {
    const user = userEvent.setup();
    const { core } = renderApp({ users: [INSTALLER, CLERK], signedIn: CLERK.username, locked: true });

    await user.type(await screen.findByLabelText('密码'), 'wrong{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe('用户名或密码错误。连续输错 5 次后账户将被锁定 15 分钟；已锁定时请到时再试，或联系运维人员解锁。');

    await user.type(screen.getByLabelText('密码'), `${CLERK.password}{Enter}`);
    expect(await screen.findByRole('heading', { name: '今日队列' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: '屏幕已锁定' })).toBeNull();
    expect(core.session.locked).toBe(false);
  });

  it('lets the user sign out instead', async () => {
    const user = userEvent.setup();
    renderApp({ users: [INSTALLER, CLERK], signedIn: CLERK.username, locked: true });

    await user.click(await screen.findByRole('button', { name: '退出登录' }));
    expect(await screen.findByRole('heading', { name: '登录' })).toBeTruthy();
  });

  it('appears with the 锁定 button', async () => {
    const user = userEvent.setup();
    const { core } = renderApp({ users: [INSTALLER, CLERK], signedIn: CLERK.username });

    await user.click(await screen.findByRole('button', { name: '锁定' }));
    expect(await screen.findByRole('heading', { name: '屏幕已锁定' })).toBeTruthy();
    expect(core.session.locked).toBe(true);
  });

  it('appears after the idle time without input, and input postpones it', async () => {
    // testing-library's find* waits on setTimeout, so with faked timers the test
    // lets the in-memory core's promises settle by hand instead.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const settle = () =>
      act(async () => {
        for (let i = 0; i < 20; i++) await Promise.resolve();
      });
    const { core } = renderApp({ users: [INSTALLER, CLERK], signedIn: CLERK.username, idleLockMinutes: 10 });
    await settle();
    expect(screen.getByRole('heading', { name: '今日队列' })).toBeTruthy();

    act(() => vi.advanceTimersByTime(9 * 60_000));
    fireEvent.keyDown(window, { key: 'a' });
    act(() => vi.advanceTimersByTime(5 * 60_000));
    await settle();
    expect(core.methodsCalled()).not.toContain('auth.lock');
    expect(screen.queryByRole('heading', { name: '屏幕已锁定' })).toBeNull();

    act(() => vi.advanceTimersByTime(5 * 60_000));
    await settle();
    expect(core.methodsCalled()).toContain('auth.lock');
    expect(screen.getByRole('heading', { name: '屏幕已锁定' })).toBeTruthy();
  });

  it('appears when the core says the session changed', async () => {
    const { core } = renderApp({ users: [INSTALLER, CLERK], signedIn: CLERK.username });
    await screen.findByRole('heading', { name: '今日队列' });

    core.session.locked = true;
    act(() => core.emit('session.changed', core.sessionInfo()));

    expect(await screen.findByRole('heading', { name: '屏幕已锁定' })).toBeTruthy();
  });

  it('appears when any call is refused with auth.locked', async () => {
    const user = userEvent.setup();
    const { core } = renderApp({ users: [INSTALLER, CLERK], signedIn: INSTALLER.username });
    await user.click(await screen.findByRole('button', { name: /用户管理/ }));
    await screen.findByRole('cell', { name: CLERK.username });

    // The core locked the session on its own (idle on its clock) without telling us.
    core.session.locked = true;
    await user.type(screen.getByLabelText('用户名'), 'newclerk');
    await user.type(screen.getByLabelText('姓名'), '新人');
    await user.type(screen.getByLabelText('初始密码'), 'Clerk#2025b{Enter}');

    expect(await screen.findByRole('heading', { name: '屏幕已锁定' })).toBeTruthy();
  });
});

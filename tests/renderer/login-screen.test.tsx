import { screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeCore } from './fake-core.ts';
import { CLERK, INSTALLER, renderApp, renderOn } from './render-app.tsx';

describe('LoginScreen', () => {
  it('names the hall and window, with the cursor in the username field', async () => {
    renderApp({ users: [INSTALLER] });
    expect(await screen.findByRole('heading', { name: '登录' })).toBeTruthy();
    expect(screen.getByText('杭州市西湖区政务服务中心 · 跨省通办 3 号窗口')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('用户名'));
  });

  it('shows the Chinese message for wrong credentials and clears the password', async () => {
    const user = userEvent.setup();
    renderApp({ users: [INSTALLER, CLERK] });

    await user.type(await screen.findByLabelText('用户名'), CLERK.username);
    await user.type(screen.getByLabelText('密码'), 'wrong-password{Enter}');

    expect((await screen.findByRole('alert')).textContent).toBe('用户名或密码错误。连续输错 5 次后账户将被锁定 15 分钟；已锁定时请到时再试，或联系运维人员解锁。');
    expect((screen.getByLabelText('密码') as HTMLInputElement).value).toBe('');
  });

  it('tells a locked-out user how long to wait', async () => {
    const user = userEvent.setup();
    renderApp({ users: [INSTALLER, CLERK] });
    await user.type(await screen.findByLabelText('用户名'), CLERK.username);
    for (let attempt = 0; attempt < 5; attempt++) {
      await user.type(screen.getByLabelText('密码'), 'nope{Enter}');
    }
    expect(
      await screen.findByText('连续输错密码次数过多，账户已锁定，请 15 分钟后再试或联系运维人员解锁'),
    ).toBeTruthy();
  });

  it('signs a clerk in to today’s queue', async () => {
    const user = userEvent.setup();
    renderApp({ users: [INSTALLER, CLERK] });

    await user.type(await screen.findByLabelText('用户名'), CLERK.username);
    await user.type(screen.getByLabelText('密码'), `${CLERK.password}{Enter}`);

    expect(await screen.findByRole('heading', { name: '今日队列' })).toBeTruthy();
    expect(screen.getByText('今日暂无收件')).toBeTruthy();
    expect(screen.getByText('张丽 · 窗口人员')).toBeTruthy();
  });

  it('returns to the login screen on sign-out', async () => {
    const user = userEvent.setup();
    const { core } = renderApp({ users: [INSTALLER, CLERK], signedIn: CLERK.username });

    await user.click(await screen.findByRole('button', { name: '退出登录' }));

    expect(await screen.findByRole('heading', { name: '登录' })).toBeTruthy();
    expect(core.session.userId).toBeNull();
  });

  it('keeps what is typed right after sign-out, while the core has not answered yet', async () => {
    // Under load the answer to auth.logout comes late. The installer's user management
    // has its own 用户名 field: a clerk who starts typing at once must be typing into
    // the login form, and the late answer must not remount or clear it.
    const user = userEvent.setup();
    const core = new FakeCore({ users: [INSTALLER, CLERK], signedIn: INSTALLER.username });
    const answer = core.transport.call;
    let release!: () => void;
    const late = new Promise<void>((resolve) => (release = resolve));
    core.transport.call = async (message) => {
      const result = await answer(message);
      if (message.method === 'auth.logout') await late;
      return result;
    };
    renderOn(core);
    await user.click(await screen.findByRole('button', { name: '用户管理' }));
    expect(await screen.findByLabelText('用户名')).toBeTruthy(); // the form that creates accounts

    await user.click(screen.getByRole('button', { name: '退出登录' }));
    await user.type(screen.getByLabelText('用户名'), CLERK.username);
    release(); // the answer arrives while the clerk is typing
    await user.type(await screen.findByLabelText('密码'), CLERK.password);

    expect((screen.getByLabelText('用户名') as HTMLInputElement).value).toBe(CLERK.username);
    await user.keyboard('{Enter}');
    expect(await screen.findByText('张丽 · 窗口人员')).toBeTruthy();
  }, 20_000); // much typing in jsdom: slow on a loaded machine
});

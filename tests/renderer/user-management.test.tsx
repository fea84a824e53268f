import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { CLERK, INSTALLER, SUPERVISOR, renderApp } from './render-app.tsx';

async function openUserManagement(options: Parameters<typeof renderApp>[0] = {}) {
  const user = userEvent.setup();
  const app = renderApp({ users: [INSTALLER, CLERK, SUPERVISOR], signedIn: INSTALLER.username, ...options });
  await screen.findByRole('navigation', { name: '功能区' });
  await user.keyboard('{Alt>}2{/Alt}');
  await screen.findByRole('cell', { name: CLERK.username });
  return { user, ...app };
}

function rowOf(username: string) {
  const cell = screen.getByRole('cell', { name: new RegExp(`^${username}`) });
  const row = cell.closest('tr');
  if (!row) throw new Error(`no row for ${username}`);
  return within(row);
}

describe('UserManagement', () => {
  it('lists the accounts with role and state', async () => {
    await openUserManagement();
    const table = within(screen.getByRole('table', { name: '用户列表' }));
    const rows = table.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(rowOf(CLERK.username).getByRole('cell', { name: '窗口人员' })).toBeTruthy();
    expect(rowOf(CLERK.username).getByRole('cell', { name: '正常' })).toBeTruthy();
    expect(rowOf(INSTALLER.username).getByText('（当前登录）')).toBeTruthy();
    // No one disables their own account from here.
    expect(rowOf(INSTALLER.username).queryByRole('button', { name: '停用' })).toBeNull();
  });

  it('creates a user from the keyboard and shows it in the list', async () => {
    const { user, core } = await openUserManagement();

    await user.tab(); // from the area heading into the first field
    expect(document.activeElement).toBe(screen.getByLabelText('用户名'));
    await user.keyboard('wangfang');
    await user.tab();
    await user.keyboard('王芳');
    await user.selectOptions(screen.getByLabelText('岗位角色'), '审核督查');
    await user.type(screen.getByLabelText('初始密码'), 'Check#2025x{Enter}');

    expect(await screen.findByText('已创建用户 wangfang', { selector: '[role="status"]' })).toBeTruthy();
    expect(await screen.findByRole('cell', { name: 'wangfang' })).toBeTruthy();
    expect(core.byUsername('wangfang')).toMatchObject({ displayName: '王芳', role: 'supervisor' });
    expect((screen.getByLabelText('用户名') as HTMLInputElement).value).toBe('');
    expect(document.activeElement).toBe(screen.getByLabelText('用户名'));
  });

  it('shows the core’s refusal inline, in Chinese', async () => {
    const { user } = await openUserManagement();
    await user.type(screen.getByLabelText('用户名'), CLERK.username);
    await user.type(screen.getByLabelText('姓名'), '重名');
    await user.type(screen.getByLabelText('初始密码'), 'Clerk#2025z{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe('用户名 zhangli 已被使用，请换一个。');

    await user.clear(screen.getByLabelText('用户名'));
    await user.type(screen.getByLabelText('用户名'), '张三{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe('输入有误：用户名');
  });

  it('resets a password', async () => {
    const { user, core } = await openUserManagement();
    await user.click(rowOf(CLERK.username).getByRole('button', { name: '重置密码' }));

    expect(screen.getByRole('heading', { name: '为 张丽（zhangli）重置密码' })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('新密码'));
    await user.keyboard('Fresh#2025q{Enter}');

    expect(await screen.findByText('已重置 zhangli 的密码', { selector: '[role="status"]' })).toBeTruthy();
    expect(screen.queryByLabelText('新密码')).toBeNull();
    expect(core.byUsername(CLERK.username)?.password).toBe('Fresh#2025q');
  });

  it('closes the reset form with Escape without changing anything', async () => {
    const { user, core } = await openUserManagement();
    const button = rowOf(CLERK.username).getByRole('button', { name: '重置密码' });
    await user.click(button);
    await user.keyboard('abc{Escape}');
    expect(screen.queryByLabelText('新密码')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(core.methodsCalled()).not.toContain('users.resetPassword');
  });

  it('unlocks an account locked after failed sign-ins', async () => {
    const { user, core } = await openUserManagement({
      users: [INSTALLER, { ...CLERK, lockedUntil: Date.now() + 15 * 60_000 }, SUPERVISOR],
    });
    expect(rowOf(CLERK.username).getByRole('cell', { name: /^已锁定（至 .+）$/ })).toBeTruthy();
    expect(rowOf(SUPERVISOR.username).queryByRole('button', { name: '解锁' })).toBeNull();

    await user.click(rowOf(CLERK.username).getByRole('button', { name: '解锁' }));

    expect(await screen.findByText('已解锁 zhangli', { selector: '[role="status"]' })).toBeTruthy();
    expect(rowOf(CLERK.username).getByRole('cell', { name: '正常' })).toBeTruthy();
    expect(core.byUsername(CLERK.username)?.lockedUntil).toBeNull();
  });

  it('disables and enables an account', async () => {
    const { user, core } = await openUserManagement();
    await user.click(rowOf(CLERK.username).getByRole('button', { name: '停用' }));
    expect(await screen.findByText('已停用 zhangli', { selector: '[role="status"]' })).toBeTruthy();
    expect(rowOf(CLERK.username).getByRole('cell', { name: '已停用' })).toBeTruthy();
    expect(core.byUsername(CLERK.username)?.disabled).toBe(true);

    await user.click(rowOf(CLERK.username).getByRole('button', { name: '启用' }));
    expect(await screen.findByText('已启用 zhangli', { selector: '[role="status"]' })).toBeTruthy();
    expect(core.byUsername(CLERK.username)?.disabled).toBe(false);
  });
});

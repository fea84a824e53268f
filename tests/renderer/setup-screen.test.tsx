import { screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp } from './render-app.tsx';

describe('SetupScreen (first run)', () => {
  it('is shown while no account exists, with the cursor in the first field', async () => {
    renderApp();
    expect(await screen.findByRole('heading', { name: '首次使用：创建运维管理员账户' })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('用户名'));
  });

  it('refuses passwords that do not match, without asking the core', async () => {
    const user = userEvent.setup();
    const { core } = renderApp();
    await screen.findByLabelText('用户名');

    await user.type(screen.getByLabelText('用户名'), 'ops');
    await user.type(screen.getByLabelText('姓名'), '王运维');
    await user.type(screen.getByLabelText('密码'), 'Install#2025');
    await user.type(screen.getByLabelText('确认密码'), 'Install#2026{Enter}');

    expect(screen.getByText('两次输入的密码不一致')).toBeTruthy();
    expect(screen.getByLabelText('确认密码').getAttribute('aria-invalid')).toBe('true');
    expect(core.methodsCalled()).not.toContain('auth.createFirstInstaller');
  });

  it('shows the core’s reason for a weak password in Chinese', async () => {
    const user = userEvent.setup();
    renderApp();
    await user.type(await screen.findByLabelText('用户名'), 'ops');
    await user.type(screen.getByLabelText('姓名'), '王运维');
    await user.type(screen.getByLabelText('密码'), 'short');
    await user.type(screen.getByLabelText('确认密码'), 'short{Enter}');

    expect((await screen.findByRole('alert')).textContent).toBe('密码强度不足：至少需要 8 位');
  });

  it('creates the first installer from the keyboard alone and opens the installer area', async () => {
    const user = userEvent.setup();
    const { core } = renderApp();
    await screen.findByLabelText('用户名');

    await user.keyboard('ops');
    await user.tab();
    await user.keyboard('王运维');
    await user.tab();
    await user.keyboard('Install#2025');
    await user.tab();
    await user.keyboard('Install#2025{Enter}');

    expect(await screen.findByRole('heading', { name: '部署与设备' })).toBeTruthy();
    expect(screen.getByText('王运维 · 运维部署')).toBeTruthy();
    expect(core.byUsername('ops')).toMatchObject({
      displayName: '王运维',
      role: 'installer',
      password: 'Install#2025',
    });
  });
});

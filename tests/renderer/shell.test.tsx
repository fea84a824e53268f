import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { CLERK, INSTALLER, SUPERVISOR, renderApp } from './render-app.tsx';

async function navigation() {
  return within(await screen.findByRole('navigation', { name: '功能区' }));
}

describe('Shell', () => {
  it('names the hall, the window and the user', async () => {
    renderApp({ users: [INSTALLER, CLERK], signedIn: CLERK.username });
    expect(await screen.findByText('杭州市西湖区政务服务中心 · 跨省通办 3 号窗口')).toBeTruthy();
    expect(screen.getByText('张丽 · 窗口人员')).toBeTruthy();
  });

  it('gives a clerk today’s queue, the mailing list of originals and no user management', async () => {
    renderApp({ users: [INSTALLER, CLERK], signedIn: CLERK.username });
    const nav = await navigation();
    expect(nav.getAllByRole('button').map((b) => b.textContent)).toEqual(['今日队列Alt+1', '原件寄递Alt+2']);
    expect(nav.queryByRole('button', { name: '用户管理' })).toBeNull();
  });

  it('gives a supervisor the 督查 area and no user management', async () => {
    renderApp({ users: [INSTALLER, SUPERVISOR], signedIn: SUPERVISOR.username });
    const nav = await navigation();
    expect(nav.getByRole('button', { name: '督查' }).getAttribute('aria-current')).toBe('page');
    expect(nav.queryByRole('button', { name: '用户管理' })).toBeNull();
    expect(screen.getByRole('heading', { name: '会话抽查', level: 3 })).toBeTruthy();
    expect(await screen.findByText('暂无待督查的办件')).toBeTruthy();
  });

  it('gives an installer 部署与设备 and 用户管理, switched with Alt+1 and Alt+2', async () => {
    const user = userEvent.setup();
    renderApp({ users: [INSTALLER, CLERK], signedIn: INSTALLER.username });
    const nav = await navigation();
    expect(nav.getByRole('button', { name: '部署与设备' }).getAttribute('aria-current')).toBe('page');
    expect(nav.getByRole('button', { name: '用户管理' }).getAttribute('aria-keyshortcuts')).toBe('Alt+2');

    await user.keyboard('{Alt>}2{/Alt}');
    const heading = await screen.findByRole('heading', { name: '用户管理', level: 2 });
    expect(document.activeElement).toBe(heading);

    await user.keyboard('{Alt>}1{/Alt}');
    expect(await screen.findByRole('heading', { name: '部署与设备', level: 2 })).toBeTruthy();
  });
});

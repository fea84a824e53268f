import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { HealthSnapshot } from '../../src-main/api/contract/index.ts';
import { CLERK, INSTALLER, renderApp } from './render-app.tsx';

const initial: HealthSnapshot = {
  entries: [
    { id: 'store', kind: 'store', state: 'ready', since: 1 },
    {
      id: 'device.receiptPrinter',
      kind: 'device',
      state: 'error',
      reason: 'paperOut',
      detail: 'DLE EOT 4 reports paper end',
      since: 2,
    },
    {
      id: 'device.labelPrinter',
      kind: 'device',
      state: 'absent',
      reason: 'somethingNew',
      detail: 'no such port',
      since: 3,
    },
  ],
};

async function statusBar() {
  return within(await screen.findByRole('contentinfo', { name: '设备与服务状态' }));
}

describe('StatusBar', () => {
  it('shows each entry with its Chinese name, state and reason', async () => {
    renderApp({ users: [INSTALLER, CLERK], signedIn: CLERK.username, health: initial });
    const bar = await statusBar();

    const items = await bar.findAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual([
      '本地数据库正常',
      '回执打印机故障缺纸',
      // An id or reason this UI does not know yet still says something.
      'device.labelPrinter未连接no such port',
    ]);
    expect(items.map((item) => item.dataset.state)).toEqual(['ready', 'error', 'absent']);
  });

  it('follows health.changed', async () => {
    const { core } = renderApp({ users: [INSTALLER, CLERK], signedIn: CLERK.username, health: initial });
    const bar = await statusBar();
    await bar.findByText('缺纸');

    act(() =>
      core.emit('health.changed', {
        entries: [
          { id: 'store', kind: 'store', state: 'ready', since: 1 },
          { id: 'device.receiptPrinter', kind: 'device', state: 'busy', since: 5 },
          { id: 'sync', kind: 'sync', state: 'error', reason: 'offline', since: 6 },
        ],
      }),
    );

    expect(bar.queryByText('缺纸')).toBeNull();
    expect(bar.getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      '本地数据库正常',
      '回执打印机工作中',
      '上报同步故障网络不通',
    ]);
  });

  it('shows the sync entry with each reason the core reports for it', async () => {
    const { core } = renderApp({ users: [INSTALLER, CLERK], signedIn: CLERK.username, health: initial });
    const bar = await statusBar();
    await bar.findByText('缺纸');
    // SyncService.reportHealth: ready, or absent/error with one of these reasons.
    const cases = [
      { state: 'ready', reason: undefined, text: '上报同步正常' },
      { state: 'absent', reason: 'notConfigured', text: '上报同步未连接尚未配置' },
      { state: 'error', reason: 'offline', text: '上报同步故障网络不通' },
      { state: 'error', reason: 'rejected', text: '上报同步故障接收方拒收' },
      { state: 'error', reason: 'retrying', text: '上报同步故障发送失败，稍后自动重试' },
    ] as const;
    for (const { state, reason, text } of cases) {
      act(() =>
        core.emit('health.changed', {
          entries: [
            { id: 'sync', kind: 'sync', state, ...(reason ? { reason } : {}), detail: 'demo-dept: …', since: 7 },
          ],
        }),
      );
      const item = bar.getByRole('listitem');
      expect(item.textContent).toBe(text);
      expect(item.dataset.state).toBe(state);
    }
  });
});

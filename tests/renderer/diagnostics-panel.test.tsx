import { act, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DiagnosticsHealth } from '../../src-main/api/contract/index.ts';
import { AppError } from '../../src-main/common/errors.ts';
import { hallDateTime } from '../../src-main/common/hall-time.ts';
import { errorMessage, t } from '../../src-main/common/i18n/index.ts';
import { zhCN } from '../../src-main/common/i18n/zh-CN.ts';
import { FakeCore, type FakeCoreOptions } from './fake-core.ts';
import { INSTALLER, renderOn } from './render-app.tsx';

const AT = Date.UTC(2026, 11, 7, 1, 30);

const HEALTH: DiagnosticsHealth = {
  entries: [
    { id: 'store', kind: 'store', state: 'ready', since: AT - 3_600_000, recent: [] },
    {
      id: 'device.receiptPrinter',
      kind: 'device',
      state: 'error',
      reason: 'paperOut',
      detail: 'DLE EOT 4: paper end sensor',
      since: AT,
      recent: [
        { at: AT, state: 'error', reason: 'paperOut', detail: 'DLE EOT 4: paper end sensor' },
        { at: AT - 600_000, state: 'absent', reason: 'notConnected', detail: 'connect ECONNREFUSED 10.0.0.7:9100' },
      ],
    },
    {
      id: 'sync',
      kind: 'sync',
      state: 'error',
      reason: 'offline',
      since: AT - 60_000,
      recent: [{ at: AT - 60_000, state: 'error', reason: 'offline' }],
    },
  ],
};

function installerCore(options: FakeCoreOptions = {}) {
  return new FakeCore({
    users: [INSTALLER],
    signedIn: INSTALLER.username,
    health: { entries: HEALTH.entries.map(({ recent: _recent, ...entry }) => entry) },
    diagnostics: HEALTH,
    ...options,
  });
}

async function panel(core: FakeCore) {
  renderOn(core);
  return within(await screen.findByRole('region', { name: '设备与服务诊断' }));
}

afterEach(() => vi.restoreAllMocks());

describe('DiagnosticsPanel (部署与设备 → 设备与服务诊断)', () => {
  it('shows each device and service: its state, why, what to do, and its recent errors with their times', async () => {
    const view = await panel(installerCore());
    const printer = within(await view.findByRole('region', { name: /回执打印机/ }));
    // What needs the installer comes first: the two broken entries, then the working store.
    expect(view.getAllByRole('region').map((region) => region.getAttribute('aria-labelledby'))).toEqual([
      'diagnostics-device.receiptPrinter',
      'diagnostics-sync',
      'diagnostics-store',
    ]);
    expect(printer.getByRole('heading', { level: 4 }).textContent).toContain('故障');
    expect(printer.getAllByText('缺纸').length).toBeGreaterThan(0);
    expect(
      printer.getAllByText(t('health.remedies.paperOut'))[0]!.closest('dd')!.previousElementSibling!.textContent,
    ).toBe('处理办法');
    const recent = within(printer.getByRole('table', { name: '最近的故障' }));
    const rows = recent.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText(hallDateTime(AT))).toBeTruthy();
    expect(within(rows[1]!).getByText('未连接或已拔出')).toBeTruthy();
    expect(within(rows[1]!).getByText(t('health.remedies.notConnected'))).toBeTruthy();
    expect(within(rows[1]!).getByText('connect ECONNREFUSED 10.0.0.7:9100')).toBeTruthy();

    const sync = within(view.getByRole('region', { name: /上报同步/ }));
    expect(sync.getAllByText(t('health.remedies.offline')).length).toBeGreaterThan(0);

    // A working entry: no remedy, and says it had no errors since the app started.
    const store = within(view.getByRole('region', { name: /本地数据库/ }));
    expect(store.getByText('正常')).toBeTruthy();
    expect(store.queryByText('处理办法')).toBeNull();
    expect(store.getByText('自本次启动以来没有故障记录。')).toBeTruthy();
  });

  it('reads the entries again when the board changes', async () => {
    const core = installerCore();
    const view = await panel(core);
    expect(await view.findByRole('region', { name: /回执打印机\s*故障/ })).toBeTruthy();
    core.diagnostics = {
      entries: [{ ...HEALTH.entries[1]!, state: 'ready', reason: undefined, detail: undefined, since: AT + 1000 }],
    } as DiagnosticsHealth;
    act(() => core.emit('health.changed', { entries: [] }));
    const printer = within(await view.findByRole('region', { name: /回执打印机\s*正常/ }));
    // Its errors stay listed after it recovered.
    expect(within(printer.getByRole('table', { name: '最近的故障' })).getAllByRole('row')).toHaveLength(3);
    expect(view.queryByRole('region', { name: /本地数据库/ })).toBeNull();
  });

  it('exports the diagnostics bundle from the keyboard, showing progress, and saves it under its name', async () => {
    const bytes = new Uint8Array(40).fill(7);
    const name = 'tongban-diagnostics-W01-20261207-0930.zip';
    const core = installerCore({ diagnosticsBundle: { name, bytes } });
    const saved: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    const user = userEvent.setup();
    const view = await panel(core);
    const button = view.getByRole('button', { name: '导出诊断包' });
    // Every progress line shown while it runs (the fake's chunks come too fast to show their count).
    const shown = new Set<string>();
    const observer = new MutationObserver(() => {
      for (const status of document.querySelectorAll('.diagnostics-export [role="status"]')) {
        shown.add(status.textContent ?? '');
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    button.focus();
    await user.keyboard('{Enter}');
    expect(await view.findByText(`已导出诊断包 ${name}（40 B），请将此文件交给技术支持。`)).toBeTruthy();
    observer.disconnect();
    expect(saved).toEqual([name]);
    expect(shown).toContain('正在生成诊断包…');
    const chunks = core.calls.filter((call) => call.method === 'downloads.chunk');
    expect(chunks.length).toBe(10);
    expect((button as HTMLButtonElement).disabled).toBe(false);
  });

  it('says in Chinese why the bundle could not be made', async () => {
    const core = installerCore({ diagnosticsBundle: new AppError('store.diskFull', 'ENOSPC') });
    const user = userEvent.setup();
    const view = await panel(core);
    await user.click(view.getByRole('button', { name: '导出诊断包' }));
    expect((await view.findByRole('alert')).textContent).toBe(errorMessage('store.diskFull'));
  });

  it('has a remedy for every reason the health board can give', () => {
    const reasons = Object.keys(zhCN.health.reasons);
    expect(Object.keys(zhCN.health.remedies).sort()).toEqual(reasons.sort());
  });
});

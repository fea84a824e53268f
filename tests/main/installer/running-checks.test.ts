// The running window's check (setup.check) judged line by line from what a core knows: a
// store in trouble, a missing key, a nearly full disk, devices as the health board has them.
import { describe, expect, it } from 'vitest';
import { demoConfig } from '../../../src-main/common/hall-config.ts';
import type { HealthEntry } from '../../../src-main/common/health.ts';
import { checkRunningWindow, DISK_FAIL_BYTES, DISK_WARN_BYTES } from '../../../src-main/installer/running-checks.ts';
import { tempDir } from '../helpers.ts';

const entry = (id: string, kind: HealthEntry['kind'], state: HealthEntry['state'], reason?: string): HealthEntry => ({
  id,
  kind,
  state,
  since: 0,
  ...(reason ? { reason } : {}),
});

function check(entries: HealthEntry[], options: { keyPresent?: boolean; free?: number } = {}) {
  return checkRunningWindow({
    config: demoConfig(),
    dataDir: tempDir(),
    health: () => ({ entries }),
    keyPresent: () => options.keyPresent ?? true,
    tokenOf: () => undefined,
    keyIdOf: () => 'k'.repeat(64),
    now: () => 42,
    ...(options.free === undefined ? {} : { freeBytes: async () => options.free! }),
  });
}

describe('checkRunningWindow', () => {
  it('is all well on a healthy window: every line ok or skipped', async () => {
    const report = await check(
      [
        entry('store', 'store', 'ready'),
        entry('device.idCardReader', 'device', 'ready', 'noCard'),
        entry('device.receiptPrinter', 'device', 'absent', 'notConfigured'),
      ],
      { free: 100 * 1024 ** 3 },
    );
    expect(report.ok).toBe(true);
    expect(report.checkedAt).toBe(42);
    expect(report.lines.map((line) => [line.id, line.state])).toEqual([
      ['database', 'ok'],
      ['key', 'ok'],
      ['disk', 'ok'],
      ['device.idCardReader', 'ok'],
      ['device.receiptPrinter', 'skipped'],
      // The demo's embedded department needs no network check.
      ['department.demo-dept.reach', 'ok'],
    ]);
  });

  it('fails a store in trouble, a missing key, a full disk and a device that is gone, saying why in Chinese', async () => {
    const report = await check(
      [
        entry('store', 'store', 'error', 'blobsMissing'),
        entry('device.idCardReader', 'device', 'absent', 'notConnected'),
        entry('device.receiptPrinter', 'device', 'error', 'paperOut'),
      ],
      { keyPresent: false, free: DISK_FAIL_BYTES - 1 },
    );
    expect(report.ok).toBe(false);
    const line = (id: string) => report.lines.find((l) => l.id === id)!;
    expect(line('database')).toMatchObject({ state: 'fail', message: expect.stringContaining('部分已保存文件缺失') });
    expect(line('key')).toMatchObject({ state: 'fail', message: expect.stringContaining('密钥') });
    expect(line('disk')).toMatchObject({ state: 'fail', message: expect.stringContaining('清理磁盘') });
    expect(line('device.idCardReader')).toMatchObject({
      state: 'fail',
      message: expect.stringContaining('未连接或已拔出'),
    });
    expect(line('device.receiptPrinter')).toMatchObject({ state: 'fail', message: expect.stringContaining('缺纸') });
  });

  it('warns of a disk running low and a roll nearly used up', async () => {
    const report = await check(
      [entry('store', 'store', 'ready'), entry('device.receiptPrinter', 'device', 'ready', 'paperNearEnd')],
      { free: DISK_WARN_BYTES - 1 },
    );
    expect(report.ok).toBe(true);
    expect(report.lines.find((l) => l.id === 'disk')?.state).toBe('warn');
    expect(report.lines.find((l) => l.id === 'device.receiptPrinter')?.state).toBe('warn');
  });

  it('reads the real free space of the data directory', async () => {
    const report = await check([entry('store', 'store', 'ready')]);
    expect(report.lines.find((l) => l.id === 'disk')?.detail).toMatch(/^\d+ bytes free under /);
  });
});

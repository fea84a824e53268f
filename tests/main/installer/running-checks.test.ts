// The running window's devices in its check (setup.check): judged from the health board,
// since the core holds the ports; the cameras are the page's and are previewed in the wizard.
import { describe, expect, it } from 'vitest';
import type { HealthEntry } from '../../../src-main/common/health.ts';
import { deviceLine } from '../../../src-main/installer/running-checks.ts';

const entry = (id: string, state: HealthEntry['state'], reason?: string): HealthEntry => ({
  id,
  kind: 'device',
  state,
  since: 0,
  ...(reason ? { reason } : {}),
});

describe('deviceLine', () => {
  it('is ok for a ready or working device, in the doctor line ids', () => {
    expect(deviceLine('idCardReader', [entry('device.idCardReader', 'ready', 'noCard')])).toMatchObject({
      id: 'device.idCardReader',
      state: 'ok',
      label: '身份证阅读器',
    });
    expect(deviceLine('receiptPrinter', [entry('device.receiptPrinter', 'busy', 'printing')]).state).toBe('ok');
  });

  it('warns of paper near its end, and fails a device that is gone or faulty, saying why in Chinese', () => {
    expect(deviceLine('receiptPrinter', [entry('device.receiptPrinter', 'ready', 'paperNearEnd')]).state).toBe('warn');
    const gone = deviceLine('idCardReader', [entry('device.idCardReader', 'absent', 'notConnected')]);
    expect(gone.state).toBe('fail');
    expect(gone.message).toMatch(/[\u4e00-\u9fff]/);
    expect(gone.message).not.toContain('notConnected');
    expect(deviceLine('receiptPrinter', [entry('device.receiptPrinter', 'error', 'paperOut')]).state).toBe('fail');
  });

  it('leaves the cameras to the page, and warns when the board has no word yet', () => {
    expect(deviceLine('documentCamera', [])).toMatchObject({ id: 'device.documentCamera', state: 'skipped' });
    expect(deviceLine('counterCamera', [])).toMatchObject({ state: 'skipped' });
    expect(deviceLine('idCardReader', []).state).toBe('warn');
  });
});

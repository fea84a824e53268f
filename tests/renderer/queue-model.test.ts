import { describe, expect, it } from 'vitest';
import type { QueuedPacket } from '../../src-main/api/contract.ts';
import {
  canRetry,
  DEADLINE_WARNING_DAYS,
  deadlineStatus,
  formatBytes,
  nextSample,
  packetsOf,
  secondsLeft,
  travelState,
} from '../../src-renderer/screens/queue/queue-model.ts';

function packet(state: string, changes: Partial<QueuedPacket> = {}): QueuedPacket {
  return {
    packetId: '01900000-0000-7000-8000-000000000001',
    version: 1,
    outcome: 'accept',
    state,
    manifestHash: '0'.repeat(64),
    deadline: '2026-03-24',
    documents: [],
    itemCode: 'KSTB-RS-0001',
    itemName: '社会保障卡申领',
    applicantName: '张伟',
    reason: null,
    sealedAt: 0,
    sync: null,
    ...changes,
  };
}

const SYNC = {
  departmentId: 'demo-dept',
  departmentName: '演示审批部门',
  step: 'commit',
  blocked: false,
  bytesSent: 0,
  bytesTotal: 0,
  attempts: 0,
  nextAttemptAt: null,
  lastError: null,
  departmentReference: null,
  receivedAt: null,
  decision: null,
} as const;

describe('deadlineStatus', () => {
  it('is near from the day before (DEADLINE_WARNING_DAYS = 1) through the day, passed after it', () => {
    expect(DEADLINE_WARNING_DAYS).toBe(1);
    const p = packet('accepted');
    expect(deadlineStatus(p, '2026-03-22')).toEqual({ kind: 'ok' });
    expect(deadlineStatus(p, '2026-03-23')).toEqual({ kind: 'near', daysLeft: 1 });
    expect(deadlineStatus(p, '2026-03-24')).toEqual({ kind: 'near', daysLeft: 0 });
    expect(deadlineStatus(p, '2026-03-25')).toEqual({ kind: 'passed', daysOver: 1 });
    // Across a month end.
    expect(deadlineStatus(packet('sealed', { deadline: '2026-04-01' }), '2026-03-31')).toEqual({
      kind: 'near',
      daysLeft: 1,
    });
  });

  it('takes another warning window', () => {
    expect(deadlineStatus(packet('accepted'), '2026-03-21', false, 3)).toEqual({ kind: 'near', daysLeft: 3 });
  });

  it('does not warn when decided, finished or superseded, or without a deadline', () => {
    for (const state of ['approved', 'closed', 'refused', 'refused_at_window', 'correction_required']) {
      expect(deadlineStatus(packet(state), '2026-04-30')).toEqual({ kind: 'ok' });
    }
    expect(deadlineStatus(packet('correction_issued'), '2026-04-30', true)).toEqual({ kind: 'ok' });
    expect(deadlineStatus(packet('refused_at_window', { deadline: null }), '2026-04-30')).toEqual({ kind: 'none' });
  });
});

describe('travel state and filters', () => {
  it('reads a held packet as blocked whatever step it stopped at, never over a department state', () => {
    expect(travelState(packet('submitted', { sync: { ...SYNC, blocked: true } }))).toBe('blocked');
    expect(travelState(packet('accepted', { sync: { ...SYNC, blocked: true } }))).toBe('accepted');
    expect(travelState(packet('retry_wait', { sync: { ...SYNC, nextAttemptAt: 5 } }))).toBe('retry_wait');
  });

  it('offers retry only while something is left to send after a failure', () => {
    expect(canRetry(packet('blocked', { sync: { ...SYNC, blocked: true } }))).toBe(true);
    expect(canRetry(packet('retry_wait', { sync: { ...SYNC, nextAttemptAt: 5 } }))).toBe(true);
    expect(canRetry(packet('sealed', { sync: { ...SYNC, step: 'register' } }))).toBe(false);
    expect(canRetry(packet('delivered', { sync: { ...SYNC, step: 'done', blocked: true } }))).toBe(false);
    expect(canRetry(packet('correction_issued'))).toBe(false);
  });

  it('keeps open packets: not closed or refused, and only the latest version', () => {
    const id = (n: number) => `01900000-0000-7000-8000-00000000000${n}`;
    const all = [
      packet('closed', { packetId: id(1) }),
      packet('refused', { packetId: id(2) }),
      packet('refused_at_window', { packetId: id(3) }),
      packet('correction_issued', { packetId: id(4), version: 1, outcome: 'correction' }),
      packet('sealed', { packetId: id(4), version: 2 }),
      packet('approved', { packetId: id(5) }),
      packet('blocked', { packetId: id(6), sync: { ...SYNC, blocked: true } }),
    ];
    expect(packetsOf('open', all).map((p) => `${p.packetId.slice(-1)}v${p.version}`)).toEqual(['4v2', '5v1', '6v1']);
    expect(packetsOf('blocked', all).map((p) => p.packetId.slice(-1))).toEqual(['6']);
    expect(packetsOf('today', all)).toHaveLength(all.length);
  });
});

describe('upload rate', () => {
  it('smooths the rate and estimates the time left', () => {
    const first = nextSample(undefined, 0, 10_000, 0);
    expect(secondsLeft(first)).toBeNull();
    const second = nextSample(first, 1000, 10_000, 1000);
    expect(second.rate).toBe(1000);
    expect(secondsLeft(second)).toBe(9);
    const third = nextSample(second, 4000, 10_000, 2000); // 3000 B/s for a moment
    expect(third.rate).toBeCloseTo(1600);
    expect(secondsLeft(third)).toBeCloseTo(3.75);
  });

  it('starts over when an upload restarts', () => {
    const before = nextSample(nextSample(undefined, 0, 100, 0), 80, 100, 1000);
    expect(nextSample(before, 10, 100, 2000)).toEqual({ bytesSent: 10, bytesTotal: 100, at: 2000, rate: null });
  });

  it('formats sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(6 * 1024 * 1024)).toBe('6.0 MB');
    expect(formatBytes(150 * 1024 * 1024)).toBe('150 MB');
  });
});

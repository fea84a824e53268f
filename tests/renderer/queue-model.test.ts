import { describe, expect, it } from 'vitest';
import type { QueuedPacket } from '../../src-main/api/contract/index.ts';
import type { PacketState } from '../../src-main/common/packet-states.ts';
import {
  canRetry,
  deadlineOf,
  formatBytes,
  nextSample,
  isOpen,
  latestVersions,
  needsClerk,
  needsPerson,
  secondsLeft,
  travelState,
} from '../../src-renderer/screens/queue/queue-model.ts';

function packet(state: PacketState, changes: Partial<QueuedPacket> = {}): QueuedPacket {
  return {
    packetId: '01900000-0000-7000-8000-000000000001',
    version: 1,
    outcome: 'receive',
    state,
    manifestHash: '0'.repeat(64),
    deadline: '2026-03-24',
    trackingCode: 'ABCD-EFGH-JKM4',
    documents: [],
    itemCode: 'KSTB-RS-0001',
    itemName: '社会保障卡申领',
    applicantName: '张伟',
    reason: null,
    sealedAt: 0,
    deadlineStatus: { kind: 'near', workingDaysLeft: 1 },
    handedOver: null,
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

describe('deadlineOf', () => {
  it("shows the core's working-day status for the latest version", () => {
    expect(deadlineOf(packet('accepted'), false)).toEqual({ kind: 'near', workingDaysLeft: 1 });
    const passed = packet('sealed', { deadlineStatus: { kind: 'passed', daysOver: 2 } });
    expect(deadlineOf(passed, false)).toEqual({ kind: 'passed', daysOver: 2 });
  });

  it('drops the warning of a version a later one replaced, but not the absence of a deadline', () => {
    expect(deadlineOf(packet('correction_issued'), true)).toEqual({ kind: 'ok' });
    const none = packet('refused_at_window', { deadline: null, deadlineStatus: { kind: 'none' } });
    expect(deadlineOf(none, true)).toEqual({ kind: 'none' });
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
    const latest = latestVersions(all);
    expect(all.filter((p) => isOpen(p, latest)).map((p) => `${p.packetId.slice(-1)}v${p.version}`)).toEqual(['4v2', '5v1', '6v1']);
    expect(all.filter(needsPerson).map((p) => p.packetId.slice(-1))).toEqual(['6']);
    // 需人工处理 also holds the department's refusal and result to hand over, on the latest version.
    const clerk = all.filter((p) => needsClerk(p, latest.get(p.packetId) === p.version));
    expect(clerk.map((p) => p.packetId.slice(-1))).toEqual(['2', '5', '6']);
    expect(needsClerk(packet('correction_required', { packetId: id(7) }), true)).toBe(true);
    expect(needsClerk(packet('correction_required', { packetId: id(7) }), false)).toBe(false);
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

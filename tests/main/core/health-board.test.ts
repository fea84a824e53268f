// The health board keeps each entry's last few errors for the health page: broken or
// gone, newest first, at most RECENT_ERRORS; working, paused and not-configured are states,
// and so is whatever an entry first reports (where it starts).
import { describe, expect, it } from 'vitest';
import { RECENT_ERRORS } from '../../../src-main/common/diagnostics.ts';
import { HealthBoard } from '../../../src-main/core/health.ts';
import { TestClock } from '../helpers.ts';

describe('the health board’s recent errors', () => {
  it('keeps the last few errors of each entry, newest first, beside its current state', () => {
    const clock = new TestClock();
    const board = new HealthBoard(clock);
    const printer = { id: 'device.receiptPrinter', kind: 'device' } as const;
    board.report({ ...printer, state: 'absent', reason: 'notConfigured' });
    board.report({ ...printer, state: 'ready' });
    board.report({ ...printer, state: 'busy', reason: 'printing' });
    for (let i = 0; i < RECENT_ERRORS + 2; i++) {
      clock.advance(1000);
      board.report({ ...printer, state: 'error', reason: i % 2 ? 'paperOut' : 'coverOpen', detail: `try ${i}` });
    }
    clock.advance(1000);
    board.report({ ...printer, state: 'ready' });
    board.report({ id: 'sync', kind: 'sync', state: 'ready' });
    board.report({ id: 'sync', kind: 'sync', state: 'paused', reason: 'paused' });
    // The state an entry starts in is its state, not an error that happened.
    board.report({ id: 'device.idCardReader', kind: 'device', state: 'absent', reason: 'notConnected' });

    const { entries } = board.diagnostics();
    const entry = entries.find((e) => e.id === printer.id)!;
    expect(entry.state).toBe('ready');
    expect(entry.recent).toHaveLength(RECENT_ERRORS);
    expect(entry.recent[0]).toEqual({
      at: clock.now() - 1000,
      state: 'error',
      reason: 'coverOpen',
      detail: `try ${RECENT_ERRORS + 1}`,
    });
    expect(entry.recent.map((incident) => incident.detail).at(-1)).toBe('try 2');
    expect(entries.find((e) => e.id === 'sync')!.recent).toEqual([]);
    expect(entries.find((e) => e.id === 'device.idCardReader')).toMatchObject({ state: 'absent', recent: [] });
    // The status bar's snapshot is unchanged: no recent errors in it.
    expect(board.snapshot().entries.every((e) => !('recent' in e))).toBe(true);
  });
});

// The session review's decisions outside React: the query the filters make, and where
// the keyboard's next / previous / next flagged lands, across the ends of a page.
import { describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../src-main/api/contract/index.ts';
import {
  durationParts,
  nextFlagged,
  NO_FILTERS,
  offsetLabel,
  queryOf,
  stepFrom,
} from '../../src-renderer/screens/supervision/session-model.ts';

const row = (draftId: string, flags: SessionSummary['flags'] = []): SessionSummary => ({
  draftId,
  clerk: 'clerk01',
  clerkName: '张窗口',
  itemCode: 'SBK',
  itemName: '社会保障卡申领',
  startedAt: 0,
  endedAt: 60_000,
  durationMs: 60_000,
  outcome: 'sealed',
  packetId: draftId,
  flags,
  comments: 0,
  signOff: null,
  lastReviewer: null,
});

describe('session review model', () => {
  it('sends only the filters set', () => {
    expect(queryOf(NO_FILTERS)).toEqual({});
    expect(queryOf({ ...NO_FILTERS, from: '2026-12-01', clerk: 'clerk01', flag: 'any', reviewed: 'no' })).toEqual({
      from: '2026-12-01',
      clerk: 'clerk01',
      flag: 'any',
      reviewed: false,
    });
    expect(queryOf({ ...NO_FILTERS, reviewed: 'yes', outcome: 'correction' })).toEqual({
      reviewed: true,
      outcome: 'correction',
    });
  });

  it('steps through a page and off its ends', () => {
    const page = [row('a'), row('b'), row('c')];
    expect(stepFrom(page, null, 1)).toBe(0);
    expect(stepFrom(page, null, -1)).toBe(2);
    expect(stepFrom(page, 'a', 1)).toBe(1);
    expect(stepFrom(page, 'c', 1)).toBe('nextPage');
    expect(stepFrom(page, 'a', -1)).toBe('previousPage');
    expect(stepFrom([], null, 1)).toBe('nextPage');
  });

  it('finds the next flagged session after the one shown, on this page', () => {
    const page = [row('a', ['long']), row('b'), row('c', ['videoGap']), row('d')];
    expect(nextFlagged(page, null)).toBe(0);
    expect(nextFlagged(page, 'a')).toBe(2);
    expect(nextFlagged(page, 'c')).toBe(-1);
  });

  it('reads durations as minutes and seconds', () => {
    expect(durationParts(125_400)).toEqual({ minutes: 2, seconds: 5 });
    expect(offsetLabel(65_000)).toBe('+1:05');
  });
});

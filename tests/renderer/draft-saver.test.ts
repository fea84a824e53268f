import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DraftPatch } from '../../src-main/common/draft.ts';
import {
  DraftSaver,
  mergePatch,
  RETRY_MS,
  type SaveStatus,
  TYPING_DEBOUNCE_MS,
} from '../../src-renderer/screens/intake/draft-saver.ts';

function saver(fail: () => boolean = () => false) {
  const sent: DraftPatch[] = [];
  const statuses: SaveStatus['kind'][] = [];
  const instance = new DraftSaver(
    async (patch) => {
      if (fail()) throw new Error('offline');
      sent.push(patch);
    },
    (status) => statuses.push(status.kind),
  );
  return { instance, sent, statuses };
}

describe('mergePatch', () => {
  it('merges answers, counts and conditions key by key; a later value wins', () => {
    expect(
      mergePatch(
        { answers: { a: '1', b: '2' }, counts: { x: { original: 1, copy: 0, electronic: 0 } }, step: 'form' },
        { answers: { b: '3' }, conditions: { c: 'met' }, step: 'materials' },
      ),
    ).toEqual({
      answers: { a: '1', b: '3' },
      counts: { x: { original: 1, copy: 0, electronic: 0 } },
      conditions: { c: 'met' },
      step: 'materials',
    });
  });
});

describe('DraftSaver', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits for a pause in typing, then sends the keystrokes as one patch', async () => {
    const { instance, sent, statuses } = saver();
    instance.change({ answers: { phone: '1' } }, 'typing');
    await vi.advanceTimersByTimeAsync(TYPING_DEBOUNCE_MS - 50);
    instance.change({ answers: { phone: '13' } }, 'typing');
    await vi.advanceTimersByTimeAsync(TYPING_DEBOUNCE_MS - 50);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toEqual([{ answers: { phone: '13' } }]);
    expect(statuses.at(-1)).toBe('saved');
  });

  it('sends at once for a choice, with the typing still queued', async () => {
    const { instance, sent } = saver();
    instance.change({ answers: { name: '张' } }, 'typing');
    instance.change({ step: 'form' }, 'now');
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ answers: { name: '张' }, step: 'form' }]);
  });

  it('keeps a failed patch under newer typing and sends both when it retries', async () => {
    let failing = true;
    const { instance, sent, statuses } = saver(() => failing);
    instance.change({ answers: { a: 'old', b: 'kept' } }, 'now');
    expect(await instance.flush()).toBe(false);
    expect(statuses.at(-1)).toBe('failed');
    instance.change({ answers: { a: 'new' } }, 'typing');

    failing = false;
    expect(await instance.flush()).toBe(true);
    expect(sent).toEqual([{ answers: { a: 'new', b: 'kept' } }]);
    expect(instance.hasUnsaved()).toBe(false);
  });

  it('retries on its own after a failure', async () => {
    let failing = true;
    const { instance, sent } = saver(() => failing);
    instance.change({ homeRegionCode: '110102' }, 'now');
    await vi.advanceTimersByTimeAsync(0);
    failing = false;
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(sent).toEqual([{ homeRegionCode: '110102' }]);
  });
});

// A session's recorded media as the review needs it: the timeline of its segments for the
// player, read as soon as the session is chosen (beside its detail, not after it), and
// the check of every stored segment against its event (the second half of the
// verification badge), begun once the player shows its first picture so that it does not
// hold up the open, and run slice by slice with its progress.
import { useEffect, useState } from 'react';
import type { SegmentProblem, TimelineSegment } from '../../../src-main/api/contract/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { describeError } from '../../app/errors.ts';

export interface SessionTimeline {
  draftId: string;
  segments: TimelineSegment[] | null;
  error: string | null;
}

export interface SegmentCheckState {
  checked: number;
  total: number;
  problems: SegmentProblem[];
  done: boolean;
  error: string | null;
}

/** The segments of the session chosen, once read (check `draftId`: until then it is the last one's). */
export function useSessionTimeline(draftId: string | null): SessionTimeline | null {
  const api = useApi();
  const [timeline, setTimeline] = useState<SessionTimeline | null>(null);
  useEffect(() => {
    if (draftId === null) return;
    let gone = false;
    // Until it comes, the timeline held is another session's: the pane does not take it.
    api.call('sessions.timeline', { draftId }).then(
      ({ segments }) => !gone && setTimeline({ draftId, segments, error: null }),
      (failure: unknown) => !gone && setTimeline({ draftId, segments: null, error: describeError(failure) }),
    );
    return () => {
      gone = true;
    };
  }, [api, draftId]);
  return timeline;
}

/** The stored segments checked against their hashes, from when `start` turns true. */
export function useSegmentCheck(draftId: string, start: boolean): SegmentCheckState {
  const api = useApi();
  const [check, setCheck] = useState<SegmentCheckState>({
    checked: 0,
    total: 0,
    problems: [],
    done: false,
    error: null,
  });
  useEffect(() => {
    if (!start) return;
    let gone = false;
    void (async () => {
      const problems: SegmentProblem[] = [];
      let from: number | null = 0;
      try {
        while (from !== null && !gone) {
          const slice: { next: number | null; total: number; problems: SegmentProblem[] } = await api.call(
            'sessions.checkSegments',
            { draftId, from },
          );
          problems.push(...slice.problems);
          from = slice.next;
          if (!gone) {
            setCheck({
              checked: from ?? slice.total,
              total: slice.total,
              problems: [...problems],
              done: from === null,
              error: null,
            });
          }
        }
      } catch (failure) {
        if (!gone) setCheck((before) => ({ ...before, done: true, error: describeError(failure) }));
      }
    })();
    return () => {
      gone = true;
    };
  }, [api, draftId, start]);
  return check;
}

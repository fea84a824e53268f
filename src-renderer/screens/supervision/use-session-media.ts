// A session's recorded media as the detail pane needs it: the timeline of segments for the
// player, and the check of every stored segment against its event (the second half of
// the verification badge), run slice by slice with its progress while the supervisor
// already watches.
import { useEffect, useState } from 'react';
import type { SegmentProblem, TimelineSegment } from '../../../src-main/api/contract/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { describeError } from '../../app/errors.ts';

export interface SegmentCheckState {
  checked: number;
  total: number;
  problems: SegmentProblem[];
  done: boolean;
  error: string | null;
}

export function useSessionMedia(draftId: string): {
  segments: TimelineSegment[] | null;
  error: string | null;
  check: SegmentCheckState;
} {
  const api = useApi();
  const [segments, setSegments] = useState<TimelineSegment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [check, setCheck] = useState<SegmentCheckState>({
    checked: 0,
    total: 0,
    problems: [],
    done: false,
    error: null,
  });

  useEffect(() => {
    let gone = false;
    void (async () => {
      let timeline: TimelineSegment[];
      try {
        timeline = (await api.call('sessions.timeline', { draftId })).segments;
      } catch (failure) {
        if (!gone) setError(describeError(failure));
        return;
      }
      if (gone) return;
      setSegments(timeline);
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
  }, [api, draftId]);

  return { segments, error, check };
}

// The applicant screen's status as the clerk's screens see it: asked once, then kept
// current by the core's `applicant.changed` (a pushed change beats an answer in flight).
import { useEffect, useRef, useState } from 'react';
import type { ApplicantStatus } from '../../../src-main/api/contract/index.ts';
import { useApi } from '../../app/api-context.tsx';

export function useApplicantStatus(
  /** Told of each status the core pushes (the panel drops a pairing code once paired). */
  onPushed?: (status: ApplicantStatus) => void,
): [ApplicantStatus | null, (status: ApplicantStatus) => void] {
  const api = useApi();
  const [status, setStatus] = useState<ApplicantStatus | null>(null);
  const pushedTo = useRef(onPushed);
  useEffect(() => {
    pushedTo.current = onPushed;
  }, [onPushed]);
  useEffect(() => {
    let live = true;
    let pushed = false;
    const off = api.on('applicant.changed', (next) => {
      pushed = true;
      if (!live) return;
      setStatus(next);
      pushedTo.current?.(next);
    });
    api.call('applicant.status', {}).then(
      (now) => live && !pushed && setStatus(now),
      () => {},
    );
    return () => {
      live = false;
      off();
    };
  }, [api]);
  return [status, setStatus];
}

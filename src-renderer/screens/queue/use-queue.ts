// The queue's data, kept live: the packets of the chosen scope with their sync view,
// the outbox's status (paused, counts), and upload progress from `sync.progress`.
// `packets.changed` triggers a re-read; reads coalesce, so a burst of changes costs
// at most one read in flight and one after it.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { QueuedPacket, SyncStatus } from '../../../src-main/api/contract/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { describeError } from '../../app/errors.ts';
import { hallDate } from '../../../src-main/common/hall-time.ts';
import { nextSample, packetKey, type ProgressSample, type QueueScope } from './queue-model.ts';

/** What `packets.list` is asked for: today's, or all (open and blocked are filtered from all). */
type Source = 'today' | 'all';

function sourceOf(scope: QueueScope): Source {
  return scope === 'today' ? 'today' : 'all';
}

export interface QueueData {
  /** The packets as read for `scope` (null until the first read of that scope). */
  packets: QueuedPacket[] | null;
  status: SyncStatus | null;
  error: string | null;
  /** Live upload progress by `packetId#version`. */
  progress: ReadonlyMap<string, ProgressSample>;
  refresh: () => void;
  setStatus: (status: SyncStatus) => void;
}

/**
 * `locked`: the idle lock is showing. Calls would be refused then, so changes only
 * mark the list stale, and it is read again on unlock.
 */
export function useQueue(scope: QueueScope, locked = false): QueueData {
  const api = useApi();
  const [read, setRead] = useState<{ source: Source; packets: QueuedPacket[] } | null>(null);
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<ReadonlyMap<string, ProgressSample>>(() => new Map());

  const scopeRef = useRef(scope);
  const inFlight = useRef(false);
  const again = useRef(false);
  const live = useRef(true);
  const lockedRef = useRef(locked);
  const stale = useRef(false);

  const load = useCallback(async () => {
    if (lockedRef.current) {
      stale.current = true;
      return;
    }
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    try {
      do {
        again.current = false;
        const asked = sourceOf(scopeRef.current);
        const [list, sync] = await Promise.allSettled([
          api.call('packets.list', { scope: asked }),
          api.call('sync.status', {}),
        ]);
        if (!live.current) return;
        if (sync.status === 'fulfilled') setStatus(sync.value);
        if (list.status === 'fulfilled') {
          // A read for a scope since left is not shown; the loop reads the new one.
          if (asked === sourceOf(scopeRef.current)) {
            const { packets } = list.value;
            setRead({ source: asked, packets });
            setError(null);
            // Progress of packets that finished uploading (or left the list) is done with.
            const uploading = new Set(packets.filter((p) => p.sync && p.sync.step !== 'done').map(packetKey));
            setProgress((current) =>
              [...current.keys()].every((key) => uploading.has(key))
                ? current
                : new Map([...current].filter(([key]) => uploading.has(key))),
            );
          } else {
            again.current = true;
          }
        } else {
          setError(describeError(list.reason));
        }
      } while (again.current && live.current);
    } finally {
      inFlight.current = false;
    }
  }, [api]);

  const refresh = useCallback(() => void load(), [load]);

  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  useEffect(() => {
    scopeRef.current = scope;
    void load();
  }, [scope, load]);

  useEffect(() => {
    lockedRef.current = locked;
    if (!locked && stale.current) {
      stale.current = false;
      void load();
    }
  }, [locked, load]);

  useEffect(() => {
    const offChanged = api.on('packets.changed', () => void load());
    const offProgress = api.on('sync.progress', (event) => {
      const key = packetKey(event);
      const at = Date.now();
      setProgress((current) => {
        const next = new Map(current);
        next.set(key, nextSample(current.get(key), event.bytesSent, event.bytesTotal, at));
        return next;
      });
    });
    // Back from a lost link: what changed meanwhile was not pushed to this window.
    const offConnection = api.onConnection((state) => {
      if (state === 'up') void load();
    });
    return () => {
      offChanged();
      offProgress();
      offConnection();
    };
  }, [api, load]);

  return {
    packets: read?.source === sourceOf(scope) ? read.packets : null,
    status,
    error,
    progress,
    refresh,
    setStatus,
  };
}

/** The hall's date today, `YYYY-MM-DD`, re-read every minute so deadlines turn over at midnight. */
export function useHallToday(): string {
  const [today, setToday] = useState(() => hallDate());
  useEffect(() => {
    const timer = setInterval(() => setToday(hallDate()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return today;
}

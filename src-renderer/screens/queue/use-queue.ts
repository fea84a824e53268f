// The queue's data, kept live: one page of the chosen filter and search with their sync
// view, the count of every filter, the outbox's status (paused, counts), and upload
// progress from `sync.progress`. `packets.changed` re-reads the page shown (same
// cursor: keyset pages stay put as packets arrive); reads coalesce, so a burst of
// changes costs at most one read in flight and one after it.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { QueueCounts, QueuedPacket, SyncStatus } from '../../../src-main/api/contract/index.ts';
import { DEFAULT_PAGE_SIZE } from '../../../src-main/api/contract/packets.ts';
import { useApi } from '../../app/api-context.tsx';
import { describeError } from '../../app/errors.ts';
import { hallDate } from '../../../src-main/common/hall-time.ts';
import { nextSample, packetKey, type ProgressSample, type QueueScope } from './queue-model.ts';

/** The page asked for: a filter, a search (empty for none) and where the page starts. */
export interface QueuePageRequest {
  scope: QueueScope;
  query: string;
  /** `nextCursor` of the page before; undefined for the first page. */
  cursor: string | undefined;
}

const keyOf = (request: QueuePageRequest) => JSON.stringify([request.scope, request.query, request.cursor ?? null]);

export interface QueueData {
  /** The packets of the page asked for (null until the first read of that request). */
  packets: QueuedPacket[] | null;
  /** The page asked for is still being read (`packets` may be the page before). */
  loading: boolean;
  /** Where the next page starts, or null on the last one (and while loading). */
  nextCursor: string | null;
  /** Every filter's count under the same search (the last read). */
  counts: QueueCounts | null;
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
export function useQueue(request: QueuePageRequest, locked = false): QueueData {
  const api = useApi();
  const [read, setRead] = useState<{
    key: string;
    request: QueuePageRequest;
    packets: QueuedPacket[];
    nextCursor: string | null;
    counts: QueueCounts;
  } | null>(null);
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<ReadonlyMap<string, ProgressSample>>(() => new Map());

  const requestRef = useRef(request);
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
        const asked = requestRef.current;
        const [list, sync] = await Promise.allSettled([
          api.call('packets.list', {
            scope: asked.scope,
            limit: DEFAULT_PAGE_SIZE,
            ...(asked.query ? { query: asked.query } : {}),
            ...(asked.cursor ? { cursor: asked.cursor } : {}),
          }),
          api.call('sync.status', {}),
        ]);
        if (!live.current) return;
        if (sync.status === 'fulfilled') setStatus(sync.value);
        if (list.status === 'fulfilled') {
          // A read for a page since left is not shown; the loop reads the new one.
          if (keyOf(asked) === keyOf(requestRef.current)) {
            const { packets, nextCursor, counts } = list.value;
            setRead({ key: keyOf(asked), request: asked, packets, nextCursor, counts });
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

  const requestKey = keyOf(request);
  useEffect(() => {
    requestRef.current = request;
    void load();
    // The key stands for the request: a new object with the same fields is not a new read.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [requestKey, load]);

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

  // Turning a page keeps the page before in view until the new one arrives (no flicker,
  // and the pager the clerk is on stays where it is); a new filter or search starts empty.
  const samePages = read !== null && read.request.scope === request.scope && read.request.query === request.query;
  return {
    packets: samePages ? read.packets : null,
    loading: read?.key !== requestKey,
    nextCursor: read?.key === requestKey ? read.nextCursor : null,
    counts: read?.counts ?? null,
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

// How many packets need the clerk (需人工处理: held for a person, a department 补正,
// refusal or result to hand over), for the alert in the status bar and the badge on
// the queue, wherever the clerk is working. Read on start, on every `packets.changed`
// and when the link comes back; a count costs the core one indexed query.
import { useEffect, useState } from 'react';
import { useApi } from '../../app/api-context.tsx';

/** `enabled`: the user may read the queue; `locked`: the idle lock shows (calls would be refused). */
export function useAttentionCount(enabled: boolean, locked: boolean): number | null {
  const api = useApi();
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (!enabled || locked) return;
    let live = true;
    let reading = false;
    let again = false;
    const read = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          try {
            const { counts } = await api.call('packets.list', { scope: 'attention', limit: 1 });
            if (live) setCount(counts.attention);
          } catch {
            // The queue itself reports a failed read; the alert keeps its last count.
          }
        } while (again && live);
      } finally {
        reading = false;
      }
    };
    void read();
    const offChanged = api.on('packets.changed', () => void read());
    const offConnection = api.onConnection((state) => {
      if (state === 'up') void read();
    });
    return () => {
      live = false;
      offChanged();
      offConnection();
    };
  }, [api, enabled, locked]);
  return enabled ? count : null;
}

// Locks the screen after `minutes` without keyboard, mouse or touch input.
import { useEffect, useRef } from 'react';

const ACTIVITY_EVENTS = [
  'keydown',
  'pointerdown',
  'pointermove',
  'mousedown',
  'mousemove',
  'wheel',
  'touchstart',
] as const;

export function useIdleLock(minutes: number, enabled: boolean, lock: () => void): void {
  const lockRef = useRef(lock);
  useEffect(() => {
    lockRef.current = lock;
  }, [lock]);

  useEffect(() => {
    if (!enabled || !(minutes > 0)) return;
    const idleMs = minutes * 60_000;
    let lastActivity = Date.now();
    let timer: ReturnType<typeof setTimeout>;

    // One timer, re-armed for the remaining time when it fires, so that input
    // (which may come hundreds of times a second) only stores a timestamp.
    const check = () => {
      const remaining = lastActivity + idleMs - Date.now();
      if (remaining > 0) timer = setTimeout(check, remaining);
      else lockRef.current();
    };
    const onActivity = () => {
      lastActivity = Date.now();
    };

    timer = setTimeout(check, idleMs);
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, { capture: true, passive: true });
    return () => {
      clearTimeout(timer);
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity, { capture: true });
    };
  }, [minutes, enabled]);
}

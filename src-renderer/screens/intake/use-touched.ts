// Which fields have been left at least once: their problems show from then on, so
// no one is scolded mid-word. Values already there when the step opens count as left.
import { useCallback, useState } from 'react';

export function useTouched(initial: () => Iterable<string>): [ReadonlySet<string>, (key: string) => void] {
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set(initial()));
  const touch = useCallback(
    (key: string) => setTouched((current) => (current.has(key) ? current : new Set([...current, key]))),
    [],
  );
  return [touched, touch];
}

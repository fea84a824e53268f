// What the window's ID card reader has read, as the core's card desk tells it: asked
// for on opening (and again after an unlock: a locked screen hears no identities), then
// kept up to date by `idCard.changed`.
import { useEffect, useState } from 'react';
import type { CardDeskState } from '../../../src-main/api/contract/index.ts';
import { useApi } from '../../app/api-context.tsx';

export const EMPTY_DESK: CardDeskState = { reading: null, onReader: false, unreadable: null };

export function useCardDesk(locked: boolean): CardDeskState {
  const api = useApi();
  const [desk, setDesk] = useState<CardDeskState>(EMPTY_DESK);

  useEffect(() => {
    if (locked) return;
    let live = true;
    const off = api.on('idCard.changed', (state) => setDesk(state));
    api.call('idCard.state', {}).then(
      (state) => {
        if (live) setDesk(state);
      },
      // No reader state (a core without the method, a dropped line): the panel stays as typed.
      () => undefined,
    );
    return () => {
      live = false;
      off();
    };
  }, [api, locked]);

  return desk;
}

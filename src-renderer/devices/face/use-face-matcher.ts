// 人证比对 for the clerk's flow, as a React hook: the shared face worker, the hall's
// thresholds (face.settings), and the matcher's state for the screen to show. The flow
// calls `load()` early (after sign-in: off the critical path), `setReference` with the
// card's chip photo once read, then `matchFrame` with counter-camera frames until an
// outcome comes (a problem without an outcome: retry with the next frame).
import { useCallback, useMemo, useState } from 'react';
import type { FaceSettings } from '../../../src-main/common/face.ts';
import { useApi } from '../../app/api-context.tsx';
import { type FrameMatch, type ReferenceOutcome, sharedFaceMatcher } from './face-client.ts';

export type FaceMatcherStatus = 'idle' | 'loading' | 'ready' | 'unavailable';

export interface FaceMatcher {
  status: FaceMatcherStatus;
  /** How long the models took to load (ms), once ready. */
  loadMs: number | null;
  /** The hall's settings, once loaded (thresholds, what is kept). */
  settings: FaceSettings | null;
  /** Loads the models and the settings; resolves with the load time (ms). Safe to call again. */
  load(): Promise<number>;
  /** The card photo (image/bmp, as CardPhoto carries it) becomes the reference. */
  setReference(cardPhoto: Uint8Array): Promise<ReferenceOutcome>;
  /** One counter-camera frame against the card (the bitmap is handed over and closed). */
  matchFrame(frame: ImageBitmap): Promise<FrameMatch>;
  /** Forgets the card's face. */
  forget(): Promise<void>;
}

export function useFaceMatcher(): FaceMatcher {
  const api = useApi();
  const [status, setStatus] = useState<FaceMatcherStatus>('idle');
  const [loadMs, setLoadMs] = useState<number | null>(null);
  const [settings, setSettings] = useState<FaceSettings | null>(null);

  const ensureSettings = useCallback(async (): Promise<FaceSettings> => {
    const read = settings ?? (await api.call('face.settings', {}));
    setSettings(read);
    return read;
  }, [api, settings]);

  const load = useCallback(async () => {
    setStatus((s) => (s === 'ready' ? s : 'loading'));
    try {
      const [ms] = await Promise.all([sharedFaceMatcher().load(), ensureSettings()]);
      setLoadMs(ms);
      setStatus('ready');
      return ms;
    } catch (error) {
      setStatus('unavailable');
      throw error;
    }
  }, [ensureSettings]);

  const setReference = useCallback((cardPhoto: Uint8Array) => sharedFaceMatcher().setReference(cardPhoto), []);

  const matchFrame = useCallback(
    async (frame: ImageBitmap) => {
      let thresholds: FaceSettings['thresholds'];
      try {
        ({ thresholds } = await ensureSettings());
      } catch (error) {
        frame.close(); // handed over: closed whatever happens
        throw error;
      }
      return sharedFaceMatcher().matchFrame(frame, thresholds);
    },
    [ensureSettings],
  );

  const forget = useCallback(() => sharedFaceMatcher().forget(), []);

  return useMemo(
    () => ({ status, loadMs, settings, load, setReference, matchFrame, forget }),
    [status, loadMs, settings, load, setReference, matchFrame, forget],
  );
}

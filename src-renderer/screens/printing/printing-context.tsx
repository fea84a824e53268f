// Whether this window prints its slips on a thermal receipt printer, and how many the
// printer still owes (回执待打印), for every screen of the shell: the nav and the status
// bar open the 回执打印 panel with it, the sealed view shows its receipt's line only where
// there is a printer. Read from `printing.jobs` on start and when the link comes back,
// kept current by `printing.changed`.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { owedCount } from './print-model.ts';

export interface PrintingStatus {
  /** False: no receipt printer here (PDFs are printed as always), or not known yet. */
  enabled: boolean;
  /** The demo profile's printer in the app: its paper is shown on screen. */
  simulated?: boolean;
  /** Slips the printer still owes. */
  waiting: number;
  /** The idle lock shows: the core refuses calls, reads wait for the unlock. */
  locked?: boolean;
  /** Opens the 回执打印 panel (absent where the user has none). */
  openQueue?: (() => void) | undefined;
}

const NO_PRINTER: PrintingStatus = { enabled: false, waiting: 0 };

const PrintingContext = createContext<PrintingStatus>(NO_PRINTER);

export function usePrinting(): PrintingStatus {
  return useContext(PrintingContext);
}

/** `active`: the user works at the window (a clerk); `locked`: the idle lock shows (calls would be refused). */
export function usePrintingStatus(
  active: boolean,
  locked: boolean,
): Pick<PrintingStatus, 'enabled' | 'simulated' | 'waiting'> {
  const api = useApi();
  const [status, setStatus] = useState(NO_PRINTER);
  useEffect(() => {
    if (!active || locked) return;
    let live = true;
    // A pushed count is newer than the list that was in flight when it came.
    let pushes = 0;
    const read = () => {
      const seen = pushes;
      api.call('printing.jobs', {}).then(
        (result) => {
          if (!live) return;
          setStatus((current) => ({
            enabled: result.enabled,
            simulated: result.simulated,
            waiting: pushes === seen ? owedCount(result.jobs) : current.waiting,
          }));
        },
        () => {
          // The panel reports a failed read; the count keeps its last value.
        },
      );
    };
    read();
    const offChanged = api.on('printing.changed', ({ waiting }) => {
      pushes++;
      if (live) setStatus((current) => ({ ...current, waiting }));
    });
    const offConnection = api.onConnection((state) => {
      if (state === 'up') read();
    });
    return () => {
      live = false;
      offChanged();
      offConnection();
    };
  }, [api, active, locked]);
  return active ? status : NO_PRINTER;
}

export function PrintingProvider({ value, children }: { value: PrintingStatus; children: ReactNode }) {
  return <PrintingContext value={value}>{children}</PrintingContext>;
}

export interface LiveRead<T> {
  /** The latest answer; null before the first. */
  data: T | null;
  /** The latest read failed (the data shown is older). */
  failure: unknown;
  reload: () => void;
}

/**
 * Reads with `load` now and again whenever the print queue changes or the link comes back
 * (a packet's slips, the panel's list, the demo printer's paper). A burst of changes starts
 * reads that may answer out of order: only the latest one started is kept. `key` names what
 * `load` reads (a new key reads afresh). Nothing is read while the idle lock shows (the core
 * would refuse); the unlock reads again.
 */
export function usePrintingRead<T>(load: () => Promise<T>, enabled: boolean, key: string): LiveRead<T> {
  const api = useApi();
  const { locked } = usePrinting();
  const active = enabled && !locked;
  const [state, setState] = useState<{ key: string; data: T | null; failure: unknown }>({
    key,
    data: null,
    failure: null,
  });
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  const readRef = useRef<() => void>(() => {});

  useEffect(() => {
    if (!active) return;
    let live = true;
    let started = 0;
    const read = () => {
      const id = ++started;
      loadRef.current().then(
        (data) => {
          if (live && id === started) setState({ key, data, failure: null });
        },
        (failure: unknown) => {
          if (live && id === started)
            setState((current) => ({ key, data: current.key === key ? current.data : null, failure }));
        },
      );
    };
    readRef.current = read;
    read();
    const offChanged = api.on('printing.changed', read);
    const offConnection = api.onConnection((connection) => {
      if (connection === 'up') read();
    });
    return () => {
      live = false;
      readRef.current = () => {};
      offChanged();
      offConnection();
    };
  }, [api, active, key]);

  const reload = useCallback(() => readRef.current(), []);
  const current = state.key === key;
  return { data: current ? state.data : null, failure: current ? state.failure : null, reload };
}

// The strip along the bottom: one entry per device and service (state colour,
// Chinese name, state and reason), kept current by the core's `health.changed`.
import { type ReactNode, useEffect, useState } from 'react';
import type { HealthEntry } from '../../src-main/api/contract/index.ts';
import { useApi } from '../app/api-context.tsx';
import { t } from '../../src-main/common/i18n/index.ts';
import { healthLabel, healthReason, healthStateLabel } from './health.ts';

export function useHealth(): HealthEntry[] | null {
  const api = useApi();
  const [entries, setEntries] = useState<HealthEntry[] | null>(null);
  useEffect(() => {
    let live = true;
    let pushed = false;
    const off = api.on('health.changed', (snapshot) => {
      pushed = true;
      if (live) setEntries(snapshot.entries);
    });
    api.call('health.snapshot', {}).then(
      (snapshot) => {
        // A pushed change is newer than the snapshot that was in flight.
        if (live && !pushed) setEntries(snapshot.entries);
      },
      () => {},
    );
    return () => {
      live = false;
      off();
    };
  }, [api]);
  return entries;
}

/**
 * `alert`: work waiting for the user (packets that need the clerk), shown first and announced.
 * `printQueue`: where the window has a receipt printer, the slips it owes — while there are
 * any, 回执待打印 N, a button that opens 回执打印.
 */
export function StatusBar({
  alert,
  printQueue,
  extra,
}: {
  alert?: string | undefined;
  printQueue?: { waiting: number; open: () => void } | undefined;
  /** An item of the user's work beside the devices (a clerk's: the applicant screen). */
  extra?: ReactNode;
} = {}) {
  const entries = useHealth();
  return (
    <footer className="status-bar" aria-label={t('health.title')}>
      <span role="status" className={alert ? 'status-alert' : 'visually-hidden'}>
        {alert ?? ''}
      </span>
      {printQueue && printQueue.waiting > 0 && (
        <button
          type="button"
          className="status-print"
          aria-label={t('printing.statusButtonLabel', { count: printQueue.waiting })}
          onClick={printQueue.open}
        >
          {t('printing.statusButton', { count: printQueue.waiting })}
        </button>
      )}
      {extra}
      {entries && entries.length === 0 && <span className="status-bar-none">{t('health.none')}</span>}
      <ul>
        {entries?.map((entry) => {
          const reason = healthReason(entry);
          return (
            <li key={entry.id} className={`health health-${entry.state}`} data-state={entry.state} title={entry.detail}>
              <span className="health-dot" aria-hidden="true" />
              <span className="health-label">{healthLabel(entry)}</span>
              <span className="health-state">{healthStateLabel(entry)}</span>
              {reason && <span className="health-reason">{reason}</span>}
            </li>
          );
        })}
      </ul>
    </footer>
  );
}

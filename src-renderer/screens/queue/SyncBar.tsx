// The line about sending to the approving departments: running or paused, what waits,
// and — for those the contract lets pause the hall's sending — the switch.
import { useEffect, useState } from 'react';
import type { SyncStatus } from '../../../src-main/api/contract/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { ErrorNotice } from '../../components/Notice.tsx';
import { t } from '../../../src-main/common/i18n/index.ts';

/** Without `onToggle` the bar only tells the state (a clerk's queue). */
export function SyncBar({
  status,
  acting,
  onToggle,
}: {
  status: SyncStatus;
  acting: boolean;
  onToggle?: (() => void) | undefined;
}) {
  const counts = [t('queue.sync.waiting', { count: status.waiting })];
  if (status.retrying > 0) counts.push(t('queue.sync.retrying', { count: status.retrying }));
  if (status.blocked > 0) counts.push(t('queue.sync.blocked', { count: status.blocked }));
  return (
    <div
      className={`sync-bar${status.paused ? ' sync-bar-paused' : ''}`}
      role="group"
      aria-label={t('queue.sync.title')}
    >
      <p className="sync-bar-state" role="status">
        <strong className="sync-bar-mode">{status.paused ? t('queue.sync.paused') : t('queue.sync.running')}</strong>
        {status.paused && <span> {t('queue.sync.pausedHint')}</span>}
        <span className="sync-bar-counts">{counts.join('，')}</span>
      </p>
      {onToggle && (
        <button type="button" disabled={acting} onClick={onToggle}>
          {status.paused ? t('queue.sync.resume') : t('queue.sync.pause')}
        </button>
      )}
    </div>
  );
}

/** The switch where supervisors and installers work: reads the state, pauses or resumes the hall's sending. */
export function SyncPauseControl() {
  const api = useApi();
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const action = useAction();
  const { showFailure } = action;

  useEffect(() => {
    let live = true;
    api.call('sync.status', {}).then(
      (next) => live && setStatus(next),
      (failure: unknown) => live && showFailure(failure),
    );
    return () => {
      live = false;
    };
  }, [api, showFailure]);

  if (!status) return <ErrorNotice message={action.error} />;
  return (
    <>
      <ErrorNotice message={action.error} />
      <SyncBar
        status={status}
        acting={action.busy}
        onToggle={() =>
          void action.run(async () => setStatus(await api.call(status.paused ? 'sync.resume' : 'sync.pause', {})))
        }
      />
    </>
  );
}

// 督查: the duty board (时限看板), session review for supervisors (the list and player
// come in later issues), and the switch that pauses the hall's sending.
import { EmptyState } from '../components/Notice.tsx';
import { t } from '../../src-main/common/i18n/index.ts';
import { DutyBoard } from './DutyBoard.tsx';
import { SyncPauseControl } from './queue/SyncBar.tsx';

export function SupervisionArea() {
  return (
    <section className="area" aria-labelledby="area-supervision">
      <h2 id="area-supervision" tabIndex={-1}>
        {t('areas.supervision')}
      </h2>
      <SyncPauseControl />
      <DutyBoard />
      <EmptyState title={t('supervision.empty')} hint={t('supervision.emptyHint')} />
    </section>
  );
}

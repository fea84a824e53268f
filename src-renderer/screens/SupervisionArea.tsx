// 督查: the session review (会话抽查: the list of counter sessions, a session opened,
// comment and sign-off; the player comes with the recorder), the duty board (时限看板),
// the applicants' ratings (评价, 差评 with their follow-up clock), and the switch that
// pauses the hall's sending.
import { t } from '../../src-main/common/i18n/index.ts';
import { DutyBoard } from './DutyBoard.tsx';
import { SyncPauseControl } from './queue/SyncBar.tsx';
import { RatingsPanel } from './supervision/RatingsPanel.tsx';
import { SessionReview } from './supervision/SessionReview.tsx';

export function SupervisionArea() {
  return (
    <section className="area" aria-labelledby="area-supervision">
      <h2 id="area-supervision" tabIndex={-1}>
        {t('areas.supervision')}
      </h2>
      <SyncPauseControl />
      <SessionReview />
      <DutyBoard />
      <RatingsPanel />
    </section>
  );
}

// Shown instead of the app when the browser host's page has no token: its one-time
// code was spent, went stale, was missing, or the host did not answer. Nothing else
// can be done from here; the way back is a fresh link from the host's terminal.
import type { HostTokenRefusal } from '../api/transports.ts';
import { t, type MessageKey } from '../../src-main/common/i18n/index.ts';

const REASONS: Readonly<Record<HostTokenRefusal, MessageKey>> = {
  used: 'openLink.used',
  expired: 'openLink.expired',
  missing: 'openLink.missing',
  unreachable: 'openLink.unreachable',
};

export function OpenLinkRefused({ refused }: { refused: HostTokenRefusal }) {
  return (
    <main className="gate">
      <div className="gate-card" role="alert">
        <h1>{t('openLink.title')}</h1>
        <p>{t(REASONS[refused])}</p>
        <p className="muted">{t('openLink.hint')}</p>
      </div>
    </main>
  );
}

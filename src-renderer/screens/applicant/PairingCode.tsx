// A pairing code for the applicant's page (browser host): the button that asks the core
// for one and the code in large digits with how long it holds. The review step's applicant
// panel and the identity check (which needs a paired screen for consent) both offer it.
import { useState } from 'react';
import { PAIRING_CODE_TTL_MS } from '../../../src-main/common/applicant.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { ErrorNotice } from '../../components/Notice.tsx';

export function PairingCode({ paired }: { paired: boolean }) {
  const api = useApi();
  const action = useAction();
  const [code, setCode] = useState<{ code: string; expiresAt: number } | null>(null);
  // Paired: the code has done its work (and must not show again if the screen is lost).
  // Electron pairs its second display itself: codes are for the browser host's pages.
  if (paired || !location.protocol.startsWith('http')) return null;
  return (
    <>
      {code && (
        <div className="applicant-code-box">
          <p className="applicant-pairing-code" aria-label={t('applicant.panel.code', { code: code.code })}>
            {code.code}
          </p>
          <p className="field-hint">
            {t('applicant.panel.codeHint', { minutes: Math.round(PAIRING_CODE_TTL_MS / 60_000) })}{' '}
            {t('applicant.panel.pageAddress', { address: `${location.origin}/applicant` })}
          </p>
        </div>
      )}
      <button
        type="button"
        disabled={action.busy}
        onClick={() => void action.run(async () => setCode(await api.call('applicant.pairingCode', {})))}
      >
        {t('applicant.panel.newCode')}
      </button>
      {action.error && <ErrorNotice message={action.error} />}
    </>
  );
}

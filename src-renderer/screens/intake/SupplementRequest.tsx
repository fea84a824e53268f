// The top of a 补正续办 draft: which packet it continues and, when the department asked
// for the 补正, what it asked for (its reason and every item to correct), so the clerk
// takes in exactly that without going back to the queue.
import { useEffect, useState } from 'react';
import type { PacketSync } from '../../../src-main/api/contract/index.ts';
import type { LateSupplement } from '../../../src-main/common/draft.ts';
import { useApi } from '../../app/api-context.tsx';
import { hallTime } from '../../../src-main/common/hall-time.ts';
import { t } from '../../../src-main/common/i18n/index.ts';

type Decision = NonNullable<PacketSync['decision']>;

export function SupplementRequest({
  previous,
  late,
}: {
  previous: { packetId: string; version: number };
  /** Set when the 补正 came after its last day and the clerk recorded why it goes on. */
  late?: LateSupplement | undefined;
}) {
  const api = useApi();
  const [decision, setDecision] = useState<Decision | null>(null);
  const { packetId, version } = previous;
  useEffect(() => {
    let live = true;
    api.call('packets.decision', { packetId, version }).then(
      (result) => {
        if (live) setDecision(result.decision);
      },
      // Without the department's words the banner still says what the draft continues.
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, packetId, version]);
  const asked = decision?.state === 'correction_required' ? decision : null;
  return (
    <div className="notice notice-info supplement-request" data-testid="supplement-request">
      <p>{t('intake.supplementBanner', { packetId, version })}</p>
      {late && <p>{t('intake.supplementRequest.late', { due: late.due, reason: late.reason })}</p>}
      {asked && (
        <section aria-labelledby="supplement-request-title">
          <h3 id="supplement-request-title">{t('intake.supplementRequest.title')}</h3>
          {asked.supplyBy && <p>{t('intake.supplementRequest.supplyBy', { date: asked.supplyBy })}</p>}
          {asked.reason && <p>{t('intake.supplementRequest.reason', { reason: asked.reason })}</p>}
          {asked.correctionItems.length > 0 && (
            <>
              <p>{t('intake.supplementRequest.items')}</p>
              <ol aria-label={t('intake.supplementRequest.items')}>
                {asked.correctionItems.map((item, index) => (
                  <li key={index}>{item}</li>
                ))}
              </ol>
            </>
          )}
          <p className="muted">
            {asked.decidedBy && <span>{t('intake.supplementRequest.decidedBy', { name: asked.decidedBy })} </span>}
            {t('intake.supplementRequest.at', { time: isoTime(asked.at) })}
          </p>
        </section>
      )}
    </div>
  );
}

function isoTime(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : hallTime(at);
}

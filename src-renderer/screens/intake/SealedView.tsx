// After sealing: the packet's 查询号, id and outcome, and the documents issued — each with
// a preview and a download of the very PDF stored with the packet — and, where the window
// has a receipt printer, whether the thermal slip printed (printing/SlipPrintStatus.tsx).
import { useEffect, useRef } from 'react';
import type { SealedPacket } from '../../../src-main/api/contract/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { DocumentItem } from '../../components/FileView.tsx';
import { t } from '../../../src-main/common/i18n/index.ts';
import { SlipPrintStatus } from '../printing/SlipPrintStatus.tsx';

export function SealedView({ packet, onBack }: { packet: SealedPacket; onBack: () => void }) {
  const api = useApi();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  return (
    <section className={`panel sealed outcome-panel outcome-panel-${packet.outcome}`} aria-labelledby="sealed-title">
      <h3 id="sealed-title" ref={headingRef} tabIndex={-1}>
        {t('intake.sealed.title')}
      </h3>
      <dl className="facts">
        {packet.trackingCode && (
          <>
            <dt>{t('intake.sealed.trackingCode')}</dt>
            <dd className="mono tracking-code">{packet.trackingCode}</dd>
          </>
        )}
        <dt>{t('intake.sealed.packetId')}</dt>
        <dd className="mono">{packet.packetId}</dd>
        <dt>{t('intake.sealed.version')}</dt>
        <dd>{packet.version}</dd>
        <dt>{t('intake.sealed.outcome')}</dt>
        <dd>
          <span className={`outcome outcome-${packet.outcome}`}>{t(`outcomes.${packet.outcome}`)}</span>
        </dd>
        {packet.deadline && (
          <>
            <dt>{t('intake.sealed.deadline')}</dt>
            <dd>{packet.deadline}</dd>
          </>
        )}
      </dl>
      <h4 id="sealed-documents">{t('intake.sealed.documents')}</h4>
      {packet.documents.length === 0 ? (
        <p className="muted">{t('intake.sealed.noDocuments')}</p>
      ) : (
        <ul className="document-list" aria-labelledby="sealed-documents">
          {packet.documents.map((document) => (
            <DocumentItem
              key={document.sha256}
              document={document}
              load={() => api.call('documents.get', { sha256: document.sha256 })}
            />
          ))}
        </ul>
      )}
      <SlipPrintStatus packetId={packet.packetId} version={packet.version} />
      <div className="actions">
        <button type="button" className="primary" onClick={onBack}>
          {t('intake.sealed.back')}
        </button>
      </div>
    </section>
  );
}

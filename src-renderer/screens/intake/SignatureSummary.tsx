// 申请人签名 as the clerk sees it in the review step: a thumbnail of what the applicant
// signed on the applicant screen, or that they sign the printed receipt by hand and why,
// or that nothing is given yet (the receipt's line then stays blank for a hand signature).
// With no applicant display, or a pad the applicant cannot use, the clerk records here that
// the applicant signs the printed receipt by hand, and why (drafts.signOnPaper, logged).
import { useState } from 'react';
import type { DraftSignature } from '../../../src-main/common/signature.ts';
import { hallDateTime } from '../../../src-main/common/hall-time.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { TextAreaField } from '../../components/Field.tsx';
import { useObjectUrl } from '../../components/FileView.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';

export function SignatureSummary({
  draftId,
  signature,
  onSignature,
}: {
  draftId: string;
  signature: DraftSignature | undefined;
  /** The core wrote the draft's signature (it alone does): the wizard takes it as it says. */
  onSignature: (signature: DraftSignature | undefined) => void;
}) {
  const api = useApi();
  const action = useAction();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const onPaper = signature !== undefined && 'onPaper' in signature;

  const record = () =>
    action.run(async () => {
      const view = await api.call('drafts.signOnPaper', { id: draftId, reason });
      onSignature(view.state.signature);
      setAsking(false);
      setReason('');
    });

  return (
    <section className="panel review-signature" aria-label={t('signature.reviewTitle')}>
      <strong>{t('signature.reviewTitle')}</strong>
      {!signature && <span className="muted">{t('signature.reviewNone')}</span>}
      {signature && 'onPaper' in signature && <span>{t('signature.reviewOnPaper', { reason: signature.reason })}</span>}
      {signature && !('onPaper' in signature) && (
        <SignatureImage draftId={draftId} image={signature.image} at={signature.at} />
      )}
      {!onPaper && !asking && (
        <button type="button" onClick={() => setAsking(true)}>
          {t('signature.onPaper')}
        </button>
      )}
      {asking && (
        <form
          className="review-signature-paper"
          onSubmit={(event) => {
            event.preventDefault();
            void record();
          }}
        >
          <TextAreaField
            label={t('signature.onPaperReason')}
            hint={t('signature.onPaperHint')}
            value={reason}
            maxLength={500}
            onChange={(event) => setReason(event.target.value)}
          />
          <div className="actions">
            <button type="submit" className="primary" disabled={action.busy || reason.trim() === ''}>
              {t('signature.onPaperSave')}
            </button>
            <button type="button" onClick={() => setAsking(false)} disabled={action.busy}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
      <ErrorNotice message={action.error} />
    </section>
  );
}

function SignatureImage({ draftId, image, at }: { draftId: string; image: string; at: number }) {
  const api = useApi();
  // Keyed by the image's hash: a new signature from the applicant screen loads anew.
  const loaded = useObjectUrl(`${draftId}/${image}`, async () => ({
    ...(await api.call('drafts.signature', { id: draftId })),
    name: t('signature.imageAlt'),
  }));
  return (
    <>
      {loaded.kind === 'ready' && <img src={loaded.url} alt={t('signature.imageAlt')} />}
      {loaded.kind === 'failed' && <ErrorNotice message={loaded.message} />}
      <span className="muted">{t('signature.reviewSigned', { time: hallDateTime(at) })}</span>
    </>
  );
}

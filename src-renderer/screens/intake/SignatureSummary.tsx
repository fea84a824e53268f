// 申请人签名 as the clerk sees it in the review step: a thumbnail of what the applicant
// signed on the applicant screen, or that they sign the printed receipt by hand and why,
// or that nothing is given yet (the receipt's line then stays blank for a hand signature).
import type { DraftSignature } from '../../../src-main/common/signature.ts';
import { hallDateTime } from '../../../src-main/common/hall-time.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { useObjectUrl } from '../../components/FileView.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';

export function SignatureSummary({ draftId, signature }: { draftId: string; signature: DraftSignature | undefined }) {
  return (
    <section className="panel review-signature" aria-label={t('signature.reviewTitle')}>
      <strong>{t('signature.reviewTitle')}</strong>
      {!signature && <span className="muted">{t('signature.reviewNone')}</span>}
      {signature && 'onPaper' in signature && <span>{t('signature.reviewOnPaper', { reason: signature.reason })}</span>}
      {signature && !('onPaper' in signature) && (
        <SignatureImage draftId={draftId} image={signature.image} at={signature.at} />
      )}
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

// What the applicant screen mounts at its signature and rating stages: the signature pad
// and the rating form, each sending through the applicant connection's own methods.
import { useState } from 'react';
import { t } from '../../../src-main/common/i18n/index.ts';
import type { ApplicantSlots } from './ApplicantStages.tsx';
import { RatingForm } from './RatingForm.tsx';
import { SignaturePad } from './SignaturePad.tsx';

export const applicantSlots: ApplicantSlots = {
  signature: ({ submit }) => <SignatureStage submit={submit} />,
  rating: ({ submit }) => <RatingStage submit={submit} />,
};

/**
 * The pad; "无法在屏幕签名" tells the applicant to say so at the window: the clerk records
 * the paper signature from the review step (drafts.signOnPaper), where the reason is known.
 */
function SignatureStage({ submit }: { submit: Parameters<NonNullable<ApplicantSlots['signature']>>[0]['submit'] }) {
  const [unable, setUnable] = useState(false);
  if (unable)
    return (
      <p className="applicant-lead" role="status">
        {t('signature.unableNote')}
      </p>
    );
  return <SignaturePad onSubmit={submit} onUnable={() => setUnable(true)} />;
}

/** The form, busy while its answer is on its way (a second tap sends nothing). */
function RatingStage({ submit }: { submit: Parameters<NonNullable<ApplicantSlots['rating']>>[0]['submit'] }) {
  const [busy, setBusy] = useState(false);
  return (
    <RatingForm
      busy={busy}
      onSubmit={async (rating) => {
        setBusy(true);
        try {
          await submit(rating);
        } finally {
          setBusy(false);
        }
      }}
    />
  );
}

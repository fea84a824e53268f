// 人证核验: how the window established that the person at the counter holds the ID card
// whose identity the draft carries. Face matching needs the applicant's separate consent
// (face-recognition rules in force from 2025-06-01) and must never be the only way: without
// consent, camera, card photo or applicant screen the clerk compares person and card by eye
// and records it. The packet carries the outcome; face images and embeddings never do.
import { z } from 'zod';
import { IDENTITY_HOLDERS } from './application.ts';
import { FaceOutcome } from './face.ts';

/** The face match's outcome, as the matcher's rule (common/face.ts `judge`) gives it. */
export const FaceMatchOutcome = FaceOutcome;
export type FaceMatchOutcome = FaceOutcome;

/** Why the clerk compared by eye instead of the face match deciding. */
export const VISUAL_CHECK_CAUSES = [
  'consentRefused', // the applicant said no to face recognition
  'noApplicantScreen', // consent cannot be asked: no applicant screen paired
  'noCamera', // the counter camera is missing or failing
  'noCardPhoto', // the card's photo could not be decoded
  'noFace', // the match found no single live face in time
  'matcherFailed', // the models could not load or run
] as const;
export const VisualCheckCause = z.enum(VISUAL_CHECK_CAUSES);
export type VisualCheckCause = z.infer<typeof VisualCheckCause>;

/** The clerk's own judgement: the person is the card's holder, or is not. */
export const ClerkVerdict = z.enum(['match', 'mismatch']);
export type ClerkVerdict = z.infer<typeof ClerkVerdict>;

export const MAX_CHECK_REASON = 200;
const Reason = z.string().trim().min(1).max(MAX_CHECK_REASON);
const Score = z.number().min(0).max(1);

/** What the clerk's screen sends: a face match's result, or a comparison by eye. */
export const IdentityCheckInput = z.discriminatedUnion('method', [
  z
    .object({
      method: z.literal('face'),
      outcome: FaceMatchOutcome,
      similarity: Score,
      /** Passive liveness and anti-spoof scores of the frame that decided. */
      live: Score,
      real: Score,
      /** How many frames were tried before the outcome. */
      frames: z.number().int().min(1).max(1000),
      /** Required for uncertain and fail: what the clerk saw, and the reason. */
      verdict: ClerkVerdict.optional(),
      reason: Reason.optional(),
    })
    .strict()
    .superRefine((check, ctx) => {
      if (check.outcome !== 'pass' && (!check.verdict || !check.reason)) {
        ctx.addIssue({
          code: 'custom',
          path: ['reason'],
          message: 'an uncertain or failed match needs the clerk’s verdict and reason',
        });
      }
    }),
  z
    .object({
      method: z.literal('visual'),
      cause: VisualCheckCause,
      verdict: ClerkVerdict,
      reason: Reason.optional(),
    })
    .strict()
    .superRefine((check, ctx) => {
      if (check.verdict === 'mismatch' && !check.reason) {
        ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a mismatch needs a reason' });
      }
    }),
]);
export type IdentityCheckInput = z.infer<typeof IdentityCheckInput>;

/** As the draft keeps it (and the manifest carries it): the input, whose identity it checked, by whom and when. */
export const IdentityCheck = z
  .object({
    /** The person at the counter: the applicant, or the guardian or agent who came for them. */
    who: z.enum(IDENTITY_HOLDERS),
    check: IdentityCheckInput,
    /** The ID number checked: a check of another person's card does not carry over. */
    idNumber: z.string().max(64),
    clerk: z.string().max(64),
    at: z.number(),
  })
  .strict();
export type IdentityCheck = z.infer<typeof IdentityCheck>;

/** Whether the check established the holder: a face pass, or the clerk's verdict of a match. */
export function identityVerified(check: IdentityCheckInput): boolean {
  if (check.method === 'face' && check.outcome === 'pass') return true;
  return check.verdict === 'match';
}

/** The check as the manifest carries it: outcome, scores and verdicts, never a face image. */
export const ManifestIdentityCheck = z.intersection(
  IdentityCheckInput,
  z.object({ who: z.enum(IDENTITY_HOLDERS), clerk: z.string(), at: z.string() }),
);
export type ManifestIdentityCheck = z.infer<typeof ManifestIdentityCheck>;

/** The draft's check as the manifest carries it, when it checked the person the draft now names. */
export function manifestIdentityCheck(
  stored: IdentityCheck | undefined,
  person: { idNumber: string } | undefined,
): ManifestIdentityCheck | undefined {
  if (!stored || !person || person.idNumber !== stored.idNumber) return undefined;
  return {
    who: stored.who,
    ...stored.check,
    clerk: stored.clerk,
    at: new Date(stored.at).toISOString(),
  };
}

// The applicant screen (申请人屏): the second screen the applicant faces, bound to the
// hall core's one window. The clerk puts a stage on it (consent, confirmation,
// signature, rating); the applicant answers there. These are the shapes the core, the
// applicant's page and the clerk's panel agree on.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { type SignatureCapture, SignatureSubmission } from './signature.ts';
import { canonicalJson } from './canonical-json.ts';
import { ReviewOutcome } from './manifest.ts';

/**
 * What the applicant screen shows: welcome, face consent, the confirmation, the pad, the
 * rating, thanks; and, while a 视频会商 call about their application is on, that it is
 * on and recorded.
 */
export const APPLICANT_STAGES = ['idle', 'consent', 'confirm', 'signature', 'rating', 'thanks', 'call'] as const;
export const ApplicantStage = z.enum(APPLICANT_STAGES);
export type ApplicantStage = z.infer<typeof ApplicantStage>;

// ── pairing ──────────────────────────────────────────────────────────────────

/** The pairing code the clerk's screen shows and the applicant's page takes: six digits. */
export const PAIRING_CODE_DIGITS = 6;
export const PairingCode = z.string().regex(/^\d{6}$/);
/** Long enough to walk to the applicant's screen and type it, short enough that a code seen is soon stale. */
export const PAIRING_CODE_TTL_MS = 2 * 60_000;
/** Wrong codes tried against one issued code before it is void (10^6 codes: guessing stays hopeless). */
export const PAIRING_MAX_TRIES = 5;
/** Why a pairing code was not taken; the applicant's page says which in Chinese. */
export const PairingRefusal = z.enum(['wrong', 'expired', 'used', 'voided']);
export type PairingRefusal = z.infer<typeof PairingRefusal>;
/** The applicant connection's resume ticket (32 random bytes, base64url), kept in the tab's sessionStorage. */
export const ApplicantTicket = z.string().min(16).max(128);

// ── what the applicant checks (确认) ──────────────────────────────────────────

/**
 * Exactly what the confirmation stage shows. Its SHA-256 over canonical JSON is the
 * `viewHash` the applicant confirms: a draft that changes afterwards yields another
 * view, so the confirmation no longer matches it.
 */
export const ConfirmationView = z.object({
  draftId: z.string(),
  item: z.object({ code: z.string(), name: z.string() }),
  /** Who applies; the ID number masked as on paper (the applicant checks it, the screen shows no more). */
  identity: z.array(
    z.object({ role: z.enum(['applicant', 'agent', 'guardian', 'company']), name: z.string(), idNumber: z.string() }),
  ),
  /** The form's answers in effect, with their labels, as the applicant reads them. */
  answers: z.array(z.object({ label: z.string(), value: z.string() })),
  /** Materials received, with counts (原件, 复印件, 电子件) and pages captured. */
  materials: z.array(
    z.object({ name: z.string(), original: z.number(), copy: z.number(), electronic: z.number(), pages: z.number() }),
  ),
  outcome: ReviewOutcome,
  /** The gist of the notice the outcome issues: what to supply (补正) or why not here (不收件). */
  notice: z.array(z.string()),
  /** 办理期限 or 补正期限, as a date (YYYY-MM-DD), when the outcome has one. */
  deadline: z.string().nullable(),
});
export type ConfirmationView = z.infer<typeof ConfirmationView>;

export const ViewHash = z.string().regex(/^[0-9a-f]{64}$/);

/** SHA-256 (hex) of the view's canonical JSON: what the applicant's confirmation is bound to. */
export function viewHashOf(view: ConfirmationView): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(view))));
}
export const MAX_CORRECTION_NOTE = 200;
export const MAX_WAIVE_REASON = 300;

// ── records in the draft (set by the core only) ──────────────────────────────

/** Which consent text was shown: a new wording gets a new version, so a record says which the applicant read. */
export const FACE_CONSENT_NOTICE_VERSION = '2026-12-1';

/** 人脸识别单独同意: given or refused on the applicant screen. */
export const FaceConsent = z.object({ granted: z.boolean(), at: z.number(), noticeVersion: z.string() }).strict();
export type FaceConsent = z.infer<typeof FaceConsent>;

/** The applicant confirmed this view on their screen, or the clerk recorded why no confirmation was possible. */
export const Confirmation = z.union([
  z.object({ by: z.literal('applicant'), at: z.number(), viewHash: ViewHash }).strict(),
  z
    .object({
      waived: z.literal(true),
      reason: z.string().min(1).max(MAX_WAIVE_REASON),
      clerk: z.string().max(64),
      at: z.number(),
    })
    .strict(),
]);
export type Confirmation = z.infer<typeof Confirmation>;

// ── what the applicant screen shows (event `applicant.screen`) ───────────────

export const ConsentNotice = z.object({
  noticeVersion: z.string(),
  /** How many days face images and their features are kept on this machine; 0: none is kept (the default). */
  retentionDays: z.number(),
});
export type ConsentNotice = z.infer<typeof ConsentNotice>;

export const ApplicantScreen = z.discriminatedUnion('stage', [
  z.object({ stage: z.literal('idle'), hallName: z.string(), windowName: z.string() }),
  z.object({ stage: z.literal('consent'), hallName: z.string(), windowName: z.string(), notice: ConsentNotice }),
  z.object({
    stage: z.literal('confirm'),
    hallName: z.string(),
    windowName: z.string(),
    view: ConfirmationView,
    viewHash: ViewHash,
  }),
  z.object({ stage: z.literal('signature'), hallName: z.string(), windowName: z.string(), draftId: z.string() }),
  z.object({ stage: z.literal('rating'), hallName: z.string(), windowName: z.string(), packetId: z.string() }),
  z.object({ stage: z.literal('thanks'), hallName: z.string(), windowName: z.string() }),
  /** A 视频会商 call with the approving department is on (or waiting): it is recorded, sound and picture. */
  z.object({
    stage: z.literal('call'),
    hallName: z.string(),
    windowName: z.string(),
    draftId: z.string(),
    departmentName: z.string(),
  }),
]);
export type ApplicantScreen = z.infer<typeof ApplicantScreen>;

// ── what the clerk sees of it (event `applicant.changed`) ────────────────────

/** The applicant's last answer on their screen, for the clerk's panel. */
export const ApplicantAnswer = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('consent'), draftId: z.string(), granted: z.boolean(), at: z.number() }),
  z.object({ kind: z.literal('confirmed'), draftId: z.string(), viewHash: ViewHash, at: z.number() }),
  z.object({
    kind: z.literal('correctionRequested'),
    draftId: z.string(),
    note: z.string(),
    at: z.number(),
  }),
  z.object({ kind: z.literal('signed'), draftId: z.string(), at: z.number() }),
  z.object({ kind: z.literal('rated'), packetId: z.string(), at: z.number() }),
]);
export type ApplicantAnswer = z.infer<typeof ApplicantAnswer>;

export const ApplicantStatus = z.object({
  paired: z.boolean(),
  /** The screen dropped mid-session (page closed, connection lost): re-pair or waive. */
  lost: z.boolean(),
  stage: ApplicantStage,
  /** The draft (or packet, for a rating) the stage is about. */
  subject: z.string().nullable(),
  answer: ApplicantAnswer.nullable(),
  /** Whether a seal needs the applicant's confirmation now (see `confirmationRequired`). */
  confirmationRequired: z.boolean(),
});
export type ApplicantStatus = z.infer<typeof ApplicantStatus>;

// ── the signature (drawn on the applicant screen; stored by IntakeService.attachSignature) ──

/** What the applicant screen sends: the pad's ink and its PNG (common/signature.ts has its rules). */
export const SignatureInput = SignatureSubmission;
export type SignatureInput = SignatureCapture;

// The applicant screen (申请人屏): the clerk's methods that put a stage on it, and the
// applicant connection's own methods that answer it. An applicant connection may call
// only its own methods (access `applicant`) and `app.info`; staff may call none of them.
import { z } from 'zod';
import {
  ApplicantScreen,
  ApplicantStatus,
  ApplicantTicket,
  MAX_CORRECTION_NOTE,
  MAX_WAIVE_REASON,
  PairingCode,
  SignatureInput,
  ViewHash,
} from '../../common/applicant.ts';
import { DraftId } from '../../common/draft.ts';
import { RatingInput } from '../../common/rating.ts';
import { method, none } from './method.ts';

const Draft = z.object({ draftId: DraftId }).strict();
/** What a clerk's call answers: the screen's status as it now stands. */
const Status = ApplicantStatus;

export const applicantMethods = {
  // ── the clerk's side ──
  'applicant.status': method({ access: ['clerk'], background: true, input: none, output: Status }),
  /** A six-digit code for the applicant's page (browser host), valid 2 minutes, once; the previous one is void. */
  'applicant.pairingCode': method({
    access: ['clerk'],
    input: none,
    output: z.object({ code: PairingCode, expiresAt: z.number() }),
  }),
  'applicant.askConsent': method({ access: ['clerk'], input: Draft, output: Status }),
  'applicant.showForConfirmation': method({ access: ['clerk'], input: Draft, output: Status }),
  'applicant.askSignature': method({ access: ['clerk'], input: Draft, output: Status }),
  'applicant.askRating': method({
    access: ['clerk'],
    input: z.object({ packetId: z.string().min(1).max(64) }).strict(),
    output: Status,
  }),
  'applicant.clear': method({ access: ['clerk'], input: none, output: Status }),
  /** The clerk records why the applicant could not confirm (no screen, cannot read, screen broken …). */
  'applicant.waiveConfirmation': method({
    access: ['clerk'],
    input: z.object({ draftId: DraftId, reason: z.string().trim().min(2).max(MAX_WAIVE_REASON) }).strict(),
    output: Status,
  }),

  // ── the applicant's side ──
  /**
   * Turns this connection into the applicant screen, with the ticket of a pairing (or of
   * the page's last attach, after a reload). Public, since the connection is nobody yet;
   * a signed-in staff connection is refused.
   */
  'applicant.attach': method({
    access: 'public',
    applicantToo: true,
    input: z.object({ ticket: ApplicantTicket }).strict(),
    output: z.object({ ticket: ApplicantTicket, screen: ApplicantScreen }),
  }),
  'applicant.screen': method({ access: 'applicant', background: true, input: none, output: ApplicantScreen }),
  'applicant.consent': method({
    access: 'applicant',
    input: z.object({ granted: z.boolean() }).strict(),
    output: ApplicantScreen,
  }),
  'applicant.confirm': method({
    access: 'applicant',
    input: z.object({ viewHash: ViewHash }).strict(),
    output: ApplicantScreen,
  }),
  'applicant.requestCorrection': method({
    access: 'applicant',
    input: z.object({ note: z.string().trim().max(MAX_CORRECTION_NOTE).optional() }).strict(),
    output: ApplicantScreen,
  }),
  'applicant.sign': method({ access: 'applicant', input: SignatureInput, output: ApplicantScreen }),
  'applicant.rate': method({ access: 'applicant', input: RatingInput, output: ApplicantScreen }),
};

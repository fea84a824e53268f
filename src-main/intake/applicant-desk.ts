// The applicant screen (申请人屏) of the hall core's one window: what it shows, who it
// is, and what the applicant answered there. It belongs to the window, not to a
// clerk's sign-in: paired once, it shows whatever the window's signed-in clerk puts on
// it, across sign-ins, until its page closes for good or the core stops.
//
// Invariants:
// - One applicant screen at a time. Pairing (a code, or the Electron shell's second
//   display) or resuming (the page's ticket after a reload) makes a connection THE
//   screen; any earlier one stops being it, and its calls are refused.
// - A pairing code is six digits, lives PAIRING_CODE_TTL_MS, is taken once, and is void
//   after PAIRING_MAX_TRIES wrong tries; issuing a new one voids the old. Codes and
//   tickets are held by their SHA-256 only, compared in constant time.
// - A resume ticket is spent by its use (the answer carries the next one), and every
//   ticket dies with a new pairing or a core restart (memory only).
// - The applicant answers only the stage on the screen, and confirms only the very view
//   it was shown (its hash), which must still be the draft's view when recorded.
// - What the applicant answers goes into the draft (by the intake service) and the
//   session log; pairing and losing the screen go into the audit stream, and losing it
//   mid-session also into the session's log, at once, for the clerk to act on.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import {
  type ApplicantAnswer,
  type ApplicantScreen,
  type ApplicantStage,
  type ApplicantStatus,
  type ConfirmationView,
  type ConsentNotice,
  PAIRING_CODE_DIGITS,
  PAIRING_CODE_TTL_MS,
  PAIRING_MAX_TRIES,
  type PairingRefusal,
  type SignatureInput,
} from '../common/applicant.ts';
import { AppError } from '../common/errors.ts';
import { Listeners } from '../common/listeners.ts';
import type { RatingInput } from '../common/rating.ts';
import { AUDIT_STREAM, type EventLog } from '../recording/event-log.ts';
import { APPLICANT_ACTOR, type Clerk, type IntakeService, sessionStream } from './intake-service.ts';

/** When a seal needs the applicant's confirmation: always, or once a screen was paired in this run. */
export type ConfirmationPolicy = 'required' | 'whenPaired';

/** The connection an applicant screen speaks through: its events go out with `show`. */
export interface ApplicantLink {
  show(screen: ApplicantScreen): void;
}

export interface ApplicantDeskDeps {
  intake: Pick<
    IntakeService,
    'applicantView' | 'recordFaceConsent' | 'recordConfirmation' | 'waiveConfirmation' | 'getDraft'
  >;
  events: Pick<EventLog, 'append'>;
  now: () => number;
  hallName: string;
  windowName: string;
  consentNotice: ConsentNotice;
  confirmation: ConfirmationPolicy;
  /** Stores the applicant's signature with the draft (helper "signature": IntakeService.attachSignature). */
  sign: (draftId: string, input: SignatureInput) => Promise<void>;
  /** Records the visit's rating (helper "rating": Ratings.record). */
  rate: (packetId: string, input: RatingInput) => void | Promise<void>;
  /** Where unexpected failures of a listener go. */
  onError: (error: unknown) => void;
}

export type PairingResult = { ok: true; ticket: string } | { ok: false; refused: PairingRefusal };

interface IssuedCode {
  hash: Buffer;
  expiresAt: number;
  tries: number;
  state: 'open' | 'used' | 'voided';
}

/** What the screen is showing, and for whom (the clerk whose draft it is). */
type Showing =
  | { stage: 'idle' | 'thanks' }
  | { stage: 'consent'; clerk: Clerk; draftId: string }
  | { stage: 'confirm'; clerk: Clerk; draftId: string; view: ConfirmationView; viewHash: string }
  | { stage: 'signature'; clerk: Clerk; draftId: string }
  | { stage: 'rating'; clerk: Clerk; packetId: string }
  | { stage: 'call'; draftId: string; departmentName: string; before: Showing };

export class ApplicantDesk {
  private code: IssuedCode | null = null;
  /** The hash of the one live resume ticket. */
  private ticket: Buffer | null = null;
  private link: ApplicantLink | null = null;
  private lost = false;
  private everPaired = false;
  private showing: Showing = { stage: 'idle' };
  private answer: ApplicantAnswer | null = null;
  private readonly listeners: Listeners<ApplicantStatus>;

  constructor(private readonly deps: ApplicantDeskDeps) {
    this.listeners = new Listeners(deps.onError);
  }

  // ── pairing ────────────────────────────────────────────────────────────────

  /** A fresh pairing code for the clerk's screen; the previous one is void. */
  issueCode(clerk: Clerk): { code: string; expiresAt: number } {
    const code = String(randomInt(0, 10 ** PAIRING_CODE_DIGITS)).padStart(PAIRING_CODE_DIGITS, '0');
    const expiresAt = this.deps.now() + PAIRING_CODE_TTL_MS;
    this.code = { hash: digest(code), expiresAt, tries: 0, state: 'open' };
    this.audit(clerk.username, 'applicant.pairingCodeIssued', { expiresAt });
    return { code, expiresAt };
  }

  /** The page's code (through the browser host): a ticket to attach with, or why not. */
  redeemCode(code: string): PairingResult {
    const issued = this.code;
    if (!issued) return { ok: false, refused: 'wrong' };
    if (issued.state !== 'open') return { ok: false, refused: issued.state };
    if (this.deps.now() >= issued.expiresAt) return { ok: false, refused: 'expired' };
    if (!timingSafeEqual(digest(code), issued.hash)) {
      issued.tries += 1;
      if (issued.tries < PAIRING_MAX_TRIES) return { ok: false, refused: 'wrong' };
      issued.state = 'voided';
      this.audit('system', 'applicant.pairingCodeVoided', { tries: issued.tries });
      return { ok: false, refused: 'voided' };
    }
    issued.state = 'used';
    return { ok: true, ticket: this.newTicket() };
  }

  /** The Electron shell's window on the second display: trusted, no code. */
  pairDisplay(): string {
    this.code = null;
    return this.newTicket();
  }

  /**
   * Makes `link` the applicant screen with a ticket from a pairing or the page's last
   * attach; answers the next ticket (for a reload) and what to show.
   */
  attach(ticket: string, link: ApplicantLink): { ticket: string; screen: ApplicantScreen } {
    if (!this.ticket || !timingSafeEqual(digest(ticket), this.ticket)) {
      throw new AppError('applicant.ticketRefused', 'unknown, used or superseded applicant ticket');
    }
    const replaced = this.link !== null && this.link !== link;
    this.link = link;
    const resumed = this.everPaired && (this.lost || replaced);
    this.lost = false;
    this.everPaired = true;
    this.audit('system', 'applicant.paired', { resumed, replaced });
    this.changed();
    return { ticket: this.newTicket(), screen: this.screen() };
  }

  /** Whether `link` is the applicant screen now (an older page's calls are refused). */
  isCurrent(link: ApplicantLink): boolean {
    return this.link === link;
  }

  /** The screen's connection closed (page closed or reloading, network gone). */
  detach(link: ApplicantLink): void {
    if (this.link !== link) return;
    this.link = null;
    this.lost = true;
    this.audit('system', 'applicant.unpaired', { stage: this.showing.stage });
    const draftId = 'draftId' in this.showing ? this.showing.draftId : null;
    if (draftId !== null) {
      this.deps.events.append({
        stream: sessionStream(draftId),
        actor: 'system',
        kind: 'applicant.screenLost',
        payload: { stage: this.showing.stage },
      });
    }
    this.changed();
  }

  // ── what the clerk sees and does ─────────────────────────────────────────────

  status(): ApplicantStatus {
    const showing = this.showing;
    return {
      paired: this.link !== null,
      lost: this.lost,
      stage: showing.stage,
      subject: 'draftId' in showing ? showing.draftId : 'packetId' in showing ? showing.packetId : null,
      answer: this.answer,
      confirmationRequired: this.confirmationRequired(),
    };
  }

  subscribe(listener: (status: ApplicantStatus) => void): () => void {
    return this.listeners.add(listener);
  }

  /** Whether a seal needs the applicant's confirmation (or a recorded waiver) now. */
  confirmationRequired(): boolean {
    return this.deps.confirmation === 'required' || this.everPaired;
  }

  askConsent(clerk: Clerk, draftId: string): ApplicantStatus {
    this.requireScreen();
    this.deps.intake.getDraft(clerk, draftId); // this clerk's open draft
    return this.put({ stage: 'consent', clerk, draftId });
  }

  async showForConfirmation(clerk: Clerk, draftId: string): Promise<ApplicantStatus> {
    this.requireScreen();
    const { view, viewHash } = await this.deps.intake.applicantView(clerk, draftId);
    return this.put({ stage: 'confirm', clerk, draftId, view, viewHash });
  }

  askSignature(clerk: Clerk, draftId: string): ApplicantStatus {
    this.requireScreen();
    this.deps.intake.getDraft(clerk, draftId);
    return this.put({ stage: 'signature', clerk, draftId });
  }

  askRating(clerk: Clerk, packetId: string): ApplicantStatus {
    this.requireScreen();
    return this.put({ stage: 'rating', clerk, packetId });
  }

  clear(): ApplicantStatus {
    return this.put({ stage: 'idle' });
  }

  /**
   * 视频会商: while a call about the draft open at the counter waits or runs, the screen
   * tells the applicant it is on and recorded (with or without a paired screen: one
   * paired later shows it too).
   */
  showCall(draftId: string, departmentName: string): ApplicantStatus {
    const showing = this.showing;
    if (showing.stage === 'call' && showing.draftId === draftId) return this.status();
    const before = showing.stage === 'call' ? showing.before : showing;
    return this.put({ stage: 'call', draftId, departmentName, before });
  }

  /** The call about `draftId` ended: the screen goes back to what it showed before. */
  endCall(draftId: string): ApplicantStatus {
    const showing = this.showing;
    if (showing.stage !== 'call' || showing.draftId !== draftId) return this.status();
    return this.put(showing.before);
  }

  /** The clerk records why the applicant could not confirm; the screen, if any, goes back to welcome. */
  async waiveConfirmation(clerk: Clerk, draftId: string, reason: string): Promise<ApplicantStatus> {
    await this.deps.intake.waiveConfirmation(clerk, draftId, reason);
    if ('draftId' in this.showing && this.showing.draftId === draftId) return this.put({ stage: 'idle' });
    this.changed();
    return this.status();
  }

  // ── what the applicant does ───────────────────────────────────────────────

  /** What `link` shows now; a page superseded by a newer pairing is told it is no longer the screen. */
  screenFor(link: ApplicantLink): ApplicantScreen {
    if (!this.isCurrent(link)) {
      throw new AppError('applicant.ticketRefused', 'this page is no longer the applicant screen');
    }
    return this.screen();
  }

  screen(): ApplicantScreen {
    const base = { hallName: this.deps.hallName, windowName: this.deps.windowName };
    const showing = this.showing;
    switch (showing.stage) {
      case 'consent':
        return { stage: 'consent', ...base, notice: this.deps.consentNotice };
      case 'confirm':
        return { stage: 'confirm', ...base, view: showing.view, viewHash: showing.viewHash };
      case 'signature':
        return { stage: 'signature', ...base, draftId: showing.draftId };
      case 'rating':
        return { stage: 'rating', ...base, packetId: showing.packetId };
      case 'call':
        return { stage: 'call', ...base, draftId: showing.draftId, departmentName: showing.departmentName };
      default:
        return { stage: showing.stage, ...base };
    }
  }

  async consent(link: ApplicantLink, granted: boolean): Promise<ApplicantScreen> {
    const showing = this.expect(link, 'consent');
    const consent = await this.deps.intake.recordFaceConsent(showing.clerk, showing.draftId, granted);
    this.answer = { kind: 'consent', draftId: showing.draftId, granted, at: consent.at };
    this.put({ stage: 'idle' });
    return this.screen();
  }

  async confirm(link: ApplicantLink, viewHash: string): Promise<ApplicantScreen> {
    const showing = this.expect(link, 'confirm');
    if (viewHash !== showing.viewHash) throw new AppError('applicant.viewChanged', 'confirmed a view no longer shown');
    try {
      await this.deps.intake.recordConfirmation(showing.clerk, showing.draftId, viewHash);
    } catch (error) {
      // The clerk changed the draft while it was shown: the applicant gets the new view to check.
      if (error instanceof AppError && error.code === 'applicant.viewChanged') {
        await this.showForConfirmation(showing.clerk, showing.draftId);
      }
      throw error;
    }
    this.answer = { kind: 'confirmed', draftId: showing.draftId, viewHash, at: this.deps.now() };
    this.put({ stage: 'idle' });
    return this.screen();
  }

  requestCorrection(link: ApplicantLink, note: string): ApplicantScreen {
    const showing = this.expect(link, 'confirm');
    this.deps.events.append({
      stream: sessionStream(showing.draftId),
      actor: APPLICANT_ACTOR,
      kind: 'applicant.correctionRequested',
      payload: { note, viewHash: showing.viewHash, clerk: showing.clerk.username },
    });
    this.answer = { kind: 'correctionRequested', draftId: showing.draftId, note, at: this.deps.now() };
    this.put({ stage: 'idle' });
    return this.screen();
  }

  async sign(link: ApplicantLink, input: SignatureInput): Promise<ApplicantScreen> {
    const showing = this.expect(link, 'signature');
    await this.deps.sign(showing.draftId, input);
    this.answer = { kind: 'signed', draftId: showing.draftId, at: this.deps.now() };
    this.put({ stage: 'idle' });
    return this.screen();
  }

  async rate(link: ApplicantLink, input: RatingInput): Promise<ApplicantScreen> {
    const showing = this.expect(link, 'rating');
    await this.deps.rate(showing.packetId, input);
    this.answer = { kind: 'rated', packetId: showing.packetId, at: this.deps.now() };
    this.put({ stage: 'thanks' });
    return this.screen();
  }

  // ── inside ───────────────────────────────────────────────────────────────────

  private expect<S extends ApplicantStage>(link: ApplicantLink, stage: S): Extract<Showing, { stage: S }> {
    if (!this.isCurrent(link))
      throw new AppError('applicant.ticketRefused', 'this page is no longer the applicant screen');
    if (this.showing.stage !== stage) {
      throw new AppError('applicant.wrongStage', `the screen shows ${this.showing.stage}, not ${stage}`);
    }
    return this.showing as Extract<Showing, { stage: S }>;
  }

  private requireScreen(): void {
    if (!this.link) throw new AppError('applicant.notPaired', 'no applicant screen is attached to this window');
  }

  private put(showing: Showing): ApplicantStatus {
    const previous = this.showing;
    this.showing = showing;
    // A new question clears the last answer; an answer (back to idle) keeps it for the clerk,
    // and so does a call shown over what the screen showed, and taken off it again.
    const aroundCall = showing.stage === 'call' || previous.stage === 'call';
    if (showing.stage !== 'idle' && showing.stage !== 'thanks' && previous !== showing && !aroundCall) {
      this.answer = null;
    }
    this.link?.show(this.screen());
    this.changed();
    return this.status();
  }

  private changed(): void {
    this.listeners.emit(this.status());
  }

  private newTicket(): string {
    const ticket = randomBytes(32).toString('base64url');
    this.ticket = digest(ticket);
    return ticket;
  }

  private audit(actor: string, kind: string, payload: Record<string, string | number | boolean>): void {
    this.deps.events.append({ stream: AUDIT_STREAM, actor, kind, payload });
  }
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

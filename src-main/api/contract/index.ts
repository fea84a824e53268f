// The one contract between UI and core. Every call and event that crosses the
// boundary is declared once, in the area files beside this one, with schemas that the
// dispatcher enforces on the way in (input) and on the way out (output: unknown keys
// are stripped, so a secret column can never leak by accident). Both transports,
// Electron IPC and the browser host's WebSocket, carry exactly these messages. The
// contract imports only common/: the shapes it carries are the domain's own.
import { z } from 'zod';
import { CallId, CallSignal } from '../../common/call-protocol.ts';
import { HealthSnapshot } from '../../common/health.ts';
import { PrintQueueSummary } from '../../common/printing.ts';
import { PacketStateChange, UploadProgress } from '../../common/sync.ts';
import { SessionInfo } from '../../common/users.ts';
import { ApplicantScreen, ApplicantStatus } from '../../common/applicant.ts';
import { appMethods } from './app.ts';
import { applicantMethods } from './applicant.ts';
import { authMethods } from './auth.ts';
import { callMethods, WindowCall } from './calls.ts';
import { catalogMethods } from './catalog.ts';
import { CardDeskState, deviceMethods } from './devices.ts';
import { diagnosticsMethods } from './diagnostics.ts';
import { faceMethods } from './face.ts';
import { intakeMethods } from './intake.ts';
import type { MethodSpec } from './method.ts';
import { packetMethods } from './packets.ts';
import { printingMethods } from './printing.ts';
import { ratingMethods } from './ratings.ts';
import { recordingMethods } from './recording.ts';
import { setupMethods } from './setup.ts';
import { syncMethods } from './sync.ts';
import { uploadMethods } from './uploads.ts';

export const methods = {
  ...appMethods,
  ...authMethods,
  ...catalogMethods,
  ...intakeMethods,
  ...packetMethods,
  ...syncMethods,
  ...recordingMethods,
  ...uploadMethods,
  ...deviceMethods,
  ...printingMethods,
  ...ratingMethods,
  ...applicantMethods,
  ...faceMethods,
  ...diagnosticsMethods,
  ...setupMethods,
  ...callMethods,
} as const satisfies Record<string, MethodSpec>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

// ── events (core → UI) ───────────────────────────────────────────────────────

export const events = {
  'health.changed': HealthSnapshot,
  /** The core changed this connection's session on its own (idle lock, account disabled). */
  'session.changed': SessionInfo,
  /** Packets moved in the queue (sync steps, department decisions): refresh them. */
  'packets.changed': z.object({ packets: z.array(PacketStateChange) }),
  /** Upload progress of one packet version, at most a few times a second. */
  'sync.progress': UploadProgress,
  /** The ID card reader read a card, or the card was taken away or cannot be read (signed-in clerks only). */
  'idCard.changed': CardDeskState,
  /** The print queue changed (a slip queued, printed, failed or given up): how many the printer owes. */
  'printing.changed': PrintQueueSummary,
  /** To the applicant screen only: what it shows now. */
  'applicant.screen': ApplicantScreen,
  /** To signed-in clerks: the applicant screen's status (paired, stage, the applicant's last answer). */
  'applicant.changed': ApplicantStatus,
  /** To signed-in clerks: a 视频会商 call changed (answered, ended, an approver's call arrived or went). */
  'calls.changed': WindowCall,
  /** To signed-in clerks: a signal from the other side of a call, in the order it was sent. */
  'calls.signal': z.object({ callId: CallId, signal: CallSignal }),
} as const satisfies Record<string, z.ZodType>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

// What the UI names when it speaks of these shapes.
export type { Access, FileContent, MethodSpec } from './method.ts';
export { roleMayCall } from './method.ts';
export type { AppInfo } from './app.ts';
export type { WindowCall } from './calls.ts';
export { UPLOAD_CHUNK_BYTES } from './uploads.ts';
export type { UploadLimits, UploadPurpose } from './uploads.ts';
export type { CatalogHit } from './catalog.ts';
export type { CardDeskState, CardPhoto, CardReading, DemoCard } from './devices.ts';
export type { FaceComparison, FaceOutcome, FaceProblem, FaceSettings, FaceThresholds } from '../../common/face.ts';
export type { QueuedPacket } from './packets.ts';
export { DEFAULT_SESSION_PAGE, DOWNLOAD_CHUNK_BYTES } from './recording.ts';
export type {
  SegmentProblem,
  SessionDetail,
  SessionFacets,
  SessionFlag,
  SessionOutcome,
  SessionSummary,
  SignOffVerdict,
  SupervisionNote,
  TimelineSegment,
  VideoGap,
} from '../../common/supervision.ts';
export type { PrintJob, PrintQueueSummary } from '../../common/printing.ts';
export type { RatingFilter, RatingView } from '../../common/rating-report.ts';
export type { CatalogSummary } from '../../common/catalog.ts';
export type { DeadlineStatus } from '../../common/deadline-status.ts';
export type { DraftView } from '../../common/draft.ts';
export type { ChainVerification } from '../../common/event-chain.ts';
export type { HealthEntry, HealthSnapshot, HealthState } from '../../common/health.ts';
export type { DiagnosticEntry, DiagnosticsHealth, HealthIncident } from '../../common/diagnostics.ts';
export type { PacketSummary, QueueCounts, QueueFilter, SealedPacket } from '../../common/packets.ts';
export type { ReviewResult } from '../../common/review/review.ts';
export type { EnrolmentInfo, PacketStateChange, PacketSync, SyncStatus, UploadProgress } from '../../common/sync.ts';
export type { Role, SessionInfo, UserSummary } from '../../common/users.ts';
export type {
  ApplicantAnswer,
  ApplicantScreen,
  ApplicantStage,
  ApplicantStatus,
  ConfirmationView,
  PairingRefusal,
  SignatureInput,
} from '../../common/applicant.ts';

// 会话抽查: what the supervisor's session list knows of each counter session, folded
// event by event from the session's stream (`session:<draftId>`), and the flags computed
// from that record. Pure: the core's index (recording/sessions.ts) folds each event as it
// is appended, the migration that builds the index folds the log it finds, and both
// reach the same row. The steps are sessionChapters' (session-chapters.ts), never read
// here a second way.
import { z } from 'zod';
import { ChainVerification } from './event-chain.ts';
import {
  RECORDING_GAP,
  RECORDING_SEGMENT,
  RECORDING_STARTED,
  RecordingGapPayload,
  RecordingSegmentPayload,
  RecordingTrack,
} from './recording.ts';
import { type ChapterKind, EXPECTED_STEPS, sessionChapters, type SessionEvent } from './session-chapters.ts';

/** 办理结果 of a session: still at the window, sealed (收件), a 补正 notice issued, or given up (放弃). */
export const SESSION_OUTCOMES = ['open', 'sealed', 'correction', 'abandoned'] as const;
export const SessionOutcome = z.enum(SESSION_OUTCOMES);
export type SessionOutcome = z.infer<typeof SessionOutcome>;

/**
 * What a supervisor is pointed at (标记): a gap in the video (reported by the recorder,
 * a hole over a second between camera segments, or a sealed session not recorded at all),
 * an expected step missing, a review rule overridden, a session far longer than usual for
 * its item, a chain that no longer verifies.
 */
export const SESSION_FLAGS = ['videoGap', 'missingSteps', 'override', 'long', 'chainBroken'] as const;
export const SessionFlag = z.enum(SESSION_FLAGS);
export type SessionFlag = z.infer<typeof SessionFlag>;

/** Each flag's bit in the index's `flags` column (filtering by a flag is one AND). */
export const FLAG_BITS: Readonly<Record<SessionFlag, number>> = {
  videoGap: 1,
  missingSteps: 2,
  override: 4,
  long: 8,
  chainBroken: 16,
};

export const SignOffVerdict = z.enum(['ok', 'issues']);
export type SignOffVerdict = z.infer<typeof SignOffVerdict>;

export const SUPERVISION_COMMENTED = 'supervision.commented';
export const SUPERVISION_SIGNED_OFF = 'supervision.signedOff';

/** Longest comment a supervisor writes (and the sign-off's remark). */
export const MAX_COMMENT = 2000;

/** Two camera segments further apart than this (ms) leave a hole in the video. */
export const SEGMENT_HOLE_MS = 1000;

/**
 * "Far longer than usual": over LONG_FACTOR times the median duration of the item's last
 * LONG_SAMPLE finished sessions (sealed or 补正) before it, judged when it finishes, and
 * only once the item has LONG_MIN_SAMPLE of them. A later session never changes the verdict
 * on an earlier one: the flag says what was unusual when it happened.
 */
export const LONG_FACTOR = 3;
export const LONG_SAMPLE = 30;
export const LONG_MIN_SAMPLE = 5;

const CHAPTER_BITS: Readonly<Record<ChapterKind, number>> = {
  started: 1,
  identity: 2,
  form: 4,
  material: 8,
  review: 16,
  override: 32,
  seal: 64,
  receipt: 128,
  identityCheck: 256,
  call: 512,
};

/** A session as the index keeps it: one row, folded from the stream's events in order. */
export interface SessionRecord {
  draftId: string;
  /** Username of the clerk who started it (null until `intake.started` is seen). */
  clerk: string | null;
  itemCode: string | null;
  startedAt: number;
  /** When it was sealed or given up; null while open. */
  endedAt: number | null;
  outcome: SessionOutcome;
  packetId: string | null;
  /** Bits of the chapter kinds seen (CHAPTER_BITS). */
  steps: number;
  /** The recorder started at least once. */
  recorded: boolean;
  cameraIndex: number | null;
  cameraEndMs: number | null;
  /** The recorder reported a gap, or camera segments left a hole. */
  gapSeen: boolean;
  /** Set by the index when the session finishes (`judgeDuration`). */
  long: boolean;
  /** The item's median duration it was judged against, ms. */
  usualMs: number | null;
  /** The last verification of the chain: null never verified. */
  chain: 'ok' | 'broken' | null;
  comments: number;
  verdict: SignOffVerdict | null;
  signedBy: string | null;
  signedAt: number | null;
  lastReviewer: string | null;
  /** The last event folded in. */
  lastSeq: number;
}

/** What folding needs of a logged event. */
export interface FoldedEvent extends SessionEvent {
  actor: string;
}

const finished = (outcome: SessionOutcome) => outcome === 'sealed' || outcome === 'correction';

export function newSessionRecord(draftId: string, at: number): SessionRecord {
  return {
    draftId,
    clerk: null,
    itemCode: null,
    startedAt: at,
    endedAt: null,
    outcome: 'open',
    packetId: null,
    steps: 0,
    recorded: false,
    cameraIndex: null,
    cameraEndMs: null,
    gapSeen: false,
    long: false,
    usualMs: null,
    chain: null,
    comments: 0,
    verdict: null,
    signedBy: null,
    signedAt: null,
    lastReviewer: null,
    lastSeq: 0,
  };
}

/** Whether a camera segment leaves a hole after the one before it (a skipped index, or over a second apart). */
export function holeBefore(
  previous: { index: number; endMs: number } | null,
  segment: Pick<RecordingSegmentPayload, 'index' | 'startMs'>,
): boolean {
  if (!previous) return false;
  return segment.index !== previous.index + 1 || segment.startMs - previous.endMs > SEGMENT_HOLE_MS;
}

/** The record after one more event of its stream. Events already folded (seq ≤ lastSeq) change nothing. */
export function foldSessionEvent(record: SessionRecord, event: FoldedEvent): SessionRecord {
  if (event.seq <= record.lastSeq) return record;
  const next: SessionRecord = { ...record, lastSeq: event.seq };
  // The chapters this event marks on its own: sessionChapters is the one reading of steps.
  for (const chapter of sessionChapters([event]).chapters) next.steps |= CHAPTER_BITS[chapter.kind];
  const { payload } = event;
  switch (event.kind) {
    case 'intake.started':
      next.clerk = event.actor;
      next.itemCode = typeof payload['itemCode'] === 'string' ? payload['itemCode'] : null;
      next.startedAt = Math.min(next.startedAt, event.wallMs);
      break;
    case 'intake.sealed':
      next.outcome = payload['outcome'] === 'correction' ? 'correction' : 'sealed';
      next.endedAt = event.wallMs;
      next.packetId = typeof payload['packetId'] === 'string' ? payload['packetId'] : null;
      break;
    case 'intake.discarded':
      next.outcome = 'abandoned';
      next.endedAt = event.wallMs;
      break;
    case RECORDING_STARTED:
      next.recorded = true;
      // A restarted recorder counts its segments afresh.
      next.cameraIndex = null;
      next.cameraEndMs = null;
      break;
    case RECORDING_GAP:
      next.gapSeen = true;
      break;
    case RECORDING_SEGMENT: {
      const segment = RecordingSegmentPayload.safeParse(payload);
      if (!segment.success || segment.data.track !== 'camera') break;
      const previous =
        next.cameraIndex === null || next.cameraEndMs === null
          ? null
          : { index: next.cameraIndex, endMs: next.cameraEndMs };
      if (holeBefore(previous, segment.data)) next.gapSeen = true;
      next.cameraIndex = segment.data.index;
      next.cameraEndMs = segment.data.endMs;
      break;
    }
    case SUPERVISION_COMMENTED:
      next.comments += 1;
      next.lastReviewer = event.actor;
      break;
    case SUPERVISION_SIGNED_OFF:
      next.verdict = payload['verdict'] === 'issues' ? 'issues' : 'ok';
      next.signedBy = event.actor;
      next.signedAt = event.wallMs;
      if (typeof payload['comment'] === 'string' && payload['comment'] !== '') next.comments += 1;
      next.lastReviewer = event.actor;
      break;
  }
  return next;
}

/** Steps a finished session lacks (the same answer as sessionChapters' `missing`). */
export function missingSteps(record: Pick<SessionRecord, 'outcome' | 'steps'>): ChapterKind[] {
  if (!finished(record.outcome)) return [];
  return EXPECTED_STEPS.filter((kind) => (record.steps & CHAPTER_BITS[kind]) === 0);
}

export function flagsOf(record: SessionRecord): SessionFlag[] {
  const flags: SessionFlag[] = [];
  if (record.gapSeen || (finished(record.outcome) && !record.recorded)) flags.push('videoGap');
  if (missingSteps(record).length > 0) flags.push('missingSteps');
  if ((record.steps & CHAPTER_BITS.override) !== 0) flags.push('override');
  if (record.long) flags.push('long');
  if (record.chain === 'broken') flags.push('chainBroken');
  return flags;
}

export function flagBits(flags: readonly SessionFlag[]): number {
  return flags.reduce((bits, flag) => bits | FLAG_BITS[flag], 0);
}

export function flagsFromBits(bits: number): SessionFlag[] {
  return SESSION_FLAGS.filter((flag) => (bits & FLAG_BITS[flag]) !== 0);
}

/** Whether a session's duration is far over its item's usual one (see LONG_FACTOR), and that usual duration. */
export function judgeDuration(
  durationMs: number,
  earlier: readonly number[],
): { long: boolean; usualMs: number | null } {
  if (earlier.length < LONG_MIN_SAMPLE) return { long: false, usualMs: null };
  const sorted = [...earlier].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const usualMs = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { long: durationMs > LONG_FACTOR * usualMs, usualMs };
}

/** Only a finished session is judged, and once: whether the index must judge it after this event. */
export function justFinished(before: SessionRecord, after: SessionRecord): boolean {
  return before.endedAt === null && after.endedAt !== null && finished(after.outcome);
}

/** A span without video, as the detail pane lists it: reported by the recorder, or a hole found between segments. */
export const VideoGap = z.object({
  track: RecordingTrack,
  fromMs: z.number(),
  toMs: z.number().nullable(),
  /** The recorder's reason, or `hole` for one found between segments. */
  reason: z.string(),
});
export type VideoGap = z.infer<typeof VideoGap>;

/** The gaps of a session's video, read from its events (the same rules as the fold's). */
export function videoGaps(events: readonly SessionEvent[]): VideoGap[] {
  const gaps: VideoGap[] = [];
  let previous: { index: number; endMs: number } | null = null;
  for (const event of events) {
    if (event.kind === RECORDING_STARTED) previous = null;
    if (event.kind === RECORDING_GAP) {
      const gap = RecordingGapPayload.safeParse(event.payload);
      if (gap.success) gaps.push(gap.data);
    }
    if (event.kind === RECORDING_SEGMENT) {
      const segment = RecordingSegmentPayload.safeParse(event.payload);
      if (!segment.success || segment.data.track !== 'camera') continue;
      if (holeBefore(previous, segment.data)) {
        gaps.push({ track: 'camera', fromMs: previous!.endMs, toMs: segment.data.startMs, reason: 'hole' });
      }
      previous = { index: segment.data.index, endMs: segment.data.endMs };
    }
  }
  return gaps;
}

// ── what the contract carries ───────────────────────────────────────────────

export const ChapterView = z.object({
  kind: z.enum([
    'started',
    'identity',
    'identityCheck',
    'form',
    'material',
    'review',
    'override',
    'call',
    'seal',
    'receipt',
  ]),
  seq: z.number(),
  at: z.number(),
  subject: z.string().optional(),
});

export const SignOff = z.object({ verdict: SignOffVerdict, by: z.string(), at: z.number() });
export type SignOff = z.infer<typeof SignOff>;

/** A row of the session list. */
export const SessionSummary = z.object({
  draftId: z.string(),
  clerk: z.string().nullable(),
  /** The clerk's name as the accounts know it now, else the username. */
  clerkName: z.string().nullable(),
  itemCode: z.string().nullable(),
  /** The item's name in the active catalog, if it still has it. */
  itemName: z.string().nullable(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
  outcome: SessionOutcome,
  packetId: z.string().nullable(),
  flags: z.array(SessionFlag),
  comments: z.number(),
  signOff: SignOff.nullable(),
  lastReviewer: z.string().nullable(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

/** A supervisor's comment or sign-off, as logged in the session's stream. */
export const SupervisionNote = z.object({
  seq: z.number(),
  kind: z.enum(['comment', 'signOff']),
  by: z.string(),
  at: z.number(),
  text: z.string().optional(),
  verdict: SignOffVerdict.optional(),
});
export type SupervisionNote = z.infer<typeof SupervisionNote>;

export const SessionDetail = z.object({
  session: SessionSummary,
  chapters: z.array(ChapterView),
  missing: z.array(ChapterView.shape.kind),
  /** The findings overridden (the override chapters' subjects). */
  overrides: z.array(z.string()),
  recorded: z.boolean(),
  gaps: z.array(VideoGap),
  /** The item's usual duration the session was judged against, ms (null: too few sessions to judge). */
  usualMs: z.number().nullable(),
  chain: ChainVerification,
  notes: z.array(SupervisionNote),
});
export type SessionDetail = z.infer<typeof SessionDetail>;

/** The choices of the list's clerk and item filters: whoever and whatever the index holds. */
export const SessionFacets = z.object({
  clerks: z.array(z.object({ username: z.string(), name: z.string() })),
  items: z.array(z.object({ code: z.string(), name: z.string() })),
});
export type SessionFacets = z.infer<typeof SessionFacets>;

/**
 * A recorded segment on the player's timeline: its event's facts and whether its bytes
 * are still here (`purged` under retention, `missing` when the store lost them).
 */
export const TimelineSegment = z.object({
  track: RecordingTrack,
  index: z.number(),
  bytes: z.number(),
  mediaType: z.string(),
  startMs: z.number(),
  endMs: z.number(),
  state: z.enum(['held', 'purged', 'missing']),
});
export type TimelineSegment = z.infer<typeof TimelineSegment>;

/** A stored segment that fails its event's hash (`altered`) or is gone without a purge (`missing`). */
export const SegmentProblem = z.object({
  track: RecordingTrack,
  index: z.number(),
  problem: z.enum(['missing', 'altered']),
});
export type SegmentProblem = z.infer<typeof SegmentProblem>;

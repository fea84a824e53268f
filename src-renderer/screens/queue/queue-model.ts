// What the queue shows about a packet, decided without React: its travel state as
// the clerk reads it, whether it is still open (未办结), whether it needs a person,
// how near its deadline is, and the smoothed upload rate behind "time left".
// Which packets a filter holds is the core's (packets.list pages and counts them).
import type { DeadlineStatus, QueuedPacket } from '../../../src-main/api/contract/index.ts';
import { DEPARTMENT_STATES, FINISHED_STATES, type PacketState } from '../../../src-main/common/packet-states.ts';
import { CLERK_ATTENTION_STATES, type QueueFilter } from '../../../src-main/common/packets.ts';

export type { DeadlineStatus };

/** Queue states the department set (never overwritten by the window's sending states). */
const DEPARTMENT_STATE_SET: ReadonlySet<string> = new Set(DEPARTMENT_STATES);

export function packetKey(packet: { packetId: string; version: number }): string {
  return `${packet.packetId}#${packet.version}`;
}

/**
 * The state to show: the core's queue state, except that a packet the outbox holds
 * for a person reads "需人工处理" whatever step it stopped at.
 */
export function travelState(packet: QueuedPacket): PacketState {
  if (packet.sync?.blocked && packet.sync.step !== 'done' && !DEPARTMENT_STATE_SET.has(packet.state)) return 'blocked';
  return packet.state;
}

/** Held for a person: the outbox will not try again until someone acts. */
export function needsPerson(packet: QueuedPacket): boolean {
  return travelState(packet) === 'blocked';
}

/**
 * 需人工处理: held for a person, or (on the latest version) a department decision the
 * clerk must act on — a 补正 to take in, a refusal or a result to hand over.
 */
export function needsClerk(packet: QueuedPacket, isLatest: boolean): boolean {
  return (
    needsPerson(packet) || (isLatest && CLERK_ATTENTION_STATES.includes(packet.state) && packet.handedOver === null)
  );
}

/** "立即重试" makes sense: still to send, and held or waiting after a failure. */
export function canRetry(packet: QueuedPacket, state = travelState(packet)): boolean {
  const sync = packet.sync;
  if (!sync || sync.step === 'done') return false;
  return sync.blocked || sync.nextAttemptAt !== null || state === 'retry_wait' || state === 'upload_gone';
}

export function isUploading(packet: QueuedPacket): boolean {
  const sync = packet.sync;
  if (!sync || sync.step === 'done' || sync.bytesTotal <= 0) return false;
  return sync.step === 'upload' || packet.state === 'uploading' || packet.state === 'upload_gone';
}

/** The latest version of each packet id among `packets`. */
export function latestVersions(packets: readonly QueuedPacket[]): Map<string, number> {
  const latest = new Map<string, number>();
  for (const packet of packets) latest.set(packet.packetId, Math.max(packet.version, latest.get(packet.packetId) ?? 0));
  return latest;
}

/**
 * Still open (未办结): not closed or refused, and not replaced by a later version
 * (a 补正 answered with a new version lives on in that version).
 */
export function isOpen(packet: QueuedPacket, latest: ReadonlyMap<string, number>): boolean {
  if (FINISHED_STATES.has(packet.state)) return false;
  return (latest.get(packet.packetId) ?? packet.version) === packet.version;
}

export type QueueScope = QueueFilter;

/**
 * How the deadline stands: the core's answer (it counts working days on the hall's
 * calendar, warning as many ahead as the hall configured), except that a version
 * replaced by a later one no longer has a deadline of its own.
 */
export function deadlineOf(packet: Pick<QueuedPacket, 'deadlineStatus'>, superseded: boolean): DeadlineStatus {
  return superseded && packet.deadlineStatus.kind !== 'none' ? { kind: 'ok' } : packet.deadlineStatus;
}

// ── upload progress ─────────────────────────────────────────────────────────

/** Weight of the newest rate measurement (exponential smoothing). */
const SMOOTHING = 0.3;

export interface ProgressSample {
  bytesSent: number;
  bytesTotal: number;
  /** Epoch ms the sample arrived. */
  at: number;
  /** Smoothed bytes per second, or null until two samples were seen. */
  rate: number | null;
}

/** Folds one `sync.progress` event into the running sample of its packet version. */
export function nextSample(
  previous: ProgressSample | undefined,
  bytesSent: number,
  bytesTotal: number,
  at: number,
): ProgressSample {
  // First event, or an upload that started over (expired at the department, restart).
  if (!previous || bytesSent < previous.bytesSent || bytesTotal !== previous.bytesTotal) {
    return { bytesSent, bytesTotal, at, rate: null };
  }
  const seconds = (at - previous.at) / 1000;
  if (seconds <= 0) return { ...previous, bytesSent };
  const instant = (bytesSent - previous.bytesSent) / seconds;
  const rate = previous.rate === null ? instant : previous.rate + SMOOTHING * (instant - previous.rate);
  return { bytesSent, bytesTotal, at, rate };
}

/** Seconds left at the smoothed rate, or null while there is no estimate. */
export function secondsLeft(sample: Pick<ProgressSample, 'bytesSent' | 'bytesTotal' | 'rate'>): number | null {
  if (sample.rate === null || sample.rate <= 0) return null;
  return Math.max(0, (sample.bytesTotal - sample.bytesSent) / sample.rate);
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** 1536 → "1.5 KB" (binary multiples, as file managers show them). */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function percentOf(sent: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.floor((sent / total) * 100));
}

// Retention of recordings (保存期限): segments older than their kind's retention lose
// their bytes; their events never go. Each purge appends `recording.purged` to the
// session's stream, naming the segment's event, track, index and hash, and the
// retention that applied, so the chain still verifies and a bundle made afterwards
// says "purged under retention" where it would otherwise say "missing".
//
// Invariants:
// - the purge event and the removal of the blob's row are one transaction; the file goes
//   after it (a crash between leaves an unknown file, which the start-up integrity check
//   quarantines: nothing readable is lost, nothing claimed is missing);
// - a segment is purged once: the purge events are the record of what went;
// - bytes another record still uses (the same content in a document, or in a segment
//   still kept) stay: the blob's row is removed only when nothing references it;
// - events are never deleted (the log's triggers refuse it anyway).
import type { Clock } from '../common/hall-time.ts';
import type { Logger } from '../common/logger.ts';
import {
  RECORDING_PURGED,
  RECORDING_SEGMENT,
  RecordingSegmentPayload,
  type RecordingTrack,
} from '../common/recording.ts';
import type { BlobStore } from '../store/blob-store.ts';
import { isRecorded } from '../store/blob-records.ts';
import type { Database } from '../store/database.ts';
import { AUDIT_STREAM, type EventLog } from './event-log.ts';

const DAY_MS = 86_400_000;

export interface RetentionDays {
  videoDays: number;
  screenDays: number;
}

export interface PurgeReport {
  segments: number;
  bytes: number;
  /** Segments whose bytes stayed because something else still uses them. */
  kept: number;
}

interface SegmentRow {
  stream: string;
  seq: number;
  wall_ms: number;
  payload: string;
}

export class RecordingRetention {
  constructor(
    private readonly deps: {
      db: Database;
      events: EventLog;
      blobs: BlobStore;
      clock: Clock;
      logger: Logger;
      retention: RetentionDays;
    },
  ) {}

  /** Purges every segment past its retention; logs and audits what went. */
  purge(): PurgeReport {
    const { db, events, blobs, clock, logger, retention } = this.deps;
    const now = clock.now();
    // A call's video is video: it is kept as long as the counter camera's.
    const days: Record<RecordingTrack, number> = {
      camera: retention.videoDays,
      screen: retention.screenDays,
      callSent: retention.videoDays,
      callReceived: retention.videoDays,
    };
    const cutoff = (track: RecordingTrack) => now - days[track] * DAY_MS;
    const oldest = Math.max(cutoff('camera'), cutoff('screen'));

    const purged = new Set<string>();
    for (const row of db
      .prepare<[string], { stream: string; payload: string }>('SELECT stream, payload FROM event_log WHERE kind = ?')
      .iterate(RECORDING_PURGED)) {
      const segmentSeq = (JSON.parse(row.payload) as { segmentSeq?: unknown }).segmentSeq;
      if (typeof segmentSeq === 'number') purged.add(`${row.stream}#${segmentSeq}`);
    }
    // Every segment event: the expired to purge, the rest to know which hashes are still needed.
    const expired: Array<{ stream: string; seq: number; segment: RecordingSegmentPayload }> = [];
    const liveHashes = new Set<string>();
    for (const row of db
      .prepare<[string], SegmentRow>(
        'SELECT stream, seq, wall_ms, payload FROM event_log WHERE kind = ? ORDER BY wall_ms',
      )
      .iterate(RECORDING_SEGMENT)) {
      const parsed = RecordingSegmentPayload.safeParse(JSON.parse(row.payload));
      if (!parsed.success || purged.has(`${row.stream}#${row.seq}`)) continue;
      if (row.wall_ms < oldest && row.wall_ms < cutoff(parsed.data.track)) {
        expired.push({ stream: row.stream, seq: row.seq, segment: parsed.data });
      } else {
        liveHashes.add(parsed.data.sha256);
      }
    }

    const report: PurgeReport = { segments: 0, bytes: 0, kept: 0 };
    const forgetRow = db.prepare('DELETE FROM blobs WHERE sha256 = ?');
    const purgeOne = db.transaction((item: (typeof expired)[number], dropRow: boolean): boolean => {
      const { track, index, sha256 } = item.segment;
      events.append({
        stream: item.stream,
        actor: 'system',
        kind: RECORDING_PURGED,
        payload: { track, index, sha256, segmentSeq: item.seq, reason: 'retention', retentionDays: days[track] },
      });
      if (!dropRow) return false;
      try {
        forgetRow.run(sha256);
        return true;
      } catch (error) {
        // A document (draft or packet file) with the very same bytes still references the row.
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return false;
        throw error;
      }
    });
    for (const item of expired) {
      const { sha256 } = item.segment;
      // Another expired segment of the same bytes, purged just before, already took the row.
      const dropRow = !liveHashes.has(sha256) && isRecorded(db, sha256);
      const forgotten = purgeOne(item, dropRow);
      report.segments++;
      if (forgotten) {
        blobs.removeUnrecorded(sha256, () => isRecorded(db, sha256));
        report.bytes += item.segment.bytes;
      } else if (blobs.has(sha256)) {
        report.kept++;
      }
    }
    if (report.segments > 0) {
      events.append({
        stream: AUDIT_STREAM,
        actor: 'system',
        kind: 'recording.retentionPurged',
        payload: {
          segments: report.segments,
          bytes: report.bytes,
          kept: report.kept,
          videoDays: days.camera,
          screenDays: days.screen,
        },
      });
      logger.info({ ...report, videoDays: days.camera, screenDays: days.screen }, 'recordings purged under retention');
    }
    return report;
  }

  /** Purges now and then every day; the timer does not keep the process alive. */
  schedule(everyMs = DAY_MS): () => void {
    const run = () => {
      try {
        this.purge();
      } catch (error) {
        this.deps.logger.error({ err: error }, 'retention purge failed');
      }
    };
    run();
    const timer = setInterval(run, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}

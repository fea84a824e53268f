// A recorded session for the evidence bundle's tests: the recording events of the shared
// schema appended to the session's real stream, beside the intake events of a real
// draft, and real bytes put into the core's real (encrypted) blob store.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import {
  RECORDING_SEGMENT,
  RECORDING_STARTED,
  RECORDING_STOPPED,
  SCREEN_MEDIA_TYPE,
  type RecordingSegmentPayload,
} from '../../../src-main/common/recording.ts';
import type { ResultMessage } from '../../../src-main/api/wire.ts';
import { EventLog } from '../../../src-main/recording/event-log.ts';
import { recordBlob } from '../../../src-main/store/blob-records.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import { openCoreStore, TestClock } from '../helpers.ts';

export const CAMERA_TYPE = 'video/webm;codecs=vp9,opus';

/** Stand-in camera bytes (not a playable WebM: the bundle's checks are over hashes and sizes). */
export function cameraBytes(index: number, size = 40_000): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = 0x9e3779b9 ^ (index + 1);
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  // An EBML magic, so the bytes look like what they stand for.
  bytes.set([0x1a, 0x45, 0xdf, 0xa3], 0);
  return bytes;
}

export function screenBytes(index: number): Uint8Array {
  const events = [
    {
      type: 4,
      data: { href: 'app://tongban/intake', width: 1366, height: 768 },
      timestamp: 1_700_000_000_000 + index * 4000,
    },
    {
      type: 3,
      data: { source: 2, type: 2, id: 40 + index, x: 100, y: 200 },
      timestamp: 1_700_000_000_500 + index * 4000,
    },
  ];
  return new TextEncoder().encode(JSON.stringify(events));
}

/**
 * Appends a recording to the session `draftId` of the core in `dataDir` (through a second
 * connection to its database, while the core is idle): started, `camera` and `screen`
 * segments interleaved as they would arrive, stopped. Returns the segments' payloads.
 */
export async function recordSession(
  dataDir: string,
  draftId: string,
  counts: { camera: number; screen: number },
  clock = new TestClock(),
  cameraSize = 40_000,
): Promise<RecordingSegmentPayload[]> {
  const { db, blobs } = openCoreStore(dataDir);
  const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
  const log = new EventLog(db, clock, keys.evidenceKey);
  const stream = `session:${draftId}`;
  log.append({
    stream,
    actor: 'clerk01',
    kind: RECORDING_STARTED,
    payload: { segmentMs: 4000, camera: { mediaType: CAMERA_TYPE, width: 1280, height: 720 }, screen: true },
  });
  const segments: RecordingSegmentPayload[] = [];
  const max = Math.max(counts.camera, counts.screen);
  for (let index = 0; index < max; index++) {
    for (const track of ['camera', 'screen'] as const) {
      if (index >= counts[track]) continue;
      const bytes = track === 'camera' ? cameraBytes(index, cameraSize) : screenBytes(index);
      const put = await blobs.put(bytes);
      recordBlob(db, put, clock.now());
      blobs.settle(put.sha256);
      const segment: RecordingSegmentPayload = {
        track,
        index,
        sha256: put.sha256,
        bytes: put.size,
        mediaType: track === 'camera' ? CAMERA_TYPE : SCREEN_MEDIA_TYPE,
        startMs: index * 4000,
        endMs: (index + 1) * 4000,
      };
      log.append({ stream, actor: 'clerk01', kind: RECORDING_SEGMENT, payload: { ...segment } });
      segments.push(segment);
    }
  }
  log.append({ stream, actor: 'clerk01', kind: RECORDING_STOPPED, payload: { reason: 'sealed' } });
  return segments;
}

/**
 * Reads a download of the contract to its end, chunk by chunk, through the client's raw
 * call (its `call` prints each answer into the assertion's message: megabytes of bytes).
 */
export async function readDownload(
  raw: (method: string, input: unknown) => Promise<ResultMessage>,
  downloadId: string,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (;;) {
    const result = await raw('downloads.chunk', { downloadId, offset });
    if (!result.ok) throw new Error(`downloads.chunk failed: ${result.error.code}`);
    const { bytes, done } = result.value as { bytes: Uint8Array; done: boolean };
    parts.push(bytes);
    offset += bytes.length;
    if (done) break;
  }
  const whole = new Uint8Array(offset);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}

/** The bundle unzipped, edited and zipped again, as someone with an unzip tool would. */
export function tamper(
  bundle: Uint8Array,
  edit: (files: Record<string, Uint8Array>) => Record<string, Uint8Array> | void,
): Uint8Array {
  const files = unzipSync(bundle);
  const edited = edit(files) ?? files;
  return zipSync(edited, { level: 0 });
}

export const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);
export const utf8 = (value: string): Uint8Array => new TextEncoder().encode(value);

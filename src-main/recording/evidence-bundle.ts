// Writing a session's evidence bundle (证据包): a ZIP of the manifest, its detached
// signature, the session's events exactly as chained, and every recorded segment still
// held. The manifest is signed with the window's key by the code that signs packet
// manifests (sync/signing.ts). The ZIP is produced as a stream: segments go through
// in the blob store's pieces, so a long session is never held in memory whole.
//
// Invariants:
// - the manifest names only what the events say: each file's hash and size are the
//   `recording.segment` event's, so a store that lost or damaged a segment cannot make
//   a bundle that hides it (a lost segment is left out and the verifier names it; bytes
//   that do not match their event fail the export);
// - a segment purged under retention is left out, and its event and the purge event
//   stay in events.jsonl, so the verifier tells "purged" from "missing";
// - the same events, segments, key and time give the same bytes (the sample fixture).
import { createHash } from 'node:crypto';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { canonicalJson } from '../common/canonical-json.ts';
import {
  BUNDLE_FORMAT,
  BUNDLE_MEDIA_TYPE,
  BUNDLE_VERSION,
  type BundleFile,
  type BundleManifest,
  EVENTS_PATH,
  MANIFEST_PATH,
  SIGNATURE_PATH,
  segmentPath,
} from '../common/evidence-bundle.ts';
import { AppError } from '../common/errors.ts';
import type { Clock } from '../common/hall-time.ts';
import { readSegmentEvents, type RecordingTrack } from '../common/recording.ts';
import type { SignatureScheme } from '../common/sync-protocol.ts';
import type { BlobStore } from '../store/blob-store.ts';
import { keyIdOf, signManifest, type SigningKey } from '../sync/signing.ts';
import { genesisHash, type EventLog, type LoggedEvent } from './event-log.ts';

/**
 * fflate writes no ZIP64, so every size and offset must stay under 4 GiB; the files may
 * take that less a margin for headers and the manifest (hours of 720p video fit).
 */
export const MAX_BUNDLE_BYTES = 2 ** 32 - 64 * 2 ** 20;

/** One event as events.jsonl holds it: every field the hash covers but the stream (in the manifest), and the hash. */
export function eventLine(event: LoggedEvent): string {
  return canonicalJson({
    seq: event.seq,
    runId: event.runId,
    monoMs: event.monoMs,
    wallMs: event.wallMs,
    actor: event.actor,
    kind: event.kind,
    payload: event.payload,
    prevHash: event.prevHash,
    hash: event.hash,
  });
}

export interface BundleInput {
  draftId: string;
  stream: string;
  /** The whole stream, from seq 1, as chained. */
  events: readonly LoggedEvent[];
  windowId: string;
  signer: SigningKey;
  createdAtMs: number;
  /** A segment's plaintext in pieces, or undefined when the store does not hold it. */
  segment(sha256: string): AsyncIterable<Uint8Array> | undefined;
}

interface PlannedSegment extends BundleFile {
  track: RecordingTrack;
  index: number;
}

/** The bundle's bytes, piece by piece. */
export async function* writeBundle(input: BundleInput): AsyncGenerator<Uint8Array, void, undefined> {
  const { events } = input;
  const first = events[0];
  const last = events.at(-1);
  if (!first || !last)
    throw new AppError('recording.sessionUnknown', `no events in ${input.stream}`, { draftId: input.draftId });
  const eventsBytes = new TextEncoder().encode(events.map((e) => `${eventLine(e)}\n`).join(''));
  const segments = plannedSegments(events, (sha256) => input.segment(sha256) !== undefined);
  const files: BundleFile[] = [
    {
      path: EVENTS_PATH,
      sha256: sha256Hex(eventsBytes),
      bytes: eventsBytes.length,
      mediaType: 'application/jsonl',
      track: null,
      index: null,
    },
    ...segments,
  ];
  const total = files.reduce((sum, file) => sum + file.bytes, 0);
  if (total > MAX_BUNDLE_BYTES) {
    throw new AppError('recording.bundleTooLarge', `${total} bytes of files, more than a ZIP without ZIP64 holds`, {
      draftId: input.draftId,
    });
  }
  const started = events.find((e) => e.kind === 'intake.started');
  const itemCode = started && typeof started.payload['itemCode'] === 'string' ? started.payload['itemCode'] : null;
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: new Date(input.createdAtMs).toISOString(),
    window: { id: input.windowId },
    session: {
      draftId: input.draftId,
      stream: input.stream,
      itemCode,
      startedAt: new Date(first.wallMs).toISOString(),
    },
    chain: { genesisHash: genesisHash(input.stream), firstHash: first.hash, headHash: last.hash, count: events.length },
    files,
    signer: {
      scheme: input.signer.scheme,
      publicKey: input.signer.publicKey,
      fingerprint: keyIdOf(input.signer.publicKey),
    },
  };
  const signature = signManifest(manifest, input.signer);

  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else out.push(chunk);
  });
  const drain = function* (): Generator<Uint8Array> {
    if (failure) throw failure;
    while (out.length > 0) yield out.shift()!;
  };
  const mtime = dosTime(input.createdAtMs);
  const addWhole = (path: string, bytes: Uint8Array) => {
    const file = new ZipDeflate(path, { level: 6 });
    file.mtime = mtime;
    zip.add(file);
    file.push(bytes, true);
  };
  const encoder = new TextEncoder();
  addWhole(MANIFEST_PATH, encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`));
  addWhole(SIGNATURE_PATH, encoder.encode(`${JSON.stringify(signature, null, 2)}\n`));
  addWhole(EVENTS_PATH, eventsBytes);
  yield* drain();
  for (const segment of segments) {
    const source = input.segment(segment.sha256);
    if (!source) throw new AppError('store.blobMissing', `segment ${segment.path} went during the export`);
    // Video is compressed already; rrweb's JSON shrinks several times.
    const file =
      segment.track === 'screen' ? new ZipDeflate(segment.path, { level: 6 }) : new ZipPassThrough(segment.path);
    file.mtime = mtime;
    zip.add(file);
    const hash = createHash('sha256');
    let size = 0;
    for await (const piece of source) {
      hash.update(piece);
      size += piece.length;
      file.push(piece, false);
      yield* drain();
    }
    file.push(new Uint8Array(0), true);
    if (size !== segment.bytes || hash.digest('hex') !== segment.sha256) {
      throw new AppError('store.blobCorrupt', `segment ${segment.path} does not match its event`);
    }
    yield* drain();
  }
  zip.end();
  yield* drain();
}

/** The segments the events name, in the order they were recorded, less the purged and the absent. */
function plannedSegments(events: readonly LoggedEvent[], held: (sha256: string) => boolean): PlannedSegment[] {
  const logged = readSegmentEvents(events);
  const purged = new Set(logged.purged.map((purge) => purge.segmentSeq));
  const paths = new Set<string>();
  const planned: PlannedSegment[] = [];
  for (const { seq, track, index, sha256, bytes, mediaType } of logged.segments) {
    if (purged.has(seq)) continue;
    const path = segmentPath(track, index, mediaType);
    if (paths.has(path) || !held(sha256)) continue;
    paths.add(path);
    planned.push({ path, sha256, bytes, mediaType, track, index });
  }
  return planned;
}

/**
 * ZIP entries carry a DOS time, which fflate fills from the local fields of a Date: shifted
 * so that they read the hall's time (UTC+8, no summer time) on any machine, and the same
 * bundle comes out wherever it is made.
 */
function dosTime(ms: number): number {
  const hallMs = ms + 8 * 3600_000;
  return hallMs + new Date(hallMs).getTimezoneOffset() * 60_000;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface SessionBundlesDeps {
  events: EventLog;
  blobs: BlobStore;
  /** The window's signing key (sync's WindowKeys). */
  keys: { get(scheme: SignatureScheme): SigningKey };
  windowId: string;
  clock: Clock;
}

/** The name of a session's stream (intake's `sessionStream`, which recording does not import). */
const sessionStreamOf = (draftId: string): string => `session:${draftId}`;

/** A session's bundle from the hall's own event log and blob store, signed with the window's Ed25519 key. */
export class SessionBundles {
  constructor(private readonly deps: SessionBundlesDeps) {}

  open(draftId: string): { name: string; mediaType: string; bytes: AsyncGenerator<Uint8Array, void, undefined> } {
    const stream = sessionStreamOf(draftId);
    const events = [...this.deps.events.read(stream)];
    if (events.length === 0) {
      throw new AppError('recording.sessionUnknown', `no event stream ${stream}`, { draftId });
    }
    // The window's signature must never launder a chain rewritten in the database (one
    // recomputed without the head key would otherwise export as intact): it signs only a
    // chain whose links and sealed head hold. A broken one is for the supervisor's report.
    const checked = this.deps.events.verify(stream);
    if (!checked.ok) {
      throw new AppError('recording.chainBroken', `${stream} fails verification at seq ${checked.firstBadSeq}`, {
        draftId,
        seq: checked.firstBadSeq,
      });
    }
    const { blobs } = this.deps;
    return {
      name: `evidence-${draftId}.zip`,
      mediaType: BUNDLE_MEDIA_TYPE,
      bytes: writeBundle({
        draftId,
        stream,
        events,
        windowId: this.deps.windowId,
        signer: this.deps.keys.get('ed25519'),
        createdAtMs: this.deps.clock.now(),
        segment: (sha256) => (blobs.has(sha256) ? blobs.openRange(sha256, 0, blobs.size(sha256)) : undefined),
      }),
    };
  }
}

// Verifying an evidence bundle (证据包核验) offline: no database, no key of the hall, only
// the file. Pure over a RandomAccess (a file for the CLI, bytes for tests and the core).
// What it checks, each finding naming the file or the event's seq:
// - the manifest's signature, with the public key the manifest carries, and that key's
//   fingerprint (a person compares it with the window's enrolled key, or passes it in);
// - the event chain recomputed from the stream's genesis: each hash, each link, seq
//   continuity, and the chain's first and last hash and length against the manifest;
// - every `recording.segment` event has its file and the file has the event's SHA-256
//   and size; a file the manifest or no event names is inserted; segment indexes run
//   0, 1, 2 … per track; a segment left out under retention is told apart by its
//   `recording.purged` event;
// - the manifest's file list against the events and against the ZIP.
import { createHash } from 'node:crypto';
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  type BundleFinding,
  BundleManifest,
  type BundleVerdict,
  EVENTS_PATH,
  type FindingCode,
  type FindingSeverity,
  MANIFEST_PATH,
  SIGNATURE_PATH,
  segmentPath,
  verdictStatus,
} from '../common/evidence-bundle.ts';
import {
  RECORDING_PURGED,
  RECORDING_SEGMENT,
  RecordingPurgedPayload,
  RecordingSegmentPayload,
} from '../common/recording.ts';
import { ManifestSignature } from '../common/sync-protocol.ts';
import { keyIdOf, verifyManifest } from '../sync/signing.ts';
import { eventHash, genesisHash, type LoggedEvent } from './event-log.ts';
import {
  type RandomAccess,
  readZipDirectory,
  readZipEntry,
  readZipEntryBytes,
  ZipEntryError,
  type ZipEntry,
  ZipFormatError,
} from './zip-reader.ts';

/** The most the small parts may weigh when read whole. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
const MAX_EVENTS_BYTES = 256 * 1024 * 1024;

export interface VerifyOptions {
  /** The fingerprint the window's key is known by (enrolment, the department); a bundle signed by another key fails. */
  expectFingerprint?: string;
}

type Params = Record<string, string | number>;

class Findings {
  readonly list: BundleFinding[] = [];
  add(code: FindingCode, params: Params = {}, severity: FindingSeverity = 'tampered'): void {
    this.list.push({ code, severity, params });
  }
}

type ChainEvent = Omit<LoggedEvent, 'stream'> & { line: number };

export async function verifyBundle(source: RandomAccess, options: VerifyOptions = {}): Promise<BundleVerdict> {
  const findings = new Findings();
  const done = (session: BundleVerdict['session']): BundleVerdict => ({
    status: verdictStatus(findings.list),
    findings: findings.list,
    session,
  });

  let entries: ZipEntry[];
  try {
    entries = await readZipDirectory(source);
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    findings.add('bundle.unreadable', { reason: error.message }, 'unreadable');
    return done(null);
  }
  const byName = new Map<string, ZipEntry>();
  for (const entry of entries) {
    if (byName.has(entry.name)) findings.add('file.duplicate', { path: entry.name });
    else byName.set(entry.name, entry);
  }

  // ── the manifest and its signature ──
  const manifestText = await readText(source, byName.get(MANIFEST_PATH), MANIFEST_PATH, MAX_MANIFEST_BYTES, findings);
  const signatureText = await readText(
    source,
    byName.get(SIGNATURE_PATH),
    SIGNATURE_PATH,
    MAX_MANIFEST_BYTES,
    findings,
  );
  if (manifestText === undefined) return done(null);
  let raw: unknown;
  try {
    raw = JSON.parse(manifestText);
  } catch {
    findings.add('part.unparsable', { path: MANIFEST_PATH });
    return done(null);
  }
  const head = raw as { format?: unknown; version?: unknown };
  if (head?.format !== BUNDLE_FORMAT || head.version !== BUNDLE_VERSION) {
    // Not ours, or a version this checkout does not know: nothing it says can be judged.
    findings.add(
      'bundle.unsupported',
      { format: String(head?.format ?? '-'), version: String(head?.version ?? '-') },
      'unreadable',
    );
    return done(null);
  }
  const parsedManifest = BundleManifest.safeParse(raw);
  if (!parsedManifest.success) {
    findings.add('part.unparsable', { path: MANIFEST_PATH });
    return done(null);
  }
  const manifest = parsedManifest.data;
  const { signer } = manifest;
  if (keyIdOf(signer.publicKey) !== signer.fingerprint) {
    findings.add('signer.fingerprintMismatch', { fingerprint: signer.fingerprint });
  }
  if (signatureText !== undefined) {
    let signature: ManifestSignature | undefined;
    try {
      signature = ManifestSignature.parse(JSON.parse(signatureText));
    } catch {
      findings.add('part.unparsable', { path: SIGNATURE_PATH });
    }
    if (signature) {
      // The manifest as parsed, not as text: signing covers its canonical JSON (RFC 8785).
      const checked = verifyManifest(raw, signature, { scheme: signer.scheme, publicKey: signer.publicKey });
      if (!checked.ok) {
        findings.add(checked.code === 'signature.invalid' ? 'signature.invalid' : 'signature.wrongKey', {
          path: MANIFEST_PATH,
          reason: checked.message,
        });
      }
    }
  }
  if (options.expectFingerprint && options.expectFingerprint.toLowerCase() !== signer.fingerprint) {
    findings.add('signer.unexpected', {
      fingerprint: signer.fingerprint,
      expected: options.expectFingerprint.toLowerCase(),
    });
  }

  // ── the event chain ──
  const eventsEntry = byName.get(EVENTS_PATH);
  const eventsBytes = await readBytes(source, eventsEntry, EVENTS_PATH, MAX_EVENTS_BYTES, findings);
  const chain = eventsBytes ? checkChain(eventsBytes, manifest, findings) : [];
  const listedEvents = manifest.files.find((f) => f.path === EVENTS_PATH);
  if (eventsBytes && listedEvents) {
    const sameBytes = eventsBytes.length === listedEvents.bytes && sha256Hex(eventsBytes) === listedEvents.sha256;
    // Only when the chain found nothing more precise to say (a changed byte outside the hashed fields).
    if (!sameBytes && !findings.list.some((f) => f.code.startsWith('event'))) {
      findings.add('events.fileAltered', { path: EVENTS_PATH });
    }
  }

  // ── segments: what the events name against what the ZIP holds ──
  const purgedSeqs = new Map<number, number>();
  for (const event of chain) {
    if (event.kind !== RECORDING_PURGED) continue;
    const purge = RecordingPurgedPayload.safeParse(event.payload);
    if (purge.success) purgedSeqs.set(purge.data.segmentSeq, event.seq);
  }
  interface Expected {
    path: string;
    sha256: string;
    bytes: number;
    seq: number;
    track: string;
    index: number;
  }
  const expected: Expected[] = [];
  const indexes = new Map<string, number[]>();
  for (const event of chain) {
    if (event.kind !== RECORDING_SEGMENT) continue;
    const segment = RecordingSegmentPayload.safeParse(event.payload);
    if (!segment.success) continue;
    const { track, index, sha256, bytes, mediaType } = segment.data;
    indexes.set(track, [...(indexes.get(track) ?? []), index]);
    expected.push({ path: segmentPath(track, index, mediaType), sha256, bytes, seq: event.seq, track, index });
  }
  for (const [track, list] of indexes) {
    list.forEach((index, i) => {
      if (index !== i) findings.add('segment.indexGap', { track, index: i, found: index });
    });
  }
  const expectedPaths = new Set(expected.map((e) => e.path));
  const shaToPath = new Map(expected.map((e) => [`${e.track}:${e.sha256}`, e.path]));
  let segmentsHeld = 0;
  for (const segment of expected) {
    const entry = byName.get(segment.path);
    if (!entry) {
      const purgeSeq = purgedSeqs.get(segment.seq);
      if (purgeSeq !== undefined)
        findings.add('segment.purged', { path: segment.path, seq: segment.seq, purgeSeq }, 'note');
      else findings.add('segment.missing', { path: segment.path, seq: segment.seq });
      continue;
    }
    const actual = await hashEntry(source, entry);
    if (actual && actual.sha256 === segment.sha256 && actual.bytes === segment.bytes) {
      segmentsHeld++;
      continue;
    }
    const holds = actual && shaToPath.get(`${segment.track}:${actual.sha256}`);
    if (holds && holds !== segment.path)
      findings.add('segment.reordered', { path: segment.path, seq: segment.seq, holds });
    else findings.add('segment.altered', { path: segment.path, seq: segment.seq });
  }

  // ── the manifest's list against the events and the ZIP ──
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  for (const segment of expected) {
    const file = listed.get(segment.path);
    const purged = purgedSeqs.has(segment.seq);
    if (purged ? file !== undefined : !file || file.sha256 !== segment.sha256 || file.bytes !== segment.bytes) {
      // A missing segment is already named; the manifest not listing it too is the same fact.
      if (!(file === undefined && !byName.has(segment.path)))
        findings.add('manifest.filesMismatch', { path: segment.path });
    }
  }
  for (const file of manifest.files) {
    // One whose file is there is told below, as a segment whose event is missing.
    if (file.path !== EVENTS_PATH && !expectedPaths.has(file.path) && !byName.has(file.path)) {
      findings.add('manifest.filesMismatch', { path: file.path });
    }
  }
  const signatureHolds = !findings.list.some(
    (f) => f.code.startsWith('signature') || f.code.startsWith('signer.finger'),
  );
  for (const entry of entries) {
    const known = entry.name === MANIFEST_PATH || entry.name === SIGNATURE_PATH || entry.name === EVENTS_PATH;
    if (known || expectedPaths.has(entry.name) || entry.name.endsWith('/')) continue;
    // A file the signed manifest vouches for, whose event is gone: the event was removed, not the file put in.
    const vouched = signatureHolds ? listed.get(entry.name) : undefined;
    const actual = vouched && (await hashEntry(source, entry));
    if (vouched && actual && actual.sha256 === vouched.sha256 && actual.bytes === vouched.bytes) {
      findings.add('segment.eventMissing', { path: entry.name });
      continue;
    }
    findings.add('file.inserted', { path: entry.name });
  }

  return done({
    draftId: manifest.session.draftId,
    windowId: manifest.window.id,
    itemCode: manifest.session.itemCode,
    startedAt: manifest.session.startedAt,
    createdAt: manifest.createdAt,
    fingerprint: signer.fingerprint,
    events: chain.length,
    headHash: manifest.chain.headHash,
    segments: segmentsHeld,
  });
}

/**
 * Walks events.jsonl from the stream's genesis and says what is wrong where. Returns the
 * events read (in seq order), so the segment checks see every event the file has.
 */
function checkChain(bytes: Uint8Array, manifest: BundleManifest, findings: Findings): ChainEvent[] {
  const stream = manifest.session.stream;
  const lines = new TextDecoder().decode(bytes).split('\n');
  if (lines.at(-1) === '') lines.pop();
  const read: ChainEvent[] = [];
  lines.forEach((text, i) => {
    const event = parseEventLine(text, i + 1);
    if (event) read.push(event);
    else findings.add('event.unparsable', { line: i + 1 });
  });
  const valid = (e: ChainEvent) => eventHash({ ...e, stream }) === e.hash;

  // Reordered: a seq lower than one before it in the file. Judged on the file's order,
  // then the rest of the walk goes by seq so one swap is not reported as many breaks.
  let highest = -Infinity;
  for (const event of read) {
    if (event.seq < highest) findings.add('event.reordered', { seq: event.seq, line: event.line, after: highest });
    highest = Math.max(highest, event.seq);
  }
  const bySeq = [...read].sort((a, b) => a.seq - b.seq || a.line - b.line);

  // Several events under one seq: the one the chain goes through stays, the others were inserted.
  const chosen: ChainEvent[] = [];
  for (let i = 0; i < bySeq.length;) {
    let j = i;
    while (j < bySeq.length && bySeq[j]!.seq === bySeq[i]!.seq) j++;
    const group = bySeq.slice(i, j);
    if (group.length === 1) chosen.push(group[0]!);
    else {
      const previous = chosen.at(-1);
      const next = bySeq[j];
      const linkedIn = (e: ChainEvent) =>
        previous ? e.prevHash === previous.hash : e.prevHash === genesisHash(stream);
      const keep =
        group.find((e) => valid(e) && next !== undefined && next.prevHash === e.hash) ??
        group.find((e) => valid(e) && linkedIn(e)) ??
        group[0]!;
      chosen.push(keep);
      for (const e of group) if (e !== keep) findings.add('event.inserted', { seq: e.seq, line: e.line });
    }
    i = j;
  }

  let expectedSeq = 1;
  let prevHash = genesisHash(stream);
  for (const event of chosen) {
    if (event.seq > expectedSeq) {
      findings.add('event.missing', { from: expectedSeq, to: event.seq - 1 });
    } else if (event.seq < 1) {
      findings.add('event.inserted', { seq: event.seq, line: event.line });
      continue;
    }
    if (!valid(event)) findings.add('event.altered', { seq: event.seq, kind: event.kind });
    else if (event.seq === expectedSeq && event.prevHash !== prevHash) {
      // Its own hash holds but it does not follow the event before it: forged or put in.
      findings.add('event.relinked', { seq: event.seq });
    }
    prevHash = event.hash;
    expectedSeq = event.seq + 1;
  }

  const { count, firstHash, headHash } = manifest.chain;
  const last = chosen.at(-1);
  const lastSeq = last?.seq ?? 0;
  if (lastSeq < count) findings.add('events.truncated', { count: lastSeq, expected: count });
  else if (lastSeq > count) findings.add('events.extended', { count: lastSeq, expected: count });
  else if (last && last.hash !== headHash) findings.add('events.headMismatch', { seq: count });
  if (chosen[0] && chosen[0].seq === 1 && chosen[0].hash !== firstHash && valid(chosen[0])) {
    findings.add('events.headMismatch', { seq: 1 });
  }
  return chosen;
}

function parseEventLine(text: string, line: number): ChainEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  const isInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v);
  const isHex = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
  if (
    !isInt(e['seq']) ||
    typeof e['runId'] !== 'string' ||
    typeof e['monoMs'] !== 'number' ||
    typeof e['wallMs'] !== 'number' ||
    typeof e['actor'] !== 'string' ||
    typeof e['kind'] !== 'string' ||
    typeof e['payload'] !== 'object' ||
    e['payload'] === null ||
    Array.isArray(e['payload']) ||
    !isHex(e['prevHash']) ||
    !isHex(e['hash'])
  ) {
    return undefined;
  }
  return { ...(e as unknown as Omit<LoggedEvent, 'stream'>), line };
}

async function readBytes(
  source: RandomAccess,
  entry: ZipEntry | undefined,
  path: string,
  maxBytes: number,
  findings: Findings,
): Promise<Uint8Array | undefined> {
  if (!entry) {
    findings.add('part.missing', { path });
    return undefined;
  }
  try {
    return await readZipEntryBytes(source, entry, maxBytes);
  } catch (error) {
    if (!(error instanceof ZipEntryError)) throw error;
    findings.add('part.unparsable', { path });
    return undefined;
  }
}

async function readText(
  source: RandomAccess,
  entry: ZipEntry | undefined,
  path: string,
  maxBytes: number,
  findings: Findings,
): Promise<string | undefined> {
  const bytes = await readBytes(source, entry, path, maxBytes, findings);
  return bytes && new TextDecoder().decode(bytes);
}

/** SHA-256 and size of an entry's bytes, streamed; undefined when they cannot be read (damaged). */
async function hashEntry(
  source: RandomAccess,
  entry: ZipEntry,
): Promise<{ sha256: string; bytes: number } | undefined> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const piece of readZipEntry(source, entry)) {
      hash.update(piece);
      bytes += piece.length;
    }
  } catch (error) {
    if (error instanceof ZipEntryError) return undefined;
    throw error;
  }
  return { sha256: hash.digest('hex'), bytes };
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

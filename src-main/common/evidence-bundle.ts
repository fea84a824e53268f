// The evidence bundle (证据包) of a counter session: one ZIP that anyone can check
// without the app — the session's chained events, its recorded segments, and a manifest
// signed with the window's key. The format is docs/evidence-bundle.md; here are its
// schemas and what verifying it answers, shared by the core, the CLI and the UI.
import { z } from 'zod';
import { RecordingTrack } from './recording.ts';
import { SignatureScheme } from './sync-protocol.ts';

export const BUNDLE_FORMAT = 'tongban-evidence-bundle';
export const BUNDLE_VERSION = 1;
export const BUNDLE_MEDIA_TYPE = 'application/zip';

export const MANIFEST_PATH = 'manifest.json';
export const SIGNATURE_PATH = 'manifest.sig';
export const EVENTS_PATH = 'events.jsonl';

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** Where a segment lies in the bundle: by track and index, six digits, so names sort as they play. */
export function segmentPath(track: RecordingTrack, index: number, mediaType: string): string {
  const name = String(index).padStart(6, '0');
  if (track === 'screen') return `segments/screen/${name}.json`;
  return `segments/${track}/${name}.${/^video\/mp4\b/i.test(mediaType) ? 'mp4' : 'webm'}`;
}

export const BundleFile = z.strictObject({
  path: z.string().min(1).max(200),
  sha256: Sha256Hex,
  bytes: z.number().int().min(0),
  mediaType: z.string().min(1).max(100),
  /** Null for the event log itself. */
  track: RecordingTrack.nullable(),
  index: z.number().int().min(0).nullable(),
});
export type BundleFile = z.infer<typeof BundleFile>;

export const BundleManifest = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  /** ISO 8601, UTC: when the bundle was made. */
  createdAt: z.string().max(40),
  window: z.strictObject({ id: z.string().min(1).max(64) }),
  session: z.strictObject({
    draftId: z.string().min(1).max(64),
    stream: z.string().min(1).max(80),
    /** The service item (事项) chosen at the start, when the session names one. */
    itemCode: z.string().max(64).nullable(),
    /** ISO 8601, UTC: the wall time of the session's first event. */
    startedAt: z.string().max(40),
  }),
  /** The chain as exported: its genesis, first and last hash, and how many events. */
  chain: z.strictObject({
    genesisHash: Sha256Hex,
    firstHash: Sha256Hex,
    headHash: Sha256Hex,
    count: z.number().int().min(1),
  }),
  /** Every file of the bundle but the manifest and its signature. */
  files: z.array(BundleFile).max(1_000_000),
  /** Who signed: the window's public key and its fingerprint (SHA-256 of the key's bytes). */
  signer: z.strictObject({
    scheme: SignatureScheme,
    publicKey: z
      .string()
      .regex(/^[0-9a-f]+$/)
      .max(200),
    fingerprint: Sha256Hex,
  }),
});
export type BundleManifest = z.infer<typeof BundleManifest>;

/**
 * What the verifier can find, one code each. `note` findings leave a bundle intact
 * (a segment purged under retention, its event and the purge on the chain).
 */
export const FINDING_CODES = [
  'bundle.unreadable',
  'bundle.unsupported',
  'part.missing',
  'part.unparsable',
  'signature.invalid',
  'signature.wrongKey',
  'signer.fingerprintMismatch',
  'signer.unexpected',
  'event.unparsable',
  'event.altered',
  'event.missing',
  'event.reordered',
  'event.inserted',
  'event.relinked',
  'events.truncated',
  'events.extended',
  'events.headMismatch',
  'events.fileAltered',
  'segment.missing',
  'segment.purged',
  'segment.altered',
  'segment.reordered',
  'segment.indexGap',
  'segment.eventMissing',
  'file.inserted',
  'file.duplicate',
  'manifest.filesMismatch',
] as const;
export const FindingCode = z.enum(FINDING_CODES);
export type FindingCode = z.infer<typeof FindingCode>;

export const FindingSeverity = z.enum(['note', 'tampered', 'unreadable']);
export type FindingSeverity = z.infer<typeof FindingSeverity>;

export const BundleFinding = z.object({
  code: FindingCode,
  severity: FindingSeverity,
  /** Values for the message: path, seq, track, index … */
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type BundleFinding = z.infer<typeof BundleFinding>;

export const BundleVerdict = z.object({
  status: z.enum(['intact', 'tampered', 'unreadable']),
  findings: z.array(BundleFinding),
  /** What the bundle says of itself, when its manifest could be read. */
  session: z
    .object({
      draftId: z.string(),
      windowId: z.string(),
      itemCode: z.string().nullable(),
      startedAt: z.string(),
      createdAt: z.string(),
      fingerprint: z.string(),
      events: z.number(),
      headHash: z.string(),
      segments: z.number(),
    })
    .nullable(),
});
export type BundleVerdict = z.infer<typeof BundleVerdict>;

/** The verdict's status from its findings: the worst one decides. */
export function verdictStatus(findings: readonly BundleFinding[]): BundleVerdict['status'] {
  if (findings.some((f) => f.severity === 'unreadable')) return 'unreadable';
  if (findings.some((f) => f.severity === 'tampered')) return 'tampered';
  return 'intact';
}

// The sync wire protocol between a window (通办专窗) and the applicant's home approving
// department (业务属地审批部门): paths, request and answer schemas, packet states and
// error codes. Both the window's outbox and the department inbox import this module,
// so any change here is a protocol change — docs/sync-protocol.md describes it for
// department integrators and must change with it.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.ts';
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

// ── paths ────────────────────────────────────────────────────────────────────

/** tus endpoint for file uploads (creation: POST here; the upload URL is under it). */
export const FILES_PATH = '/v1/files/';
export const CHANGES_PATH = '/v1/changes';
export const HEALTH_PATH = '/v1/health';
/** Tells a window who its token says it is (an installer's "test the connection"). */
export const WHOAMI_PATH = '/v1/windows/me';

export function packetVersionPath(packetId: string, version: number): string {
  return `/v1/packets/${encodeURIComponent(packetId)}/versions/${version}`;
}

export function commitPath(packetId: string, version: number): string {
  return `${packetVersionPath(packetId, version)}/commit`;
}

/** Longest long-poll wait the change feed accepts, in seconds. */
export const MAX_WAIT_SECONDS = 30;
export const MAX_CHANGES_LIMIT = 500;
export const DEFAULT_CHANGES_LIMIT = 100;

/** Keys of the tus `Upload-Metadata` header the inbox reads. */
export const UPLOAD_METADATA = {
  sha256: 'sha256',
  packetId: 'packetId',
} as const;

// ── identifiers ──────────────────────────────────────────────────────────────

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A packet's id: a UUIDv7 in lower case, so it sorts by sealing time and is one key everywhere. */
export const PacketId = z.string().regex(UUID_V7, 'must be a lower-case UUIDv7');
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits (SHA-256)');
/** A window's id as enrolled at the department, e.g. `W01`. */
export const WindowId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1–64 of A-Z a-z 0-9 . _ - ');
/** GB/T 39554.1 事项编码 or the publisher's own code (same shape as the catalog's ItemCode). */
export const ItemCode = z.string().regex(/^[0-9A-Z][0-9A-Z-]{3,63}$/, 'must be 4–64 of 0-9 A-Z and -');
export const PacketVersion = z.number().int().min(1).max(1_000_000);

export const SIGNATURE_SCHEMES = ['ed25519', 'sm2'] as const;
export const SignatureScheme = z.enum(SIGNATURE_SCHEMES);
export type SignatureScheme = z.infer<typeof SignatureScheme>;

// ── manifest ─────────────────────────────────────────────────────────────────

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
// Control characters would end up in headers and file names on the department side.
// eslint-disable-next-line no-control-regex
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]+$/;

/** One file of a packet (a captured material, the recording …), by content. */
export const ManifestFile = z.looseObject({
  sha256: Sha256Hex,
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  mediaType: z.string().regex(MEDIA_TYPE, 'must be a lower-case media type such as image/jpeg'),
  name: z.string().min(1).max(255).regex(NO_CONTROL_CHARS, 'must not contain control characters'),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

/**
 * 收件清单: what a sealed packet carries. The inbox reads the fields below; everything
 * else (applicant, form, materials, review, clerk, deadline …) is carried and stored
 * as is. Version 1 is the first submission; a 补正 (correction) is a new version of
 * the same packet id whose `previousVersion` names the version it corrects.
 */
export const Manifest = z
  .looseObject({
    packetId: PacketId,
    version: PacketVersion,
    previousVersion: PacketVersion.optional(),
    /**
     * The version this one supplements when that one was a 补正 the window issued at the
     * counter itself: it never reached the department. Always `version - 1`. Lets a later
     * version with no `previousVersion` be the department's first sight of the packet —
     * only that: the inbox refuses it (`packet.windowCorrectionConflict`) once another
     * version of the packet is registered.
     */
    windowCorrectionOf: PacketVersion.optional(),
    windowId: WindowId,
    itemCode: ItemCode,
    files: z.array(ManifestFile).max(10_000),
  })
  .superRefine((manifest, ctx) => {
    if (manifest.version === 1 && manifest.previousVersion !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['previousVersion'], message: 'version 1 has no previous version' });
    }
    if (manifest.version === 1 && manifest.windowCorrectionOf !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['windowCorrectionOf'], message: 'version 1 supplements nothing' });
    }
    if (manifest.version > 1 && manifest.previousVersion === undefined && manifest.windowCorrectionOf === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['previousVersion'],
        message: 'a version after 1 must name the version it corrects (or windowCorrectionOf)',
      });
    }
    if (manifest.previousVersion !== undefined && manifest.previousVersion >= manifest.version) {
      ctx.addIssue({ code: 'custom', path: ['previousVersion'], message: 'must be lower than version' });
    }
    if (manifest.windowCorrectionOf !== undefined && manifest.windowCorrectionOf !== manifest.version - 1) {
      // The 补正 the window issued is the version just before: it is what this one supplements.
      ctx.addIssue({ code: 'custom', path: ['windowCorrectionOf'], message: 'must be the version just before' });
    }
    if (
      manifest.windowCorrectionOf !== undefined &&
      manifest.previousVersion !== undefined &&
      manifest.previousVersion >= manifest.windowCorrectionOf
    ) {
      ctx.addIssue({ code: 'custom', path: ['previousVersion'], message: 'must be lower than windowCorrectionOf' });
    }
    const sizes = new Map<string, number>();
    manifest.files.forEach((file, index) => {
      const known = sizes.get(file.sha256);
      if (known !== undefined && known !== file.size) {
        ctx.addIssue({ code: 'custom', path: ['files', index, 'size'], message: 'same sha256 listed with two sizes' });
      }
      sizes.set(file.sha256, file.size);
    });
  });
export type Manifest = z.infer<typeof Manifest>;

/** The exact bytes that are hashed and signed: RFC 8785 canonical JSON, UTF-8. */
export function canonicalManifestBytes(manifest: unknown): Buffer {
  return Buffer.from(canonicalJson(manifest), 'utf8');
}

/** SHA-256 hex of the canonical manifest: the manifest's identity within (packetId, version). */
export function manifestHash(manifest: unknown): string {
  return createHash('sha256').update(canonicalManifestBytes(manifest)).digest('hex');
}

/** The distinct files of a manifest, in first-listed order. */
export function distinctFiles(manifest: {
  files: ReadonlyArray<{ sha256: string; size: number }>;
}): Array<{ sha256: string; size: number }> {
  const seen = new Map<string, number>();
  for (const file of manifest.files) if (!seen.has(file.sha256)) seen.set(file.sha256, file.size);
  return [...seen].map(([sha256, size]) => ({ sha256, size }));
}

// ── signature ────────────────────────────────────────────────────────────────

/**
 * A detached signature over `canonicalManifestBytes(manifest)`. `keyId` is the SHA-256
 * hex of the signer's public key (Ed25519: 32 raw bytes; SM2: the 65-byte uncompressed
 * point); `value` is base64 of 64 bytes (Ed25519 signature, or SM2 r‖s).
 */
export const ManifestSignature = z.strictObject({
  scheme: SignatureScheme,
  keyId: Sha256Hex,
  value: z.string().max(200),
});
export type ManifestSignature = z.infer<typeof ManifestSignature>;

// ── packet states ────────────────────────────────────────────────────────────

/**
 * A packet version's state at the department: `receiving` (manifest registered, files
 * and commit outstanding) → `delivered` (commit verified) → `accepted` 已受理 |
 * `correction_required` 需补正 | `refused` 不予受理 → `approved` 准予许可 → `closed` 办结.
 */
export const PACKET_STATES = [
  'receiving',
  'delivered',
  'accepted',
  'correction_required',
  'refused',
  'approved',
  'closed',
] as const;
export const PacketState = z.enum(PACKET_STATES);
export type PacketState = z.infer<typeof PacketState>;

/** States that appear in the change feed (every state after `receiving`). */
export const CHANGE_STATES = ['delivered', 'accepted', 'correction_required', 'refused', 'approved', 'closed'] as const;
export const ChangeState = z.enum(CHANGE_STATES);
export type ChangeState = z.infer<typeof ChangeState>;

/**
 * Which state may follow which. `receiving → delivered` happens only by commit; the
 * others are department decisions. A correction is answered by a new packet version,
 * so `correction_required` only closes (the applicant gave up).
 */
export const STATE_TRANSITIONS: Readonly<Record<PacketState, readonly PacketState[]>> = {
  receiving: ['delivered'],
  delivered: ['accepted', 'correction_required', 'refused'],
  accepted: ['approved', 'refused'],
  correction_required: ['closed'],
  refused: ['closed'],
  approved: ['closed'],
  closed: [],
};

export function canTransition(from: PacketState, to: PacketState): boolean {
  return STATE_TRANSITIONS[from].includes(to);
}

// ── requests and answers ─────────────────────────────────────────────────────

/** Body of `PUT /v1/packets/{packetId}/versions/{version}`. */
export const PutPacketRequest = z.strictObject({
  manifest: Manifest,
  signature: ManifestSignature,
});
export type PutPacketRequest = z.infer<typeof PutPacketRequest>;

/** Answer to PUT (and to `GET` of the same path): what the department still needs. */
export const PacketStatus = z.strictObject({
  packetId: PacketId,
  version: PacketVersion,
  manifestHash: Sha256Hex,
  state: PacketState,
  /** Files the department does not hold yet (content-addressed: any packet's upload counts). */
  missingFiles: z.array(Sha256Hex),
  /** Absolute tus creation URL. */
  uploadEndpoint: z.string(),
});
export type PacketStatus = z.infer<typeof PacketStatus>;

/** Optional body of the commit: guards against committing a manifest the client does not hold. */
export const CommitRequest = z.strictObject({ manifestHash: Sha256Hex.optional() });
export type CommitRequest = z.infer<typeof CommitRequest>;

/** Answer to commit: the department's receipt (送达回执). Replayed on every later commit. */
export const CommitReceipt = z.strictObject({
  packetId: PacketId,
  version: PacketVersion,
  state: z.literal('delivered'),
  /** ISO 8601 UTC. */
  receivedAt: z.string(),
  departmentReference: z.string(),
});
export type CommitReceipt = z.infer<typeof CommitReceipt>;

/** One entry of the change feed. `cursor` grows strictly; a window sees only its own packets. */
export const Change = z.strictObject({
  cursor: z.number().int().min(1),
  packetId: PacketId,
  version: PacketVersion,
  state: ChangeState,
  reason: z.string().optional(),
  /** 补正 items: what the applicant must bring or fix. */
  correctionItems: z.array(z.string()).optional(),
  /** EMS waybill number of the mailed result (寄递单号). */
  waybill: z.string().optional(),
  /** Who decided (the approver's name); absent for `delivered`. */
  decidedBy: z.string().optional(),
  /** ISO 8601 UTC. */
  at: z.string(),
});
export type Change = z.infer<typeof Change>;

/** Query of `GET /v1/changes` (all optional). */
export const ChangesQuery = z.strictObject({
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  wait: z.coerce.number().min(0).max(MAX_WAIT_SECONDS).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_CHANGES_LIMIT).default(DEFAULT_CHANGES_LIMIT),
});
export type ChangesQuery = z.infer<typeof ChangesQuery>;

export const ChangesAnswer = z.strictObject({
  changes: z.array(Change),
  /** Pass as `after` next time: the last change's cursor, or the `after` given when none. */
  cursor: z.number().int().min(0),
  /** More changes wait beyond `limit`: ask again at once. */
  more: z.boolean(),
});
export type ChangesAnswer = z.infer<typeof ChangesAnswer>;

export const WhoAmI = z.strictObject({
  windowId: WindowId,
  scheme: SignatureScheme,
  keyId: Sha256Hex,
});
export type WhoAmI = z.infer<typeof WhoAmI>;

// ── errors ───────────────────────────────────────────────────────────────────

/**
 * Every error code the inbox answers, with its HTTP status. 4xx: the client's fault —
 * do not retry the same request (except 408/429). 5xx: transient — retry with backoff,
 * honouring `Retry-After`.
 */
export const PROTOCOL_ERRORS = {
  'request.malformedJson': 400,
  'request.invalid': 400,
  'request.unsupportedMediaType': 415,
  'request.tooLarge': 413,
  'route.notFound': 404,
  'route.methodNotAllowed': 405,
  'auth.missingToken': 401,
  'auth.invalidToken': 401,
  'auth.windowMismatch': 403,
  'manifest.pathMismatch': 400,
  'signature.malformed': 422,
  'signature.schemeMismatch': 422,
  'signature.unknownKey': 422,
  'signature.invalid': 422,
  'packet.notFound': 404,
  'packet.conflict': 409,
  'packet.filesMissing': 409,
  'packet.previousVersionMissing': 422,
  'packet.correctionNotRequested': 422,
  /** A version answering a 补正 issued at the window, when another version is already registered. */
  'packet.windowCorrectionConflict': 409,
  'upload.invalid': 400,
  'upload.lengthRequired': 400,
  'upload.notInManifest': 422,
  'upload.sizeMismatch': 422,
  'upload.tooLarge': 413,
  'upload.notFound': 404,
  'upload.offsetConflict': 409,
  'upload.expired': 410,
  'upload.refused': 410,
  /** tus checksum extension's "Checksum Mismatch". */
  'upload.hashMismatch': 460,
  'storage.full': 503,
  unavailable: 503,
  internal: 500,
} as const satisfies Record<string, number>;
export type ProtocolErrorCode = keyof typeof PROTOCOL_ERRORS;

export const ErrorBody = z.object({
  error: z.looseObject({
    code: z.string(),
    /** English, for logs and installers; the window shows its own Chinese text per code. */
    message: z.string(),
    /** `packet.filesMissing`: the files to upload before committing again. */
    missingFiles: z.array(Sha256Hex).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Whether a status is worth retrying: 5xx, 408 and 429. Everything else needs a person or a fix. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

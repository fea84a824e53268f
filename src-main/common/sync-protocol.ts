// The sync wire protocol between a window (通办专窗) and the applicant's home approving
// department (业务属地审批部门): paths, request and answer schemas, packet states and
// error codes. Both the window's outbox and the department inbox import this module,
// so any change here is a protocol change — docs/sync-protocol.md describes it for
// department integrators and must change with it.
import { z } from 'zod';
import { PacketId, PacketVersion, ReceivedManifest, Sha256Hex, WindowId } from './manifest.ts';
import { DepartmentState, InboxState } from './packet-states.ts';
import { CalendarDateSchema } from './dates.ts';

// The protocol's identifiers, manifest and states are declared with the manifest and the
// packet states; the protocol names them here too, for the inbox and its clients.
export { ItemCode, ManifestFile, PacketId, PacketVersion, ReceivedManifest, Sha256Hex, WindowId } from './manifest.ts';
export { canonicalManifestBytes, distinctFiles, manifestHash } from './manifest.ts';
export {
  canInboxTransition,
  DEPARTMENT_STATES,
  DepartmentState,
  INBOX_STATES,
  INBOX_TRANSITIONS,
  InboxState,
} from './packet-states.ts';

export const PROTOCOL_VERSION = 1;

export const SIGNATURE_SCHEMES = ['ed25519', 'sm2'] as const;
export const SignatureScheme = z.enum(SIGNATURE_SCHEMES);
export type SignatureScheme = z.infer<typeof SignatureScheme>;

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

// ── requests and answers ─────────────────────────────────────────────────────

/** Body of `PUT /v1/packets/{packetId}/versions/{version}`. */
export const PutPacketRequest = z.strictObject({
  manifest: ReceivedManifest,
  signature: ManifestSignature,
});
export type PutPacketRequest = z.infer<typeof PutPacketRequest>;

/** Answer to PUT (and to `GET` of the same path): what the department still needs. */
export const PacketStatus = z.strictObject({
  packetId: PacketId,
  version: PacketVersion,
  manifestHash: Sha256Hex,
  state: InboxState,
  /** Files this window has not sent yet (content-addressed per window: any of its own packets' uploads counts). */
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
/**
 * One change of the feed. Read leniently: a newer department may add optional fields,
 * which a window ignores rather than stopping its feed over.
 */
export const Change = z.object({
  cursor: z.number().int().min(1),
  packetId: PacketId,
  version: PacketVersion,
  state: DepartmentState,
  reason: z.string().optional(),
  /** 补正 items: what the applicant must bring or fix. */
  correctionItems: z.array(z.string()).optional(),
  /** EMS waybill number of the mailed result (寄递单号). */
  waybill: z.string().optional(),
  /** Who decided (the approver's name); absent for `delivered`. */
  decidedBy: z.string().optional(),
  /** A 补正's last day (YYYY-MM-DD, China time), when the department set its period. */
  supplyBy: CalendarDateSchema.optional(),
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
  /** The window has as many unfinished uploads as the department allows; retry after Retry-After. */
  'upload.tooManyOpen': 429,
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

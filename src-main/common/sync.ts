// How sending to the approving departments (报送) looks from the queue and the
// installer's panel: one packet version's way, the outbox as a whole, the enrolment.
import { z } from 'zod';
import { ERROR_CODES } from './errors.ts';
import { DepartmentState, PacketState } from './packet-states.ts';
import { SignatureScheme } from './sync-protocol.ts';

const ErrorCode = z.enum(ERROR_CODES);

/** The department's latest word on a packet version (its change feed). */
export const Decision = z.object({
  state: DepartmentState,
  reason: z.string().nullable(),
  correctionItems: z.array(z.string()),
  waybill: z.string().nullable(),
  decidedBy: z.string().nullable(),
  at: z.string(),
  cursor: z.number(),
  /** A 补正's last day as the department set it; null when it set none (the window counts one). */
  supplyBy: z.string().nullable(),
});
export type Decision = z.infer<typeof Decision>;

/** Where a travelling packet version stands; null on packets that never travel (window 补正 / 不予受理). */
export const PacketSync = z.object({
  departmentId: z.string(),
  departmentName: z.string().nullable(),
  /** Protocol step: register (PUT) → upload (tus) → commit → done. */
  step: z.enum(['register', 'upload', 'commit', 'done']),
  /** Held for a person; `lastError.code` says why (an error code of the catalog). */
  blocked: z.boolean(),
  bytesSent: z.number(),
  bytesTotal: z.number(),
  attempts: z.number(),
  /** Epoch ms of the next automatic try while waiting after a failure. */
  nextAttemptAt: z.number().nullable(),
  lastError: z
    .object({
      code: ErrorCode,
      detail: z.string(),
      params: z.record(z.string(), z.union([z.string(), z.number()])),
      at: z.number(),
    })
    .nullable(),
  /** 收件编号 on the department's receipt. */
  departmentReference: z.string().nullable(),
  receivedAt: z.string().nullable(),
  decision: Decision.nullable(),
});
export type PacketSync = z.infer<typeof PacketSync>;
export type OutboxStep = PacketSync['step'];

export const DepartmentStatus = z.object({
  departmentId: z.string(),
  name: z.string(),
  embedded: z.boolean(),
  tokenSet: z.boolean(),
  state: z.enum(['ready', 'error', 'absent']),
  problem: z.object({ code: ErrorCode, detail: z.string() }).nullable(),
  cursor: z.number(),
});
export type DepartmentStatus = z.infer<typeof DepartmentStatus>;

export const SyncStatus = z.object({
  paused: z.boolean(),
  /** Packet versions not yet delivered; of those, held for a person, and waiting after a failure. */
  waiting: z.number(),
  blocked: z.number(),
  retrying: z.number(),
  departments: z.array(DepartmentStatus),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** What an installer gives the department to enrol this window. */
export const EnrolmentInfo = z.object({
  windowId: z.string(),
  departments: z.array(
    z.object({
      departmentId: z.string(),
      name: z.string(),
      endpoint: z.string(),
      embedded: z.boolean(),
      scheme: SignatureScheme,
      /** Hex: Ed25519 raw 32 bytes; SM2 uncompressed point 04‖x‖y. What the department enrols. */
      publicKey: z.string(),
      keyId: z.string(),
      tokenSet: z.boolean(),
    }),
  ),
});
export type EnrolmentInfo = z.infer<typeof EnrolmentInfo>;

/** A packet version whose visible state moved (for `packets.changed`). */
export const PacketStateChange = z.object({ packetId: z.string(), version: z.number(), state: PacketState });
export type PacketStateChange = z.infer<typeof PacketStateChange>;

export const UploadProgress = z.object({
  packetId: z.string(),
  version: z.number(),
  bytesSent: z.number(),
  bytesTotal: z.number(),
});
export type UploadProgress = z.infer<typeof UploadProgress>;

export const TokenResult = z.object({
  departmentId: z.string(),
  tokenSet: z.literal(true),
  /** The department answered and named this window and key. */
  verified: z.boolean(),
  /** Why it could not be verified (stored anyway), e.g. sync.unreachable. */
  problem: ErrorCode.nullable(),
});
export type TokenResult = z.infer<typeof TokenResult>;

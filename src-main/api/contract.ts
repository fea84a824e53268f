// The one contract between UI and core. Every call and event that crosses the
// boundary is declared here once, with schemas that the dispatcher enforces on the
// way in (input) and on the way out (output: unknown keys are stripped, so a
// secret column can never leak by accident). Both transports, Electron IPC and
// the browser host's WebSocket, carry exactly these messages.
import { z } from 'zod';
import { ServiceItem } from '../catalog/schema.ts';
import { DraftPatch, DraftView } from '../intake/draft.ts';
import type { DeadlineStatus } from '../intake/deadline-status.ts';
import type { PacketSummary, SealedPacket } from '../intake/packet-store.ts';
import type { CatalogSummary } from '../catalog/catalog-store.ts';
import type { ReviewResult } from '../review/review.ts';

// ── shared shapes ────────────────────────────────────────────────────────────

/** 岗位角色: window clerk (窗口人员), supervisor (审核督查), installer (运维部署). */
export const Role = z.enum(['clerk', 'supervisor', 'installer']);
export type Role = z.infer<typeof Role>;

export const Username = z
  .string()
  .trim()
  .min(2)
  .max(32)
  .regex(/^[A-Za-z0-9_.-]+$/);
export const DisplayName = z.string().trim().min(1).max(40);
/** Strength is judged by the auth service, so the message can say what is missing. */
export const Password = z.string().min(1).max(128);

export const UserSummary = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  disabled: z.boolean(),
  /** Epoch ms until which the account is locked after failed logins, or null. */
  lockedUntil: z.number().nullable(),
  createdAt: z.number(),
});
export type UserSummary = z.infer<typeof UserSummary>;

export const SessionInfo = z.object({
  user: UserSummary.nullable(),
  /** Idle lock: the user stays signed in but must re-enter the password. */
  locked: z.boolean(),
  idleLockMinutes: z.number(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const HealthState = z.enum(['ready', 'busy', 'absent', 'error']);
export type HealthState = z.infer<typeof HealthState>;

export const HealthEntry = z.object({
  /** Stable id, e.g. `store`, `device.idCardReader`, `sync`. */
  id: z.string(),
  kind: z.enum(['store', 'device', 'sync']),
  state: HealthState,
  /** i18n key under `health.reasons` explaining a state other than ready. */
  reason: z.string().optional(),
  /** English detail for installers. */
  detail: z.string().optional(),
  since: z.number(),
});
export type HealthEntry = z.infer<typeof HealthEntry>;

export const HealthSnapshot = z.object({ entries: z.array(HealthEntry) });
export type HealthSnapshot = z.infer<typeof HealthSnapshot>;

export const AppInfo = z.object({
  version: z.string(),
  hallName: z.string(),
  windowName: z.string(),
  profile: z.enum(['demo', 'configured']),
  host: z.enum(['electron', 'browser']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const ChainVerification = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), stream: z.string(), count: z.number(), headHash: z.string() }),
  z.object({
    ok: z.literal(false),
    stream: z.string(),
    /** Sequence number of the first event whose link is broken. */
    firstBadSeq: z.number(),
    reason: z.enum(['hash_mismatch', 'link_mismatch', 'sequence_gap', 'head_mismatch']),
  }),
]);
export type ChainVerification = z.infer<typeof ChainVerification>;

/**
 * Outputs built by core code from already-validated data, too rich to restate as a
 * schema: typed for the UI, passed through as produced.
 */
const produced = <T>() => z.custom<T>(() => true);

const DraftId = z.uuid();
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const MaterialId = z.string().min(1).max(64);
/** Binary crosses both transports as Uint8Array (structured clone, MessagePack bin). */
const Bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'must be bytes');

export const FileContent = z.object({ bytes: Bytes, mediaType: z.string(), name: z.string() });
export type FileContent = z.infer<typeof FileContent>;

export const CatalogHit = z.object({ code: z.string(), name: z.string(), matchedBy: z.string() });
export type CatalogHit = z.infer<typeof CatalogHit>;

export type { CatalogSummary, DeadlineStatus, DraftView, PacketSummary, ReviewResult, SealedPacket };

// ── sync with the approving department (报送) ────────────────────────────────

const PacketVersionNumber = z.number().int().min(1).max(1_000_000);
const DepartmentId = z.string().min(1).max(64);

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
      code: z.string(),
      detail: z.string(),
      params: z.record(z.string(), z.union([z.string(), z.number()])),
      at: z.number(),
    })
    .nullable(),
  /** 收件编号 on the department's receipt. */
  departmentReference: z.string().nullable(),
  receivedAt: z.string().nullable(),
  /** The department's latest word on it (the change feed). */
  decision: z
    .object({
      state: z.string(),
      reason: z.string().nullable(),
      correctionItems: z.array(z.string()),
      waybill: z.string().nullable(),
      decidedBy: z.string().nullable(),
      at: z.string(),
      cursor: z.number(),
    })
    .nullable(),
});
export type PacketSync = z.infer<typeof PacketSync>;

/** A packet of the queue with its sync view (the core always sets `sync`, null when it does not travel). */
export type QueuedPacket = PacketSummary & { sync?: PacketSync | null };

export const SyncStatus = z.object({
  paused: z.boolean(),
  /** Packet versions not yet delivered; of those, held for a person, and waiting after a failure. */
  waiting: z.number(),
  blocked: z.number(),
  retrying: z.number(),
  departments: z.array(
    z.object({
      departmentId: z.string(),
      name: z.string(),
      embedded: z.boolean(),
      tokenSet: z.boolean(),
      state: z.enum(['ready', 'error', 'absent']),
      problem: z.object({ code: z.string(), detail: z.string() }).nullable(),
      cursor: z.number(),
    }),
  ),
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
      scheme: z.enum(['ed25519', 'sm2']),
      /** Hex: Ed25519 raw 32 bytes; SM2 uncompressed point 04‖x‖y. */
      publicKey: z.string(),
      keyId: z.string(),
      tokenSet: z.boolean(),
    }),
  ),
});
export type EnrolmentInfo = z.infer<typeof EnrolmentInfo>;

export const PacketStateChange = z.object({ packetId: z.string(), version: z.number(), state: z.string() });
export type PacketStateChange = z.infer<typeof PacketStateChange>;

export const UploadProgress = z.object({
  packetId: z.string(),
  version: z.number(),
  bytesSent: z.number(),
  bytesTotal: z.number(),
});
export type UploadProgress = z.infer<typeof UploadProgress>;

// ── methods ──────────────────────────────────────────────────────────────────

/**
 * Who may call: `public` anyone on the connection; `session` a signed-in user even
 * while idle-locked (to unlock or sign out); `user` a signed-in, unlocked user of
 * any role; a role list restricts further.
 */
export type Access = 'public' | 'session' | 'user' | readonly Role[];

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  access: Access;
  input: I;
  output: O;
}

const method = <I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>) => spec;
const none = z.object({}).strict();

export const methods = {
  'app.info': method({ access: 'public', input: none, output: AppInfo }),

  'auth.session': method({ access: 'public', input: none, output: SessionInfo }),
  'auth.setupState': method({
    access: 'public',
    input: none,
    output: z.object({ needsFirstInstaller: z.boolean() }),
  }),
  'auth.createFirstInstaller': method({
    access: 'public',
    input: z.object({ username: Username, displayName: DisplayName, password: Password }).strict(),
    output: SessionInfo,
  }),
  'auth.login': method({
    access: 'public',
    input: z.object({ username: Username, password: Password }).strict(),
    output: SessionInfo,
  }),
  'auth.logout': method({ access: 'session', input: none, output: SessionInfo }),
  'auth.lock': method({ access: 'session', input: none, output: SessionInfo }),
  'auth.unlock': method({
    access: 'session',
    input: z.object({ password: Password }).strict(),
    output: SessionInfo,
  }),

  'users.list': method({
    access: ['installer'],
    input: none,
    output: z.object({ users: z.array(UserSummary) }),
  }),
  'users.create': method({
    access: ['installer'],
    input: z
      .object({ username: Username, displayName: DisplayName, role: Role, password: Password })
      .strict(),
    output: UserSummary,
  }),
  'users.update': method({
    access: ['installer'],
    input: z
      .object({
        id: z.number().int().positive(),
        displayName: DisplayName.optional(),
        role: Role.optional(),
        disabled: z.boolean().optional(),
      })
      .strict(),
    output: UserSummary,
  }),
  'users.resetPassword': method({
    access: ['installer'],
    input: z.object({ id: z.number().int().positive(), password: Password }).strict(),
    output: UserSummary,
  }),
  'users.unlock': method({
    access: ['installer'],
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: UserSummary,
  }),

  'health.snapshot': method({ access: 'user', input: none, output: HealthSnapshot }),

  // 收件: catalog, drafts (autosaved), review, sealing, the day's queue
  'catalog.search': method({
    access: ['clerk'],
    input: z.object({ query: z.string().max(50), limit: z.number().int().min(1).max(50).optional() }).strict(),
    output: z.object({ hits: z.array(CatalogHit) }),
  }),
  'catalog.item': method({
    access: ['clerk', 'supervisor'],
    input: z.object({ code: z.string().min(1).max(64) }).strict(),
    output: ServiceItem,
  }),
  'catalog.list': method({
    access: ['installer', 'supervisor'],
    input: none,
    output: z.object({ catalogs: z.array(produced<CatalogSummary>()) }),
  }),
  /** A signed catalog file from the department side; refused files leave the active catalog in use. */
  'catalog.install': method({
    access: ['installer'],
    input: z.object({ fileText: z.string().min(2).max(8 * 1024 * 1024) }).strict(),
    output: produced<CatalogSummary>(),
  }),
  'drafts.list': method({ access: ['clerk'], input: none, output: z.object({ drafts: z.array(DraftView) }) }),
  'drafts.create': method({
    access: ['clerk'],
    input: z.object({ itemCode: z.string().min(1).max(64) }).strict(),
    output: DraftView,
  }),
  'drafts.get': method({ access: ['clerk'], input: z.object({ id: DraftId }).strict(), output: DraftView }),
  'drafts.save': method({
    access: ['clerk'],
    input: z.object({ id: DraftId, patch: DraftPatch }).strict(),
    output: DraftView,
  }),
  'drafts.addFile': method({
    access: ['clerk'],
    input: z
      .object({ id: DraftId, materialId: MaterialId, name: z.string().min(1).max(255), bytes: Bytes })
      .strict(),
    output: DraftView,
  }),
  'drafts.removeFile': method({
    access: ['clerk'],
    input: z.object({ id: DraftId, materialId: MaterialId, sha256: Sha256 }).strict(),
    output: DraftView,
  }),
  'drafts.fileContent': method({
    access: ['clerk'],
    input: z.object({ id: DraftId, sha256: Sha256 }).strict(),
    output: FileContent,
  }),
  'drafts.review': method({ access: ['clerk'], input: z.object({ id: DraftId }).strict(), output: produced<ReviewResult>() }),
  'drafts.seal': method({ access: ['clerk'], input: z.object({ id: DraftId }).strict(), output: produced<SealedPacket>() }),
  'drafts.discard': method({ access: ['clerk'], input: z.object({ id: DraftId }).strict(), output: z.object({}) }),
  'drafts.supplement': method({
    access: ['clerk'],
    input: z.object({ packetId: DraftId }).strict(),
    output: DraftView,
  }),
  'packets.list': method({
    access: ['clerk', 'supervisor'],
    input: z.object({ scope: z.enum(['today', 'all']) }).strict(),
    output: z.object({ packets: z.array(produced<QueuedPacket>()) }),
  }),
  'documents.get': method({
    access: ['clerk', 'supervisor'],
    input: z.object({ sha256: Sha256 }).strict(),
    output: FileContent,
  }),

  // 报送: the outbox to the approving departments
  'sync.status': method({ access: 'user', input: none, output: SyncStatus }),
  'sync.pause': method({ access: ['clerk', 'supervisor', 'installer'], input: none, output: SyncStatus }),
  'sync.resume': method({ access: ['clerk', 'supervisor', 'installer'], input: none, output: SyncStatus }),
  'sync.retryNow': method({
    access: ['clerk', 'supervisor', 'installer'],
    input: z.object({ packetId: DraftId, version: PacketVersionNumber }).strict(),
    output: PacketSync,
  }),
  'sync.enrolment': method({ access: ['installer'], input: none, output: EnrolmentInfo }),
  'sync.setDepartmentToken': method({
    access: ['installer'],
    input: z
      .object({
        departmentId: DepartmentId,
        token: z
          .string()
          .trim()
          .min(16)
          .max(512)
          .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
      })
      .strict(),
    output: z.object({
      departmentId: z.string(),
      tokenSet: z.literal(true),
      /** The department answered and named this window and key. */
      verified: z.boolean(),
      /** Why it could not be verified (stored anyway), e.g. sync.unreachable. */
      problem: z.string().nullable(),
    }),
  }),

  'eventLog.verify': method({
    access: ['supervisor', 'installer'],
    input: z.object({ stream: z.string().min(1).max(64) }).strict(),
    output: ChainVerification,
  }),
} as const satisfies Record<string, MethodSpec>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

// ── events (core → UI) ───────────────────────────────────────────────────────

export const events = {
  'health.changed': HealthSnapshot,
  /** The core changed this connection's session on its own (idle lock, account disabled). */
  'session.changed': SessionInfo,
  /** Packets moved in the queue (sync steps, department decisions): refresh them. */
  'packets.changed': z.object({ packets: z.array(PacketStateChange) }),
  /** Upload progress of one packet version, at most a few times a second. */
  'sync.progress': UploadProgress,
} as const satisfies Record<string, z.ZodType>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

// The sync side of the in-memory core: a small outbox model behind the contract's
// sync methods and events. Sealing an accepted packet enqueues it (routed to the
// department its review named); `pump()` plays one turn of the worker — register,
// upload a chunk (a `sync.progress` event), commit — and each department is a small
// model too: whether it is reachable, whether it takes this window's signature, the
// tokens it issued for which window and key, and its change feed of decisions. Faults
// follow the core's rules: a department out of reach means "wait and retry", a token
// missing or a signature refused holds the packet for a person. Visible queue states
// move as the core moves them (PacketStore through OutboxStore.show / showDepartment).
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import smCrypto from 'sm-crypto';
import type { EnrolmentInfo, PacketSync, SyncStatus } from '../../src-main/api/contract/index.ts';
import type { Handlers } from '../../src-main/api/dispatcher.ts';
import { AppError, type ErrorCode, type ErrorParams } from '../../src-main/common/errors.ts';
import { travels } from '../../src-main/common/manifest.ts';
import {
  type DepartmentDocumentRef,
  departmentDocumentKind,
  departmentDocumentTitle,
  OUTCOME_NAMES,
} from '../../src-main/common/department-documents.ts';
import {
  canInboxTransition,
  type DepartmentState,
  type InboxState,
  isSendingState,
  type PacketState,
} from '../../src-main/common/packet-states.ts';
import type { FakeIntake, FakePacket } from './fake-intake.ts';

export interface FakeDepartmentSeed {
  id: string;
  name: string;
  /** A URL, or `embedded` for the demo inbox on this PC (its token is set by itself). */
  endpoint: string;
  scheme?: 'ed25519' | 'sm2';
}

type Step = 'register' | 'upload' | 'commit' | 'done';

const STEP_STATE: Record<Step, PacketState> = {
  register: 'sealed',
  upload: 'uploading',
  commit: 'submitted',
  done: 'delivered',
};
/** Held packets the core releases when a token is set (SyncService TOKEN_CODES). */
const TOKEN_CODES: readonly string[] = ['sync.tokenMissing', 'sync.tokenRejected', 'sync.windowMismatch'];
const MAX_BACKOFF_MS = 15 * 60_000;

interface WindowKey {
  publicKey: string;
  keyId: string;
}

/** One approving department, as the window meets it over the network. */
export class FakeDepartment {
  reachable = true;
  /** Refuses this window's signatures (its enrolled key is another one). */
  refusesSignature = false;
  /** Tokens it issued: what window and key each names. */
  readonly issued = new Map<string, { windowId: string; scheme: string; keyId: string }>();
  /** Its change feed (every window's entries would be here; this fake has one window). */
  readonly feed: Array<{ cursor: number; packetId: string; version: number; decision: PacketSync['decision'] & {} }> =
    [];
  /** Packet versions it holds, with their state at the department. */
  readonly held = new Map<string, InboxState>();
  private received = 0;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly endpoint: string,
    readonly scheme: 'ed25519' | 'sm2',
  ) {}

  get embedded(): boolean {
    return this.endpoint === 'embedded';
  }

  /** Enrols a window and its public key; returns the token to give the installer. */
  enrol(windowId: string, keyId: string): string {
    const token = `tb_${randomBytes(18).toString('base64url')}`;
    this.issued.set(token, { windowId, scheme: this.scheme, keyId });
    return token;
  }

  nextReference(): string {
    this.received++;
    return `${this.id.toUpperCase()}-2026-${String(this.received).padStart(6, '0')}`;
  }

  cursor(): number {
    return this.feed.at(-1)?.cursor ?? 0;
  }
}

interface Entry {
  packetId: string;
  version: number;
  departmentId: string;
  step: Step;
  blocked: boolean;
  files: Array<{ sha256: string; size: number; sent: number }>;
  attempts: number;
  nextAttemptAt: number;
  lastError: { code: ErrorCode; detail: string; params: ErrorParams; at: number } | null;
  departmentReference: string | null;
  receivedAt: string | null;
}

type SyncMethods =
  'sync.status' | 'sync.pause' | 'sync.resume' | 'sync.retryNow' | 'sync.enrolment' | 'sync.setDepartmentToken';

export interface FakeSyncOptions {
  windowId?: string;
  departments?: FakeDepartmentSeed[];
  /** Bytes one `pump()` uploads of a packet (about one tus chunk). */
  chunkBytes?: number;
}

export class FakeSync {
  readonly windowId: string;
  readonly departments: FakeDepartment[];
  readonly entries: Entry[] = [];
  paused = false;
  chunkBytes: number;
  /** Blobs altered on disk since sealing (sha256): caught before upload, the packet is held. */
  readonly damaged = new Set<string>();
  /** Tokens set by installers, by department id (never returned by any method). */
  private readonly tokens = new Map<string, string>();
  private readonly keys: Record<'ed25519' | 'sm2', WindowKey>;

  constructor(
    private readonly intake: FakeIntake,
    private readonly now: () => number,
    private readonly emit: (name: string, payload: unknown) => void,
    options: FakeSyncOptions = {},
  ) {
    this.windowId = options.windowId ?? 'W01';
    this.chunkBytes = options.chunkBytes ?? 64 * 1024;
    this.departments = (options.departments ?? [{ id: 'demo-dept', name: '演示审批部门', endpoint: 'embedded' }]).map(
      (d) => new FakeDepartment(d.id, d.name, d.endpoint, d.scheme ?? 'ed25519'),
    );
    this.keys = { ed25519: ed25519Key(), sm2: sm2Key() };
    for (const department of this.departments) {
      // The embedded demo inbox enrols this window by itself.
      if (department.embedded)
        this.tokens.set(department.id, department.enrol(this.windowId, this.keys[department.scheme].keyId));
    }
    intake.onSealed = (packet, departmentId) => this.enqueue(packet, departmentId);
  }

  department(id: string): FakeDepartment {
    const department = this.departments.find((d) => d.id === id);
    if (!department) throw new Error(`no fake department ${id}`);
    return department;
  }

  /** The key this window signs with for a scheme (what a department enrols). */
  key(scheme: 'ed25519' | 'sm2'): WindowKey {
    return this.keys[scheme];
  }

  tokenSet(departmentId: string): boolean {
    return this.tokens.has(departmentId);
  }

  entry(packetId: string, version: number): Entry | undefined {
    return this.entries.find((e) => e.packetId === packetId && e.version === version);
  }

  handlers(): Pick<Handlers<null>, SyncMethods> {
    return {
      'sync.status': () => this.status(),
      'sync.pause': () => {
        this.paused = true;
        return this.status();
      },
      'sync.resume': () => {
        this.paused = false;
        return this.status();
      },
      'sync.retryNow': ({ packetId, version }) => {
        const entry = this.entry(packetId, version);
        if (!entry || entry.step === 'done') {
          throw new AppError('sync.packetNotQueued', `packet ${packetId} v${version} has nothing left to send`);
        }
        entry.blocked = false;
        entry.attempts = 0;
        entry.nextAttemptAt = this.now();
        this.show(entry, STEP_STATE[entry.step], null);
        return this.view(entry)!;
      },
      'sync.enrolment': () => this.enrolment(),
      'sync.setDepartmentToken': ({ departmentId, token }) => this.setToken(departmentId, token),
    };
  }

  /** Adds the sync view to packets of the queue, as SyncService.decorate. */
  decorate<T extends { packetId: string; version: number }>(
    packets: T[],
  ): Array<T & { sync: PacketSync | null; departmentDocuments: DepartmentDocumentRef[] }> {
    return packets.map((packet) => ({
      ...packet,
      sync: this.view(this.entry(packet.packetId, packet.version)),
      departmentDocuments: this.departmentDocuments(packet.packetId, packet.version),
    }));
  }

  /** As sync/department-documents.ts lists them (the fake catalog's items are public services). */
  private departmentDocuments(packetId: string, version: number): DepartmentDocumentRef[] {
    const out: DepartmentDocumentRef[] = [];
    let accepted = false;
    for (const department of this.departments) {
      for (const change of department.feed) {
        if (change.packetId !== packetId || change.version !== version) continue;
        const kind = departmentDocumentKind(change.decision.state, accepted);
        if (change.decision.state === 'accepted') accepted = true;
        if (!kind) continue;
        out.push({
          cursor: change.cursor,
          state: change.decision.state,
          kind,
          title: departmentDocumentTitle(kind, 'publicService'),
          outcome: kind === 'grant' || kind === 'denial' ? OUTCOME_NAMES.publicService[kind] : null,
          waybill: change.decision.waybill,
        });
      }
    }
    return out;
  }

  // ── the worker ────────────────────────────────────────────────────────────

  /** One turn of the worker: every due packet not held moves one step (or one chunk). Returns how many moved. */
  pump(): number {
    if (this.paused) return 0;
    let moved = 0;
    for (const entry of this.entries) {
      if (entry.step === 'done' || entry.blocked || entry.nextAttemptAt > this.now()) continue;
      this.turn(entry);
      moved++;
    }
    return moved;
  }

  /** Pumps until nothing is due. */
  drain(limit = 1000): void {
    for (let i = 0; i < limit; i++) if (this.pump() === 0) return;
    throw new Error('fake sync did not settle');
  }

  /** The department decides on a packet version it holds; the change feed brings it to the window. */
  decide(
    packetId: string,
    version: number,
    change: {
      state: DepartmentState;
      reason?: string;
      correctionItems?: string[];
      waybill?: string;
      decidedBy?: string;
      supplyBy?: string;
    },
  ): void {
    const entry = this.entry(packetId, version);
    if (!entry) throw new Error(`packet ${packetId} v${version} never travelled`);
    const department = this.department(entry.departmentId);
    const key = `${packetId}#${version}`;
    const current = department.held.get(key);
    if (!current || !canInboxTransition(current, change.state)) {
      throw new Error(`the department cannot move ${key} from ${current ?? 'nothing'} to ${change.state}`);
    }
    department.held.set(key, change.state);
    this.record(department, entry, {
      state: change.state,
      reason: change.reason ?? null,
      correctionItems: change.correctionItems ?? [],
      waybill: change.waybill ?? null,
      decidedBy: change.decidedBy ?? null,
      supplyBy: change.supplyBy ?? null,
    });
  }

  private turn(entry: Entry): void {
    const department = this.departments.find((d) => d.id === entry.departmentId);
    if (!department) return; // held since sealing (sync.departmentUnknown)
    const token = this.tokens.get(department.id);
    if (token === undefined) {
      return this.block(entry, 'sync.tokenMissing', `no token set for ${department.id}`);
    }
    if (!department.reachable) {
      return this.retry(entry, 'sync.unreachable', `connect ECONNREFUSED (${department.endpoint})`);
    }
    if (!department.issued.has(token)) return this.block(entry, 'sync.tokenRejected', 'HTTP 401 token_invalid');
    if (entry.step === 'register') {
      department.held.set(`${entry.packetId}#${entry.version}`, 'receiving');
      entry.step = entry.files.some((f) => f.sent < f.size) ? 'upload' : 'commit';
      return this.cleared(entry);
    }
    if (entry.step === 'upload') {
      // Up to one chunk's worth of bytes this turn, file after file.
      let budget = this.chunkBytes;
      for (const file of entry.files) {
        if (budget <= 0) break;
        if (file.sent >= file.size) continue;
        if (this.damaged.has(file.sha256)) {
          return this.block(entry, 'sync.blobDamaged', `blob ${file.sha256.slice(0, 12)} does not match its hash`);
        }
        const bytes = Math.min(budget, file.size - file.sent);
        file.sent += bytes;
        budget -= bytes;
      }
      const { sent, total } = totals(entry);
      this.emit('sync.progress', {
        packetId: entry.packetId,
        version: entry.version,
        bytesSent: sent,
        bytesTotal: total,
      });
      if (sent === total) entry.step = 'commit';
      return this.cleared(entry);
    }
    // commit: the department checks the signature and every file before its receipt.
    if (department.refusesSignature) {
      return this.block(entry, 'sync.signatureRejected', 'HTTP 422 signature_invalid');
    }
    entry.step = 'done';
    entry.departmentReference = department.nextReference();
    entry.receivedAt = new Date(this.now()).toISOString();
    this.cleared(entry);
    department.held.set(`${entry.packetId}#${entry.version}`, 'delivered');
    this.record(department, entry, {
      state: 'delivered',
      reason: null,
      correctionItems: [],
      waybill: null,
      decidedBy: null,
      supplyBy: null,
    });
  }

  private cleared(entry: Entry): void {
    entry.attempts = 0;
    entry.lastError = null;
    entry.nextAttemptAt = this.now();
    this.show(entry, STEP_STATE[entry.step], null);
  }

  private retry(entry: Entry, code: ErrorCode, detail: string): void {
    entry.attempts++;
    entry.nextAttemptAt = this.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** entry.attempts);
    entry.lastError = { code, detail, params: {}, at: this.now() };
    this.show(entry, 'retry_wait', code);
  }

  private block(entry: Entry, code: ErrorCode, detail: string, params: ErrorParams = {}): void {
    entry.blocked = true;
    entry.attempts++;
    entry.lastError = { code, detail, params, at: this.now() };
    this.show(entry, 'blocked', code);
  }

  /** The change feed as applied by the window: the department's state is final. */
  private record(
    department: FakeDepartment,
    entry: Entry,
    decision: Omit<NonNullable<PacketSync['decision']>, 'at' | 'cursor'>,
  ): void {
    const cursor = department.cursor() + 1;
    department.feed.push({
      cursor,
      packetId: entry.packetId,
      version: entry.version,
      decision: { ...decision, at: new Date(this.now()).toISOString(), cursor },
    });
    const packet = this.packet(entry);
    if (packet.state === decision.state) return;
    packet.state = decision.state;
    packet.reason = decision.reason ?? (decision.correctionItems.length ? decision.correctionItems.join('；') : null);
    this.changed(entry, decision.state);
  }

  /** Moves the visible state while the packet is still on its way; never over a department's state. */
  private show(entry: Entry, state: PacketState, reason: string | null): void {
    const packet = this.packet(entry);
    if (!isSendingState(packet.state) || packet.state === state) return;
    packet.state = state;
    packet.reason = reason;
    this.changed(entry, state);
  }

  private changed(entry: Entry, state: PacketState): void {
    this.emit('packets.changed', { packets: [{ packetId: entry.packetId, version: entry.version, state }] });
  }

  private packet(entry: Entry): FakePacket {
    const packet = this.intake.packets.find((p) => p.packetId === entry.packetId && p.version === entry.version);
    if (!packet) throw new Error(`outbox entry without packet ${entry.packetId}`);
    return packet;
  }

  // ── sealing ───────────────────────────────────────────────────────────────

  private enqueue(packet: FakePacket, departmentId: string | null): void {
    // A window 补正 (or an old 不予受理) never travels.
    if (!travels(packet.outcome)) return;
    const sizes = new Map<string, number>();
    for (const file of packet.files) sizes.set(file.sha256, file.size);
    for (const document of packet.documents) {
      sizes.set(document.sha256, this.intake.blobs.get(document.sha256)?.bytes.length ?? 0);
    }
    const entry: Entry = {
      packetId: packet.packetId,
      version: packet.version,
      departmentId: departmentId ?? '',
      step: 'register',
      blocked: false,
      files: [...sizes].map(([sha256, size]) => ({ sha256, size, sent: 0 })),
      attempts: 0,
      nextAttemptAt: this.now(),
      lastError: null,
      departmentReference: null,
      receivedAt: null,
    };
    this.entries.push(entry);
    if (!this.departments.some((d) => d.id === entry.departmentId)) {
      this.block(entry, 'sync.departmentUnknown', `no department ${entry.departmentId} in the config`, {
        departmentId: entry.departmentId,
      });
    }
  }

  // ── contract ──────────────────────────────────────────────────────────────

  private view(entry: Entry | undefined): PacketSync | null {
    if (!entry) return null;
    const department = this.departments.find((d) => d.id === entry.departmentId);
    const { sent, total } = totals(entry);
    const decision = department?.feed
      .filter((c) => c.packetId === entry.packetId && c.version === entry.version)
      .at(-1);
    return {
      departmentId: entry.departmentId,
      departmentName: department?.name ?? null,
      step: entry.step,
      blocked: entry.blocked,
      bytesSent: sent,
      bytesTotal: total,
      attempts: entry.attempts,
      nextAttemptAt:
        entry.step !== 'done' && !entry.blocked && entry.nextAttemptAt > this.now() ? entry.nextAttemptAt : null,
      lastError: entry.lastError && {
        ...entry.lastError,
        params: { departmentId: entry.departmentId, ...entry.lastError.params },
      },
      departmentReference: entry.departmentReference,
      receivedAt: entry.receivedAt,
      decision: decision ? { ...decision.decision } : null,
    };
  }

  private status(): SyncStatus {
    const open = this.entries.filter((e) => e.step !== 'done');
    return {
      paused: this.paused,
      waiting: open.length,
      blocked: open.filter((e) => e.blocked).length,
      retrying: open.filter((e) => !e.blocked && e.attempts > 0 && e.nextAttemptAt > this.now()).length,
      departments: this.departments.map((department) => {
        const problem = this.problem(department);
        return {
          departmentId: department.id,
          name: department.name,
          embedded: department.embedded,
          tokenSet: this.tokens.has(department.id),
          state: problem ? (problem.code === 'sync.tokenMissing' ? 'absent' : 'error') : 'ready',
          problem,
          cursor: department.cursor(),
        };
      }),
    };
  }

  private problem(department: FakeDepartment): { code: ErrorCode; detail: string } | null {
    if (!department.embedded && !this.tokens.has(department.id)) {
      return { code: 'sync.tokenMissing', detail: `no token set for ${department.id}` };
    }
    if (!department.reachable)
      return { code: 'sync.unreachable', detail: `connect ECONNREFUSED (${department.endpoint})` };
    const token = this.tokens.get(department.id);
    if (token !== undefined && !department.issued.has(token)) {
      return { code: 'sync.tokenRejected', detail: 'HTTP 401 token_invalid' };
    }
    return null;
  }

  private enrolment(): EnrolmentInfo {
    return {
      windowId: this.windowId,
      departments: this.departments.map((department) => ({
        departmentId: department.id,
        name: department.name,
        endpoint: department.endpoint,
        embedded: department.embedded,
        scheme: department.scheme,
        publicKey: this.keys[department.scheme].publicKey,
        keyId: this.keys[department.scheme].keyId,
        tokenSet: this.tokens.has(department.id),
      })),
    };
  }

  /** As SyncService.setDepartmentToken: ask the department who the token names, store only a token for this window. */
  private setToken(departmentId: string, token: string) {
    const department = this.departments.find((d) => d.id === departmentId);
    if (!department) {
      throw new AppError('sync.departmentUnknown', `no department ${departmentId} in the config`, { departmentId });
    }
    if (department.embedded) {
      throw new AppError('sync.departmentEmbedded', `department ${departmentId} is the embedded demo inbox`);
    }
    let verified = false;
    let problem: ErrorCode | null = null;
    if (!department.reachable) {
      problem = 'sync.unreachable';
    } else {
      const named = department.issued.get(token);
      if (!named) throw new AppError('sync.tokenRejected', 'HTTP 401 from who-am-I');
      const key = this.keys[department.scheme];
      if (named.windowId !== this.windowId || named.scheme !== department.scheme || named.keyId !== key.keyId) {
        throw new AppError('sync.enrolmentMismatch', `token names window ${named.windowId}`);
      }
      verified = true;
    }
    this.tokens.set(departmentId, token);
    for (const entry of this.entries) {
      if (entry.departmentId !== departmentId || !entry.blocked || entry.step === 'done') continue;
      if (!TOKEN_CODES.includes(entry.lastError?.code ?? '')) continue;
      entry.blocked = false;
      entry.attempts = 0;
      entry.nextAttemptAt = this.now();
      this.show(entry, STEP_STATE[entry.step], null);
    }
    return { departmentId, tokenSet: true as const, verified, problem };
  }
}

function totals(entry: Entry): { sent: number; total: number } {
  let sent = 0;
  let total = 0;
  for (const file of entry.files) {
    sent += file.sent;
    total += file.size;
  }
  return { sent, total };
}

function keyIdOf(publicKeyHex: string): string {
  return createHash('sha256').update(Buffer.from(publicKeyHex, 'hex')).digest('hex');
}

/** A real Ed25519 key of this window: raw 32-byte public key in hex. */
function ed25519Key(): WindowKey {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  return { publicKey: raw, keyId: keyIdOf(raw) };
}

/** A real SM2 key: the uncompressed point 04‖x‖y in hex. */
function sm2Key(): WindowKey {
  const { publicKey } = smCrypto.sm2.generateKeyPairHex();
  return { publicKey, keyId: keyIdOf(publicKey) };
}

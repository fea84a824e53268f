// Real parts for sync tests: a real department inbox on 127.0.0.1, a real hall core
// (encrypted SQLite, blobs, intake, notices) configured to send to it, the real
// contract for clerk and installer, and timers the test moves by hand so retries and
// backoff run deterministically while HTTP runs for real.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, expect } from 'vitest';
import { createInbox, type Inbox, type InboxOptions } from '../../../dept-inbox/src/server.ts';
import { enrolWindow } from '../../../dept-inbox/src/admin.ts';
import type { PacketSync, QueuedPacket, SealedPacket, DraftView } from '../../../src-main/api/contract/index.ts';
import type { EventMessage } from '../../../src-main/api/wire.ts';
import { bootHallCore, type HallCore } from '../../../src-main/core/hall-core.ts';
import { createStreamLogger } from '../../../src-main/core/log.ts';
import { KeyFileProvider } from '../../../src-main/host/key-file.ts';
import { BlobStore } from '../../../src-main/store/blob-store.ts';
import { openDatabase, type Database } from '../../../src-main/store/database.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import type { Timers } from '../../../src-main/sync/backoff.ts';
import type { SyncHooks } from '../../../src-main/sync/outbox-worker.ts';
import type { SignatureScheme } from '../../../src-main/common/sync-protocol.ts';
import type { SyncOptions } from '../../../src-main/sync/sync-options.ts';
import { LogCapture, TestClock, tempDir } from '../helpers.ts';
import { writeHallConfig } from './process-harness.ts';
import { client, completeSocialCardPatch, pngBytes, SOCIAL_CARD, STRONG } from '../intake/fixtures.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';

export { tempDir, TestClock };

/** setTimeout on the test's clock: nothing fires until the test advances time (0 ms fires at once). */
export class ManualTimers implements Timers {
  private seq = 0;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  constructor(private readonly clock: TestClock) {}

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.clock.now() + Math.max(0, ms), callback });
    if (ms <= 0) setImmediate(() => this.fire(id));
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves the clock and runs every timer that became due, earliest first. */
  advance(ms: number): void {
    this.clock.advance(ms);
    const due = [...this.pending.entries()]
      .filter(([, timer]) => timer.at <= this.clock.now())
      .sort((a, b) => a[1].at - b[1].at);
    for (const [id] of due) this.fire(id);
  }

  /** Earliest pending timer, ms from now. */
  nextIn(): number | undefined {
    const ats = [...this.pending.values()].map((t) => t.at);
    return ats.length ? Math.min(...ats) - this.clock.now() : undefined;
  }

  private fire(id: number): void {
    const timer = this.pending.get(id);
    if (!timer) return;
    this.pending.delete(id);
    timer.callback();
  }
}

/** Waits (real time, short steps) until `check` passes; fails with its last error after `ms`. */
export async function until<T>(
  check: () => T | Promise<T>,
  ms = 15_000,
  what = 'condition',
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== false && value !== undefined && value !== null)
        return value as Exclude<T, undefined | null | false>;
      last = new Error(`${what} not met`);
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw last;
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

export async function startInbox(options: Partial<InboxOptions> = {}): Promise<Inbox> {
  const inbox = await createInbox({ dataDir: tempDir('tongban-inbox-'), logger: false, ...options });
  cleanups.push(() => inbox.close());
  return inbox;
}

/**
 * An inbox that windows reach through `front` (a proxy or link on 127.0.0.1), as behind a
 * department's reverse proxy: the front's URL is the inbox's public URL, so upload URLs name it.
 */
export async function inboxBehind<F extends { url: string }>(
  front: (target: () => string) => Promise<F>,
  options: Partial<InboxOptions> = {},
): Promise<[Inbox, F]> {
  const behind: { inbox?: Inbox } = {};
  const door = await front(() => {
    if (!behind.inbox) throw new Error('the inbox behind this front has not started yet');
    return behind.inbox.url;
  });
  const inbox = await startInbox({ ...options, publicUrl: door.url });
  behind.inbox = inbox;
  return [inbox, door];
}

export interface HallOptions {
  /** Department endpoint: a URL, or 'embedded'; undefined = demo profile (no config.json). */
  endpoint?: string;
  scheme?: SignatureScheme;
  hooks?: SyncHooks;
  sync?: Partial<SyncOptions>;
}

/** A hall core on a data directory; restart() boots it again on the same directory, as after a crash. */
export class Hall {
  core!: HallCore;
  timers!: ManualTimers;
  log!: LogCapture;
  readonly events: EventMessage[] = [];
  clerk!: ReturnType<typeof client>;
  installer!: ReturnType<typeof client>;
  bytesRead = 0;
  readonly hooks: { at?: SyncHooks['at'] } = {};

  private constructor(
    readonly dataDir: string,
    readonly clock: TestClock,
    private readonly options: HallOptions,
  ) {}

  static async open(options: HallOptions = {}, dataDir = tempDir()): Promise<Hall> {
    if (options.endpoint !== undefined) writeHallConfig(dataDir, options.endpoint, options.scheme);
    const hall = new Hall(dataDir, new TestClock(), options);
    await hall.boot();
    return hall;
  }

  async boot(): Promise<void> {
    this.timers = new ManualTimers(this.clock);
    this.log = new LogCapture();
    this.core = await bootHallCore({
      dataDir: this.dataDir,
      clock: this.clock,
      logger: createStreamLogger(this.log, 'debug'),
      platform: { host: 'browser', keys: new KeyFileProvider(join(this.dataDir, 'keys')) },
      sync: {
        timers: this.timers,
        random: () => 0.5,
        chunkBytes: 64 * 1024,
        bulkThresholdBytes: 512 * 1024,
        requestTimeoutMs: 2000,
        stallMs: 5000,
        pollWaitSeconds: 2,
        hooks: { at: (point, info) => this.hooks.at?.(point, info) },
        onBytesRead: (bytes) => (this.bytesRead += bytes),
        ...this.options.sync,
      },
    });
    const core = this.core;
    let closed: Promise<void> | undefined;
    const close = core.close.bind(core);
    core.close = () => (closed ??= close());
    cleanups.push(() => core.close());
    await this.core.sync.started();
    const admin = client(this.core.openConnection(() => undefined));
    const setup = await admin.raw('auth.setupState');
    if ((setup as { value: { needsFirstInstaller: boolean } }).value.needsFirstInstaller) {
      await admin.call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
      await admin.call('users.create', { username: 'clerk01', displayName: '张窗口', role: 'clerk', password: STRONG });
    } else {
      await admin.call('auth.login', { username: 'admin', password: STRONG });
    }
    this.installer = admin;
    this.clerk = client(this.core.openConnection((event) => this.events.push(event)));
    await this.clerk.call('auth.login', { username: 'clerk01', password: STRONG });
  }

  /** Closes the core as a crash would leave it (nothing more is written), then boots again. */
  async restart(): Promise<void> {
    await this.core.close();
    await this.boot();
  }

  async close(): Promise<void> {
    await this.core.close();
  }

  /** Installer's enrolment: the window's key goes to the inbox, the token comes back. */
  async enrolAt(inbox: Pick<Inbox, 'db'>): Promise<{ token: string; publicKey: string }> {
    const info = await this.installer.call<{
      windowId: string;
      departments: Array<{ scheme: SignatureScheme; publicKey: string }>;
    }>('sync.enrolment');
    const department = info.departments[0]!;
    const { token } = await enrolWindow(inbox.db, {
      windowId: info.windowId,
      scheme: department.scheme,
      publicKey: department.publicKey,
    });
    const answer = await this.installer.call<{ verified: boolean }>('sync.setDepartmentToken', {
      departmentId: 'demo-dept',
      token,
    });
    expect(answer.verified).toBe(true);
    return { token, publicKey: department.publicKey };
  }

  /** A complete 社会保障卡申领 sealed as 受理; extra bytes make files bigger (and unique). */
  async sealReceived(options: { idCardExtra?: number; photoExtra?: number } = {}): Promise<SealedPacket> {
    const draft = await this.clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    await this.clerk.call('drafts.save', { id: draft.id, patch: completeSocialCardPatch() });
    await addFileBytes(this.clerk.call, {
      id: draft.id,
      materialId: 'applicant-id-card',
      name: '身份证.png',
      bytes: uniquePng(options.idCardExtra ?? 2000),
    });
    await addFileBytes(this.clerk.call, {
      id: draft.id,
      materialId: 'photo',
      name: '照片.png',
      bytes: uniquePng(options.photoExtra ?? 1000),
    });
    const sealed = await this.clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
    expect(sealed).toMatchObject({ outcome: 'receive', state: 'sealed' });
    return sealed;
  }

  async packet(packetId: string, version = 1): Promise<QueuedPacket & { sync: PacketSync | null }> {
    const { packets } = await this.clerk.call<{ packets: Array<QueuedPacket & { sync: PacketSync | null }> }>(
      'packets.list',
      // The newest 200: more than any of these tests seals.
      { scope: 'all', limit: 200 },
    );
    const found = packets.find((p) => p.packetId === packetId && p.version === version);
    if (!found) throw new Error(`packet ${packetId} v${version} not in the queue`);
    return found;
  }

  /** Waits until the packet reaches `state` (worker and feed run for real; timers stand still unless moved). */
  async reach(
    packetId: string,
    state: string,
    version = 1,
    ms = 15_000,
  ): Promise<QueuedPacket & { sync: PacketSync | null }> {
    return until(
      async () => {
        const packet = await this.packet(packetId, version);
        return packet.state === state ? packet : undefined;
      },
      ms,
      `packet ${packetId.slice(-6)} v${version} ${state}`,
    );
  }

  /** Where the core keeps a blob's (encrypted, key-named) file. */
  blobFile(sha256: string): string {
    const key = deriveStoreKeys(readFileSync(join(this.dataDir, 'keys', 'master.key'))).blobKey;
    return new BlobStore(join(this.dataDir, 'blobs'), key).filePath(sha256);
  }

  /** A second connection to the encrypted database (read what the core wrote). */
  openDb(): Database {
    const key = deriveStoreKeys(readFileSync(join(this.dataDir, 'keys', 'master.key'))).databaseKey;
    const db = openDatabase({ file: join(this.dataDir, 'db', 'tongban.db'), key, backupDir: tempDir() });
    cleanups.push(() => db.close());
    return db;
  }

  transitions(packetId: string, version = 1): string[] {
    const db = this.openDb();
    const rows = db
      .prepare<[string, number], { to_state: string }>(
        'SELECT to_state FROM packet_transitions WHERE packet_id = ? AND version = ? ORDER BY id',
      )
      .all(packetId, version)
      .map((row) => row.to_state);
    db.close();
    return rows;
  }
}

export function uniquePng(extra: number): Uint8Array {
  return Buffer.concat([Buffer.from(pngBytes(8, 8, 120)), randomBytes(extra)]);
}

/** What the department holds of a packet version: every file present, bytes hashing to their names. */
export async function departmentCopy(inbox: Inbox, packetId: string, version = 1) {
  const row = await inbox.db.packet(packetId, version);
  if (!row) return undefined;
  const files = await inbox.db.packetFiles(packetId, version);
  const digests = await Promise.all(
    files.map(async (file) => {
      const stored = await inbox.db.file(file.sha256);
      return stored
        ? { listed: file.sha256, ...(await inbox.storage.digest(stored.path)) }
        : { listed: file.sha256, sha256: '', size: -1 };
    }),
  );
  return { row, files, digests };
}

export { cleanups };

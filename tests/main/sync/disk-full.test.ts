// Disk full during sync, for real: small tmpfs mounts under the department inbox's data
// directory and under the hall's, filled mid-upload or while a decision comes back.
// After each: nothing lost, nothing twice at the department, the same bytes on both
// sides once space is back. Needs root (or CAP_SYS_ADMIN) to mount; where mounting is
// not allowed the suite is skipped and says why.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Inbox } from '../../../dept-inbox/src/server.ts';
import { createFileLogger } from '../../../src-main/core/log.ts';
import type { SyncPoint } from '../../../src-main/sync/outbox-worker.ts';
import { errorMessage } from '../../../src-main/common/i18n/index.ts';
import { cleanups, departmentCopy, Hall, startInbox, until } from './helpers.ts';

const mounts = {
  department: mkdtempSync(join(tmpdir(), 'tongban-dept-tmpfs-')),
  hall: mkdtempSync(join(tmpdir(), 'tongban-hall-tmpfs-')),
  logs: mkdtempSync(join(tmpdir(), 'tongban-logs-tmpfs-')),
};
const mountError = mount(mounts.department, '4m') ?? mount(mounts.hall, '64m') ?? mount(mounts.logs, '1m');
if (mountError) console.warn(`sync disk-full tests skipped: cannot mount a tmpfs (${mountError})`);

function mount(dir: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

/** Grows or shrinks a mounted tmpfs in place (its files stay). */
function resize(dir: string, size: string): void {
  execFileSync('mount', ['-o', `remount,size=${size}`, dir], { stdio: 'pipe' });
}

afterAll(() => {
  for (const [name, dir] of Object.entries(mounts)) {
    // The log writer thread that died of ENOSPC leaves its file open (a thread's file
    // descriptors belong to the process): that mount is detached now, freed at exit.
    // Every other mount must be free, so a core left open fails here.
    if (!mountError) execFileSync('umount', name === 'logs' ? ['-l', dir] : [dir], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A fresh directory on the mount, emptied (with any filler) after the test's cores and inboxes are closed. */
function onMount(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  // Cleanups run last-in first-out: this one after whatever the test opens on the mount.
  cleanups.push(() => {
    for (const entry of readdirSync(root)) rmSync(join(root, entry), { recursive: true, force: true });
  });
  return dir;
}

/** Writes a file until the disk refuses; returns its path. */
function fillDisk(file: string): string {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  // The last pages a partial block could not take.
  const small = openSync(file, 'a');
  try {
    for (;;) writeSync(small, Buffer.alloc(512, 1));
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(small);
  }
  return file;
}

function uploadsOf(inbox: Inbox, packetId: string): Array<{ sha256: string; state: string }> {
  return inbox.db.sqlite
    .prepare('SELECT sha256, state FROM uploads WHERE packet_id = ? ORDER BY created_at')
    .all(packetId) as Array<{ sha256: string; state: string }>;
}

async function expectDeliveredOnce(inbox: Inbox, packetId: string, manifestHash: string): Promise<void> {
  const copy = await departmentCopy(inbox, packetId);
  expect(copy?.row.state).toBe('delivered');
  expect(copy?.row.manifest_hash).toBe(manifestHash);
  expect(copy!.digests.length).toBeGreaterThanOrEqual(3); // two scans and the 收件凭证
  for (const digest of copy!.digests) expect(digest.sha256).toBe(digest.listed);
  expect(inbox.db.sqlite.prepare('SELECT count(*) AS n FROM packets WHERE packet_id = ?').get(packetId)).toEqual({
    n: 1,
  });
  // Delivered once: a repeated commit replays the receipt and appends no second change.
  expect(inbox.db.sqlite.prepare('SELECT state FROM changes WHERE packet_id = ?').all(packetId)).toEqual([
    { state: 'delivered' },
  ]);
}

/** Moves the window's clock to its next timer until `check` passes (retries and polls run for real). */
async function untilAdvancing<T>(hall: Hall, check: () => T | Promise<T>, what: string) {
  return until(
    async () => {
      const value = await check();
      if (!value) hall.timers.advance(Math.max(0, hall.timers.nextIn() ?? 0));
      return value;
    },
    15_000,
    what,
  );
}

/** The window's own record: one outbox row, done, and each visible state reached once. */
function expectWindowRecord(hall: Hall, packetId: string): void {
  const db = hall.openDb();
  const rows = db
    .prepare<[string], { step: string; blocked: number }>(
      'SELECT step, blocked FROM outbox_packets WHERE packet_id = ?',
    )
    .all(packetId);
  db.close();
  expect(rows).toEqual([{ step: 'done', blocked: 0 }]);
  const states = hall.transitions(packetId);
  expect(states[0]).toBe('sealed');
  expect(states.filter((s) => s === 'delivered')).toEqual(['delivered']);
  expect(states.at(-1)).toBe('delivered');
  expect(states).not.toContain('blocked');
}

describe.skipIf(mountError !== undefined)('sync: the department’s disk fills (tmpfs)', () => {
  it('mid-upload: 503 storage.full with Retry-After, the window keeps the packet and says why, then resumes and delivers once', async () => {
    resize(mounts.department, '4m');
    const inbox = await startInbox({ dataDir: onMount(mounts.department, 'inbox') });
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);

    // A 6 MiB scan for a 4 MiB disk: the department runs out part-way through it.
    const sealed = await hall.sealReceived({ idCardExtra: 6 * 1024 * 1024 });
    const waiting = await hall.reach(sealed.packetId, 'retry_wait');
    const firstAt = hall.clock.now(); // the clock stands still until the test moves it
    expect(waiting.sync).toMatchObject({
      step: 'upload',
      blocked: false,
      attempts: 1,
      lastError: { code: 'sync.departmentStorageFull' },
    });
    expect(waiting.sync!.lastError!.detail).toMatch(/503 storage\.full/);
    expect(waiting.sync!.nextAttemptAt).toBe(firstAt + 60_000); // the department's Retry-After, not the backoff
    expect(waiting.sync!.bytesSent).toBeGreaterThan(1024 * 1024); // what landed is kept …
    expect(waiting.sync!.bytesSent).toBeLessThan(waiting.sync!.bytesTotal); // … the rest waits
    // What the clerk reads: the department's storage is full, nothing is lost, who can fix it.
    const shown = errorMessage(waiting.sync!.lastError!.code, {
      ...waiting.sync!.lastError!.params,
      departmentId: waiting.sync!.departmentName!,
    });
    expect(shown).toContain('成都市人社局');
    expect(shown).toContain('存储空间已满');
    expect((await inbox.db.packet(sealed.packetId, 1))?.state).toBe('receiving');

    // Not a moment before Retry-After.
    await hall.core.sync.idle();
    hall.timers.advance(59_999);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await hall.packet(sealed.packetId)).sync).toMatchObject({ attempts: 1, nextAttemptAt: firstAt + 60_000 });

    // Still full at the next try: the same answer, the next wait.
    hall.timers.advance(1);
    const again = await until(async () => {
      const p = await hall.packet(sealed.packetId);
      return p.state === 'retry_wait' && p.sync?.attempts === 2 ? p : undefined;
    });
    expect(again.sync?.lastError?.code).toBe('sync.departmentStorageFull');
    expect(again.sync!.nextAttemptAt).toBe(hall.clock.now() + 60_000);

    // The department frees space (a bigger disk); the upload resumes where it stopped.
    resize(mounts.department, '32m');
    await hall.core.sync.idle();
    hall.timers.advance(60_000);
    const delivered = await hall.reach(sealed.packetId, 'delivered');
    expect(delivered.sync).toMatchObject({ attempts: 0, lastError: null });
    await expectDeliveredOnce(inbox, sealed.packetId, sealed.manifestHash);
    // One upload per file: the cut one was resumed, not started again.
    const uploads = uploadsOf(inbox, sealed.packetId);
    expect(new Set(uploads.map((u) => u.sha256)).size).toBe(uploads.length);
    expect(hall.transitions(sealed.packetId)).toEqual([
      'sealed',
      'uploading',
      'retry_wait',
      'uploading',
      'retry_wait',
      'uploading',
      'submitted',
      'delivered',
    ]);
  });
});

describe.skipIf(mountError !== undefined)('sync: the window’s disk fills (tmpfs)', () => {
  // Where the disk fills, and the visible state the last recording that fitted left.
  const points: Array<[SyncPoint, string]> = [
    ['put.answered', 'sealed'],
    ['upload.urlStored', 'uploading'],
    ['upload.chunk', 'uploading'],
    ['upload.finished', 'uploading'],
    ['commit.answered', 'submitted'],
  ];
  it.each(points)(
    'filled at %s: no crash, the rows stay as they were (%s); after space is freed the packet is delivered once',
    async (point, stateBefore) => {
      const inbox = await startInbox();
      // No long poll of the change feed: its `delivered` may reach the window before the
      // commit's answer, and the point under test is the window's own recording of that answer.
      const hall = await Hall.open({ endpoint: inbox.url, sync: { pollWaitSeconds: 0 } }, onMount(mounts.hall, 'hall'));
      await hall.enrolAt(inbox);
      const filler = join(mounts.hall, 'filler');
      let filled = false;
      hall.hooks.at = (at, info) => {
        if (at !== point || filled) return;
        if (at === 'upload.chunk' && info.bytes !== 64 * 1024) return; // mid-file, not a file's last chunk
        filled = true;
        fillDisk(filler);
      };
      const sealed = await hall.sealReceived({ idCardExtra: 2 * 1024 * 1024 });
      // The next recording of the worker finds the disk full.
      await until(() => hall.log.text.includes('SQLITE_FULL'), 15_000, 'a write refused with SQLITE_FULL');
      await hall.core.sync.idle();
      expect(hall.core.sync.halted).toBe(false);
      // The core still serves the clerk, and the packet is where its last recording left it.
      // The failure could not be recorded either: the row says what it said before.
      const held = await hall.packet(sealed.packetId);
      expect(held.state).toBe(stateBefore);
      expect(held.sync?.lastError).toBeNull();
      expect(
        inbox.db.sqlite.prepare('SELECT count(*) AS n FROM packets WHERE packet_id = ?').get(sealed.packetId),
      ).toEqual({ n: 1 });

      rmSync(filler);
      // The lanes cool off after a local failure and a lease that could not be released runs out (60 s).
      await hall.core.sync.idle();
      hall.timers.advance(61_000);
      await hall.reach(sealed.packetId, 'delivered');
      await expectDeliveredOnce(inbox, sealed.packetId, sealed.manifestHash);
      expectWindowRecord(hall, sealed.packetId);
    },
  );

  it('a restart on the still-full disk changes nothing; freed and restarted on the same directory, the upload resumes and delivers once', async () => {
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url }, onMount(mounts.hall, 'hall'));
    await hall.enrolAt(inbox);
    const filler = join(mounts.hall, 'filler');
    let filled = false;
    hall.hooks.at = (at, info) => {
      if (at === 'upload.chunk' && info.bytes === 64 * 1024 && !filled) {
        filled = true;
        fillDisk(filler);
      }
    };
    const sealed = await hall.sealReceived({ idCardExtra: 2 * 1024 * 1024 });
    await until(() => hall.log.text.includes('SQLITE_FULL'), 15_000, 'a write refused with SQLITE_FULL');
    await hall.core.sync.idle();
    const db = hall.openDb();
    const stored = db
      .prepare<[string], { upload_url: string | null; bytes_sent: number }>(
        "SELECT upload_url, bytes_sent FROM outbox_files WHERE packet_id = ? AND state = 'uploading' AND size > 1000000",
      )
      .get(sealed.packetId);
    db.close();
    expect(stored?.upload_url).toMatch(/\/v1\/files\/.+/);
    expect(stored?.bytes_sent).toBe(64 * 1024);

    // Closing on a full disk closes the database (only the stop goes unrecorded) …
    await hall.close();
    // … and starting on it fails before sync runs, changing nothing, with the message an installer acts on.
    await expect(hall.boot()).rejects.toMatchObject({ code: 'store.diskFull' });

    rmSync(filler);
    await hall.boot();
    await hall.reach(sealed.packetId, 'delivered');
    await expectDeliveredOnce(inbox, sealed.packetId, sealed.manifestHash);
    expectWindowRecord(hall, sealed.packetId);
    // The scan's upload was resumed from the stored URL, not started again.
    const scan = inbox.db.sqlite
      .prepare('SELECT upload_id, state FROM uploads WHERE packet_id = ? AND size > 1000000')
      .all(sealed.packetId) as Array<{ upload_id: string; state: string }>;
    expect(scan).toEqual([{ upload_id: expect.any(String), state: 'complete' }]);
    expect(stored!.upload_url).toContain(scan[0]!.upload_id);
  });

  it('a decision that arrives while the disk is full is applied once, after space is freed', async () => {
    const { decide } = await import('../../../dept-inbox/src/admin.ts');
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url }, onMount(mounts.hall, 'hall'));
    await hall.enrolAt(inbox);
    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');
    let answered = 0;
    hall.hooks.at = (at, info) => {
      if (at === 'changes.answered' && info.changes) answered += 1;
    };
    const failures = () => hall.log.lines.filter((l) => l.includes('change feed failed') && l.includes('SQLITE_FULL'));

    const filler = fillDisk(join(mounts.hall, 'filler'));
    await decide(inbox.db, { packetId: sealed.packetId, decision: { kind: 'accept' }, decidedBy: '王审批' });
    // The feed reads the decision but cannot store it (nor its cursor); it backs off.
    await untilAdvancing(hall, () => answered > 0, 'the decision read by the feed');
    expect(failures().length).toBeGreaterThan(0);
    expect((await hall.packet(sealed.packetId)).state).toBe('delivered');
    const { entries } = await hall.clerk.call<{ entries: Array<{ id: string; state: string; detail?: string }> }>(
      'health.snapshot',
    );
    expect(entries.find((e) => e.id === 'sync')).toMatchObject({
      state: 'error',
      reason: 'diskFull',
      detail: expect.stringMatching(/SQLITE_FULL/),
    });

    rmSync(filler);
    const accepted = await untilAdvancing(
      hall,
      async () => {
        const p = await hall.packet(sealed.packetId);
        return p.state === 'accepted' ? p : undefined;
      },
      'the decision applied',
    );
    expect(accepted.sync?.decision).toMatchObject({ state: 'accepted', decidedBy: '王审批' });
    const db = hall.openDb();
    expect(db.prepare('SELECT state FROM sync_changes ORDER BY cursor').all()).toEqual([
      { state: 'delivered' },
      { state: 'accepted' },
    ]);
    db.close();
    expect(hall.transitions(sealed.packetId).filter((s) => s === 'accepted')).toEqual(['accepted']);
  });

  it('the file logger survives a full disk instead of ending the process', async () => {
    const dir = onMount(mounts.logs, 'logs');
    const stderr = vi.spyOn(process.stderr, 'write');
    cleanups.push(() => stderr.mockRestore());
    const logger = createFileLogger({ dir, keepFiles: 5 });
    const written = () =>
      readdirSync(dir)
        .map((name) => readFileSync(join(dir, name), 'utf8'))
        .join('');
    logger.info('before the disk filled');
    await until(() => written().includes('before the disk filled'));
    fillDisk(join(mounts.logs, 'filler'));
    for (let i = 0; i < 500; i++) logger.warn({ i }, 'outbox: step failed; will retry');
    // Unhandled, the writer thread's ENOSPC would surface here as an uncaught error.
    await until(() => stderr.mock.calls.some(([text]) => String(text).includes('file logging stopped')));
    const flushed = await new Promise<Error | undefined>((resolve) => logger.flush((error) => resolve(error)));
    expect(flushed?.message).toMatch(/exited/);
    expect(written()).toContain('before the disk filled'); // what was written stays
  });
});

// Disk full during sync, for real: a small tmpfs under the department inbox's data
// directory, filled mid-upload. After it: nothing lost, nothing twice at the
// department, the same bytes on both sides once space is back. Needs root (or CAP_SYS_ADMIN) to mount; where mounting is
// not allowed the suite is skipped and says why.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Inbox } from '../../../dept-inbox/src/server.ts';
import { errorMessage } from '../../../src-renderer/i18n/index.ts';
import { cleanups, departmentCopy, Hall, startInbox, until } from './helpers.ts';

const mounts = {
  department: mkdtempSync(join(tmpdir(), 'tongban-dept-tmpfs-')),
};
const mountError = mount(mounts.department, '4m');
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
  for (const dir of Object.values(mounts)) {
    // The mount must be free: an inbox left open fails here.
    if (!mountError) execFileSync('umount', [dir], { stdio: 'pipe' });
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

function uploadsOf(inbox: Inbox, packetId: string): Array<{ sha256: string; state: string }> {
  return inbox.db.sqlite
    .prepare('SELECT sha256, state FROM uploads WHERE packet_id = ? ORDER BY created_at')
    .all(packetId) as Array<{ sha256: string; state: string }>;
}

async function expectDeliveredOnce(inbox: Inbox, packetId: string, manifestHash: string): Promise<void> {
  const copy = await departmentCopy(inbox, packetId);
  expect(copy?.row.state).toBe('delivered');
  expect(copy?.row.manifest_hash).toBe(manifestHash);
  expect(copy!.digests.length).toBeGreaterThanOrEqual(4);
  for (const digest of copy!.digests) expect(digest.sha256).toBe(digest.listed);
  expect(inbox.db.sqlite.prepare('SELECT count(*) AS n FROM packets WHERE packet_id = ?').get(packetId)).toEqual({
    n: 1,
  });
  // Delivered once: a repeated commit replays the receipt and appends no second change.
  expect(inbox.db.sqlite.prepare('SELECT state FROM changes WHERE packet_id = ?').all(packetId)).toEqual([
    { state: 'delivered' },
  ]);
}

describe.skipIf(mountError !== undefined)('sync: the department’s disk fills (tmpfs)', () => {
  it('mid-upload: 503 storage.full with Retry-After, the window keeps the packet and says why, then resumes and delivers once', async () => {
    resize(mounts.department, '4m');
    const inbox = await startInbox({ dataDir: onMount(mounts.department, 'inbox') });
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);

    // A 6 MiB scan for a 4 MiB disk: the department runs out part-way through it.
    const sealed = await hall.sealAccepted({ idCardExtra: 6 * 1024 * 1024 });
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
    expect(inbox.db.packet(sealed.packetId, 1)?.state).toBe('receiving');

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

// Disk full, for real: a 1 MiB tmpfs (room for a fresh database, not for much more). Needs root (or CAP_SYS_ADMIN) to mount; where
// mounting is not allowed the suite is skipped and says why.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/common/errors.ts';
import { BlobStore } from '../../../src-main/store/blob-store.ts';
import { mapStoreError, openDatabase } from '../../../src-main/store/database.ts';
import { asyncAppErrorOf, expectCode, newKey } from './helpers.ts';

const mountPoint = mkdtempSync(join(tmpdir(), 'tongban-tmpfs-'));
const mountError = tryMount(mountPoint);
if (mountError) console.warn(`disk-full tests skipped: cannot mount a tmpfs (${mountError})`);

function tryMount(dir: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

afterAll(() => {
  if (!mountError) execFileSync('umount', [mountPoint], { stdio: 'pipe' });
  rmSync(mountPoint, { recursive: true, force: true });
});

afterEach(() => {
  // Free the small disk for the next test.
  for (const name of readdirSync(mountPoint)) rmSync(join(mountPoint, name), { recursive: true, force: true });
});

/** Writes a file until the disk refuses; returns its path. */
function fillDisk(file: string): string {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return file;
}

function storedFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe.skipIf(mountError !== undefined)('disk full (tmpfs of 1 MiB)', () => {
  it('put of a buffer larger than the disk fails with store.diskFull and leaves no partial blob', async () => {
    const root = join(mountPoint, 'blobs');
    const store = new BlobStore(root, newKey());
    const error = await asyncAppErrorOf(() => store.put(randomBytes(2 * 1024 * 1024)));
    expectCode(error, 'store.diskFull');
    expect(storedFiles(root)).toEqual([]);
    expect([...store.listFileNames()]).toEqual([]);
    // The space came back: a small blob still fits.
    const small = randomBytes(1000);
    const { sha256 } = await store.put(small);
    expect((await store.read(sha256)).equals(small)).toBe(true);
  });

  it('put of a stream fails with store.diskFull, stops reading it and leaves no partial blob', async () => {
    const root = join(mountPoint, 'blobs');
    const store = new BlobStore(root, newKey());
    let produced = 0;
    async function* camera(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 64; i++) {
        produced++;
        yield randomBytes(64 * 1024);
      }
    }
    expectCode(await asyncAppErrorOf(() => store.put(camera())), 'store.diskFull');
    expect(produced).toBeLessThan(64);
    expect(storedFiles(root)).toEqual([]);
  });

  it('a database write on a full disk maps to store.diskFull and the database survives', () => {
    const dir = join(mountPoint, 'db');
    mkdirSync(dir);
    const file = join(dir, 'tongban.db');
    const key = newKey();
    const db = openDatabase({ file, key, backupDir: join(dir, 'backups') });
    const insert = db.prepare('INSERT INTO blobs (sha256, size, created_at) VALUES (?, ?, ?)');
    insert.run('a'.repeat(64), 1, 1);
    const filler = fillDisk(join(mountPoint, 'filler'));

    let caught: unknown;
    try {
      db.transaction(() => {
        for (let i = 0; i < 2000; i++) insert.run(randomBytes(32).toString('hex'), i, i);
      })();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeDefined();
    const mapped = mapStoreError(caught);
    expect(mapped).toBeInstanceOf(AppError);
    expect((mapped as AppError).code).toBe('store.diskFull');

    rmSync(filler);
    insert.run('b'.repeat(64), 2, 2);
    db.close();
    const again = openDatabase({ file, key, backupDir: join(dir, 'backups') });
    try {
      expect(again.prepare('SELECT sha256 FROM blobs ORDER BY sha256').pluck().all()).toEqual([
        'a'.repeat(64),
        'b'.repeat(64),
      ]);
    } finally {
      again.close();
    }
    expect(existsSync(file)).toBe(true);
  });
});

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobStore } from '../../../src-main/store/blob-store.ts';
import { type Database, openDatabase } from '../../../src-main/store/database.ts';
import { checkBlobIntegrity } from '../../../src-main/store/integrity.ts';
import { newKey, sha256, tempDir } from './helpers.ts';

function addRow(db: Database, id: string, size: number): void {
  db.prepare('INSERT INTO blobs (sha256, size, created_at) VALUES (?, ?, ?)').run(id, size, 1);
}

async function scenario() {
  const dir = tempDir();
  const db = openDatabase({ file: join(dir, 'tongban.db'), key: newKey(), backupDir: join(dir, 'backups') });
  const root = join(dir, 'blobs');
  const blobs = new BlobStore(root, newKey());
  const ok = await blobs.put(randomBytes(1000)); // row and file
  const damaged = await blobs.put(randomBytes(70_000)); // row, file of the wrong size
  const orphan = await blobs.put(randomBytes(500)); // file, no row
  const gone = sha256(Buffer.from('row without a file'));
  addRow(db, ok.sha256, ok.size);
  addRow(db, damaged.sha256, damaged.size);
  addRow(db, gone, 42);
  truncateSync(blobs.filePath(damaged.sha256), 1000);
  writeFileSync(join(root, 'tmp', 'interrupted.part'), randomBytes(64));
  return { db, root, blobs, ok, damaged, orphan, gone };
}

describe('checkBlobIntegrity', () => {
  it('reports without repairing: nothing moves, nothing is deleted but temp leftovers', async () => {
    const { db, root, blobs, ok, damaged, orphan, gone } = await scenario();
    try {
      const report = checkBlobIntegrity(db, blobs, { repair: false });
      expect(report).toEqual({
        missing: [damaged.sha256, gone].sort(),
        orphaned: [blobs.fileNameOf(orphan.sha256)],
        tempRemoved: 1,
      });
      expect(blobs.has(orphan.sha256)).toBe(true);
      expect(blobs.has(damaged.sha256)).toBe(true);
      expect(blobs.has(ok.sha256)).toBe(true);
      expect(readdirSync(join(root, 'tmp'))).toEqual([]);
      expect(db.prepare('SELECT count(*) FROM blobs').pluck().get()).toBe(3);
    } finally {
      db.close();
    }
  });

  it('repairs by quarantining orphans, and never deletes rows or files', async () => {
    const { db, root, blobs, ok, damaged, orphan, gone } = await scenario();
    try {
      const report = checkBlobIntegrity(db, blobs, { repair: true });
      expect(report).toEqual({
        missing: [damaged.sha256, gone].sort(),
        orphaned: [blobs.fileNameOf(orphan.sha256)],
        tempRemoved: 1,
      });
      expect(blobs.has(orphan.sha256)).toBe(false);
      expect(existsSync(join(root, 'orphaned', blobs.fileNameOf(orphan.sha256)))).toBe(true);
      // The damaged file has a row: it is reported, left in place for a person to look at.
      expect(blobs.has(damaged.sha256)).toBe(true);
      expect(blobs.has(ok.sha256)).toBe(true);
      expect(db.prepare('SELECT sha256 FROM blobs ORDER BY sha256').pluck().all()).toEqual(
        [ok.sha256, damaged.sha256, gone].sort(),
      );

      // A second run finds nothing new to move.
      expect(checkBlobIntegrity(db, blobs, { repair: true })).toEqual({
        missing: [damaged.sha256, gone].sort(),
        orphaned: [],
        tempRemoved: 0,
      });
    } finally {
      db.close();
    }
  });

  it('restores a quarantined blob once the database knows it again', async () => {
    const { db, blobs, orphan } = await scenario();
    try {
      checkBlobIntegrity(db, blobs, { repair: true });
      addRow(db, orphan.sha256, orphan.size);

      // Without repair the quarantined copy stays put and the row counts as missing.
      expect(checkBlobIntegrity(db, blobs, { repair: false }).missing).toContain(orphan.sha256);
      expect(blobs.has(orphan.sha256)).toBe(false);

      const report = checkBlobIntegrity(db, blobs, { repair: true });
      expect(report.missing).not.toContain(orphan.sha256);
      expect(report.orphaned).toEqual([]);
      expect(blobs.has(orphan.sha256)).toBe(true);
      expect([...blobs.listQuarantinedFileNames()]).toEqual([]);
      await blobs.verify(orphan.sha256);
    } finally {
      db.close();
    }
  });

  it('is clean on an empty store', () => {
    const dir = tempDir();
    const db = openDatabase({ file: join(dir, 'tongban.db'), key: newKey(), backupDir: join(dir, 'backups') });
    try {
      const blobs = new BlobStore(join(dir, 'blobs'), newKey());
      expect(checkBlobIntegrity(db, blobs, { repair: true })).toEqual({ missing: [], orphaned: [], tempRemoved: 0 });
    } finally {
      db.close();
    }
  });

  it('gives files stored under their plain id (before names were keyed) their keyed names, quarantined ones too', async () => {
    const { db, root, blobs, ok, orphan } = await scenario();
    try {
      checkBlobIntegrity(db, blobs, { repair: true }); // the orphan goes to quarantine
      addRow(db, orphan.sha256, orphan.size);
      // As an older version left them: one stored file and one quarantined file named by id.
      mkdirSync(join(root, ok.sha256.slice(0, 2)), { recursive: true });
      renameSync(blobs.filePath(ok.sha256), join(root, ok.sha256.slice(0, 2), ok.sha256));
      renameSync(join(root, 'orphaned', blobs.fileNameOf(orphan.sha256)), join(root, 'orphaned', orphan.sha256));

      const report = checkBlobIntegrity(db, blobs, { repair: true });
      expect(report.orphaned).toEqual([]);
      expect(report.missing).not.toContain(ok.sha256);
      expect(report.missing).not.toContain(orphan.sha256);
      await blobs.verify(ok.sha256);
      await blobs.verify(orphan.sha256);
      expect(readdirSync(root, { recursive: true }).map(String).filter((path) => path.includes(ok.sha256))).toEqual([]);
    } finally {
      db.close();
    }
  });
});

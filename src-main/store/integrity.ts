// Start-up check that the database and the blob files agree: never a blob the
// database does not know, never a row whose blob is gone. Nothing is ever deleted:
// unknown files go to quarantine, missing ones are reported for a person to act on.
import { isAppError } from '../common/errors.ts';
import type { BlobStore } from './blob-store.ts';
import type { Database } from './database.ts';

export interface BlobIntegrityReport {
  /**
   * Ids with a row in `blobs` but no usable file: the file is absent, or its size
   * does not match the row (truncated or damaged files are reported here too).
   */
  missing: string[];
  /**
   * File names (not ids: a file's id cannot be read from its keyed name) of files with
   * no row; moved to quarantine when repairing.
   */
  orphaned: string[];
  /** Leftovers of interrupted writes that were deleted. */
  tempRemoved: number;
}

/**
 * Sizes are compared, contents are not decrypted (too slow for every start);
 * BlobStore.verify does the full check for one blob.
 */
export function checkBlobIntegrity(db: Database, blobs: BlobStore, options: { repair: boolean }): BlobIntegrityReport {
  // Temp files are never referenced by anything, so they go even when not repairing.
  const tempRemoved = blobs.cleanTemp();
  const rows = new Map<string, number>();
  for (const row of db.prepare('SELECT sha256, size FROM blobs').iterate() as Iterable<{
    sha256: string;
    size: number;
  }>) {
    rows.set(row.sha256, Number(row.size));
  }

  const names = new Map<string, string>();
  for (const id of rows.keys()) names.set(blobs.fileNameOf(id), id);

  // A quarantined file that the database does know (a row came back, e.g. from a
  // restored database) belongs in the store again.
  if (options.repair) {
    for (const name of blobs.listQuarantinedFileNames()) {
      // (A file quarantined before names were keyed is named by its id.)
      const id = names.get(name) ?? (rows.has(name) ? name : undefined);
      if (id !== undefined && !blobs.has(id)) blobs.restore(id);
    }
  }

  // Looking each id up also moves a file stored under its id (before names were keyed)
  // to its keyed name, so none of those is taken for an orphan below.
  const missing: string[] = [];
  for (const [id, expected] of rows) {
    if (!blobs.has(id) || sizeOf(blobs, id) !== expected) missing.push(id);
  }

  const orphaned: string[] = [];
  for (const name of [...blobs.listFileNames()]) {
    if (names.has(name)) continue;
    orphaned.push(name);
    if (options.repair) blobs.quarantineFile(name);
  }

  return { missing: missing.sort(), orphaned: orphaned.sort(), tempRemoved };
}

function sizeOf(blobs: BlobStore, id: string): number | undefined {
  try {
    return blobs.size(id);
  } catch (error) {
    // A header or length no writer produces: as unusable as an absent file.
    if (isAppError(error)) return undefined;
    throw error;
  }
}

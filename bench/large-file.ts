// A large file put into a draft without holding it in memory. drafts.addFile cannot
// carry it (a contract message is at most 32 MiB, and the draft's cap is 1 GiB), so this
// does what addFile stores — the blob, its `blobs` row and its `draft_files` row —
// through the core's BlobStore (which streams an AsyncIterable) and a second connection
// to its database. It skips addFile's type sniffing and session log entry; sealing and
// sending depend on neither. Run as a script (`node large-file.js <job JSON>`), it does
// the same in a process of its own: the memory run measures the sender both ways.
import { createCipheriv, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataPaths } from '../src-main/core/data-dir.ts';
import { recordBlob } from '../src-main/store/blob-records.ts';
import { BlobStore } from '../src-main/store/blob-store.ts';
import { openDatabase } from '../src-main/store/database.ts';
import { deriveStoreKeys } from '../src-main/store/keys.ts';

const MiB = 1024 * 1024;

export interface LargeFileJob {
  paths: Pick<DataPaths, 'keys' | 'blobs' | 'database' | 'backups'>;
  draftId: string;
  bytes: number;
  seed: number;
}

export async function putLargeFile({ paths, draftId, bytes, seed }: LargeFileJob): Promise<void> {
  const keys = deriveStoreKeys(readFileSync(join(paths.keys, 'master.key')));
  const stored = await new BlobStore(paths.blobs, keys.blobKey).put(pseudoRandom(bytes, seed));
  const db = openDatabase({ file: paths.database, key: keys.databaseKey, backupDir: paths.backups });
  try {
    db.transaction(() => {
      const now = Date.now();
      recordBlob(db, stored, now);
      db.prepare(
        `INSERT INTO draft_files (draft_id, material_id, sha256, name, media_type, size, added_at)
         VALUES (?, 'applicant-id-card', ?, ?, 'application/pdf', ?, ?)`,
      ).run(draftId, stored.sha256, `身份证扫描件-${seed}.pdf`, stored.size, now);
    })();
  } finally {
    db.close();
  }
}

/** `bytes` of incompressible, reproducible content (AES-CTR keystream), 1 MiB at a time. */
async function* pseudoRandom(bytes: number, seed: number): AsyncGenerator<Buffer, void, undefined> {
  const key = createHash('sha256').update(`tongban-bench-${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(MiB);
  for (let left = bytes; left > 0; left -= MiB) yield cipher.update(zeros.subarray(0, Math.min(MiB, left)));
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  await putLargeFile(JSON.parse(process.argv[2] ?? '{}') as LargeFileJob);
}

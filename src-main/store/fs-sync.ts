// Durability helpers: a rename or a new file is only crash-safe once the directory
// entry itself is flushed.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';

// Windows cannot open a directory as a file; NTFS journals metadata, so skip there.
const canSyncDirs = process.platform !== 'win32';

export function fsyncDirSync(dir: string): void {
  if (!canSyncDirs) return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  if (!canSyncDirs) return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes an owner-only file and flushes its content: `wx` refuses a file that exists
 * (a temp name someone else took), `w` replaces one. The caller renames it into place.
 */
export function writeFileDurably(file: string, data: string | Uint8Array, flag: 'w' | 'wx' = 'wx'): void {
  const fd = openSync(file, flag, 0o600);
  try {
    if (typeof data === 'string') writeSync(fd, data);
    else writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes an existing file's content (opened r+ because Windows refuses fsync on read-only handles). */
export function fsyncFileSync(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Node error code of a system or SQLite error, if any. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

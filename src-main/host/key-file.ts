// The browser host's key provider: the master key in a file only its owner can
// read (0600). By default it sits in the data directory's keys/ folder; a hall that can
// keep it elsewhere (another disk, a removable key, a path only the service account
// reaches) names the file with --key-file, so a copy of the data directory alone reads
// nothing. Electron uses safeStorage instead.
import { mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { writeFileDurably } from '../store/fs-sync.ts';
import { randomBytes } from 'node:crypto';
import { dirname, join, relative, resolve } from 'node:path';
import { AppError } from '../common/errors.ts';
import type { KeyProvider } from '../core/platform.ts';

export const MASTER_KEY_BYTES = 32;

export class KeyFileProvider implements KeyProvider {
  readonly file: string;
  readonly description: string;

  constructor(keysDir: string, file = join(keysDir, 'master.key')) {
    this.file = resolve(file);
    this.description = `key file ${this.file}`;
  }

  /** A key file at a path of the installer's choosing. */
  static at(file: string): KeyFileProvider {
    return new KeyFileProvider(dirname(resolve(file)), file);
  }

  /** Whether the key lies inside `dir` (then whoever copies that folder has the key too). */
  isInside(dir: string): boolean {
    const path = relative(resolve(dir), this.file);
    return !path.startsWith('..') && !path.startsWith('/') && path !== '';
  }

  load(): Buffer | null {
    let key: Buffer;
    try {
      key = readFileSync(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new AppError('store.keyMissing', `cannot read ${this.file}: ${(error as Error).message}`);
    }
    if (key.length !== MASTER_KEY_BYTES) {
      throw new AppError('store.keyMissing', `${this.file} holds ${key.length} bytes, expected ${MASTER_KEY_BYTES}`);
    }
    if (process.platform !== 'win32' && (statSync(this.file).mode & 0o077) !== 0) {
      throw new AppError('store.keyMissing', `${this.file} is readable by others; run chmod 600 on it`);
    }
    return key;
  }

  create(): Buffer {
    const key = randomBytes(MASTER_KEY_BYTES);
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.tmp`;
    writeFileDurably(temp, key, 'w');
    // link-free exclusive create: refuse to replace a key that appeared meanwhile
    try {
      statSync(this.file);
      throw new AppError('store.keyMissing', `${this.file} exists already; refusing to replace a master key`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    renameSync(temp, this.file);
    return key;
  }
}

// The Electron shell's KeyProvider: the master key lives on disk only encrypted by
// the OS keyring through Electron's safeStorage (DPAPI on Windows, Keychain on
// macOS, libsecret or KWallet on Linux). safeStorage is passed in rather than
// imported, so this file loads under plain Node and tests can use a fake.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { AppError } from '../common/errors.ts';
import type { KeyProvider } from '../core/platform.ts';

/** The part of Electron's `safeStorage` this provider uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which keyring backs the encryption. */
  getSelectedStorageBackend?(): string;
}

export interface SafeStorageKeyProviderOptions {
  /** Defaults to `process.platform`; tests set it to exercise the Linux checks. */
  platform?: NodeJS.Platform;
}

const KEY_BYTES = 32;
/** An encrypted 32-byte key is well under a kilobyte on every backend. */
const MAX_FILE_BYTES = 64 * 1024;

export class SafeStorageKeyProvider implements KeyProvider {
  readonly filePath: string;
  readonly #storage: SafeStorageLike;
  readonly #platform: NodeJS.Platform;

  constructor(dataDir: string, storage: SafeStorageLike, options: SafeStorageKeyProviderOptions = {}) {
    this.filePath = path.join(dataDir, 'keys', 'master.key.safe');
    this.#storage = storage;
    this.#platform = options.platform ?? process.platform;
  }

  get description(): string {
    const backend = this.#backend();
    return `Electron safeStorage${backend ? ` (${backend})` : ''}, ${this.filePath}`;
  }

  load(): Buffer | null {
    let encrypted: Buffer;
    try {
      encrypted = readFileSync(this.filePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new AppError(
        'store.keyMissing',
        `cannot read the master key file ${this.filePath}: ${errorText(error)}`,
        undefined,
        {
          cause: error,
        },
      );
    }
    this.#requireEncryption();
    if (encrypted.length === 0 || encrypted.length > MAX_FILE_BYTES) {
      throw new AppError(
        'store.keyMissing',
        `the master key file ${this.filePath} has an implausible size (${encrypted.length} bytes)`,
      );
    }
    let text: string;
    try {
      text = this.#storage.decryptString(encrypted);
    } catch (error) {
      throw new AppError(
        'store.keyMissing',
        `Electron safeStorage cannot decrypt the master key in ${this.filePath} (${errorText(error)}). ` +
          'The OS keyring differs from the one that stored it (another OS user, a reset keyring, or a copied data directory). ' +
          'The file was left untouched.',
        undefined,
        { cause: error },
      );
    }
    const key = decodeKey(text);
    if (key === null) {
      throw new AppError(
        'store.keyMissing',
        `the master key in ${this.filePath} decrypts to something that is not a ${KEY_BYTES}-byte key`,
      );
    }
    return key;
  }

  create(): Buffer {
    if (existsSync(this.filePath)) {
      throw new AppError('internal', `a master key already exists at ${this.filePath}; refusing to replace it`);
    }
    this.#requireEncryption();
    const key = randomBytes(KEY_BYTES);
    const encoded = key.toString('base64');
    const encrypted = this.#storage.encryptString(encoded);
    // A keyring that cannot give the key back must fail now, not at the next start.
    if (this.#storage.decryptString(encrypted) !== encoded) {
      throw new AppError(
        'store.keyMissing',
        'Electron safeStorage did not decrypt a freshly encrypted key back to itself',
      );
    }
    writeNewFile(this.filePath, encrypted);
    return key;
  }

  #backend(): string | undefined {
    if (this.#platform !== 'linux') return undefined;
    return this.#storage.getSelectedStorageBackend?.();
  }

  #requireEncryption(): void {
    if (!this.#storage.isEncryptionAvailable()) {
      throw new AppError(
        'store.keyMissing',
        'Electron safeStorage is not available: no OS keyring can protect the master key ' +
          '(Linux: start a Secret Service such as gnome-keyring, or KWallet, in the user session).',
      );
    }
    // Chromium's basic_text backend encrypts with a constant built into every
    // Chromium: a key stored that way is as good as plaintext, so refuse it.
    if (this.#backend() === 'basic_text') {
      throw new AppError(
        'store.keyMissing',
        'Electron safeStorage fell back to the basic_text backend (no Secret Service or KWallet found), ' +
          'which does not protect the master key. Start a keyring in the user session, or pass --password-store=gnome-libsecret.',
      );
    }
  }
}

function decodeKey(text: string): Buffer | null {
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== text) return null;
  return key;
}

/** Writes a new file (0600 in a 0700 directory) durably; never replaces an existing one. */
function writeNewFile(filePath: string, data: Buffer): void {
  const dir = path.dirname(filePath);
  mkdirSync(path.dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(dir, 0o700);

  const temp = path.join(dir, `.${path.basename(filePath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    try {
      let written = 0;
      while (written < data.length) written += writeSync(fd, data, written, data.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    publish(temp, filePath);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed into place
    }
  }
  syncDirectory(dir);
}

/** link() fails on an existing target, unlike rename(); rename is the fallback for file systems without hard links. */
function publish(temp: string, filePath: string): void {
  try {
    linkSync(temp, filePath);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new AppError('internal', `a master key already exists at ${filePath}; refusing to replace it`);
    }
  }
  if (existsSync(filePath)) {
    throw new AppError('internal', `a master key already exists at ${filePath}; refusing to replace it`);
  }
  renameSync(temp, filePath);
}

function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

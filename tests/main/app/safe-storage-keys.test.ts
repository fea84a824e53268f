// The Electron key provider with a stand-in for safeStorage (the real one needs the
// Electron binary and an OS keyring): where the key goes, how it is protected, and
// what an installer is told when the keyring cannot give it back.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/common/errors.ts';
import { SafeStorageKeyProvider, type SafeStorageLike } from '../../../src-main/app/safe-storage-keys.ts';
import { bootHallCore } from '../../../src-main/core/hall-core.ts';
import { createStreamLogger } from '../../../src-main/core/log.ts';
import { LogCapture, tempDir } from '../helpers.ts';

/** Reversible "encryption" bound to a keyring secret, so another keyring cannot decrypt. */
class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend = 'gnome_libsecret';
  constructor(private secret = 'keyring-1') {}
  isEncryptionAvailable(): boolean {
    return this.available;
  }
  encryptString(plainText: string): Buffer {
    return Buffer.from(`v11:${this.secret}:${Buffer.from(plainText).toString('hex')}`);
  }
  decryptString(encrypted: Buffer): string {
    const [version, secret, hex] = encrypted.toString().split(':');
    if (version !== 'v11' || secret !== this.secret || hex === undefined)
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(hex, 'hex').toString();
  }
  getSelectedStorageBackend(): string {
    return this.backend;
  }
}

function appErrorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an AppError');
}

describe('SafeStorageKeyProvider', () => {
  it('has no key before the first create, then returns the same 32 bytes', () => {
    const dataDir = tempDir();
    const provider = new SafeStorageKeyProvider(dataDir, new FakeSafeStorage(), { platform: 'linux' });
    expect(provider.load()).toBeNull();
    const key = provider.create();
    expect(key).toHaveLength(32);
    expect(provider.load()).toEqual(key);
    expect(new SafeStorageKeyProvider(dataDir, new FakeSafeStorage(), { platform: 'linux' }).load()).toEqual(key);
  });

  it('stores only the encrypted base64 key, 0600 in a 0700 keys directory, with no temp files left', () => {
    const dataDir = tempDir();
    const provider = new SafeStorageKeyProvider(dataDir, new FakeSafeStorage(), { platform: 'linux' });
    const key = provider.create();
    const file = path.join(dataDir, 'keys', 'master.key.safe');
    expect(provider.filePath).toBe(file);
    const stored = readFileSync(file);
    expect(stored.includes(key)).toBe(false);
    expect(stored.toString()).not.toContain(key.toString('base64'));
    expect(new FakeSafeStorage().decryptString(stored)).toBe(key.toString('base64'));
    expect(readdirSync(path.join(dataDir, 'keys'))).toEqual(['master.key.safe']);
    if (process.platform !== 'win32') {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(path.join(dataDir, 'keys')).mode & 0o777).toBe(0o700);
    }
  });

  it('refuses to create a second key and leaves the first untouched', () => {
    const dataDir = tempDir();
    const provider = new SafeStorageKeyProvider(dataDir, new FakeSafeStorage());
    const key = provider.create();
    const before = readFileSync(provider.filePath);
    expect(appErrorOf(() => provider.create()).detail).toContain('refusing to replace');
    expect(readFileSync(provider.filePath)).toEqual(before);
    expect(provider.load()).toEqual(key);
  });

  it('reports store.keyMissing when safeStorage is unavailable', () => {
    const storage = new FakeSafeStorage();
    storage.available = false;
    const provider = new SafeStorageKeyProvider(tempDir(), storage);
    const error = appErrorOf(() => provider.create());
    expect(error.code).toBe('store.keyMissing');
    expect(error.detail).toContain('safeStorage is not available');
    expect(existsSync(provider.filePath)).toBe(false);
  });

  it('refuses the basic_text backend on Linux, which protects nothing', () => {
    const storage = new FakeSafeStorage();
    storage.backend = 'basic_text';
    const error = appErrorOf(() => new SafeStorageKeyProvider(tempDir(), storage, { platform: 'linux' }).create());
    expect(error.code).toBe('store.keyMissing');
    expect(error.detail).toContain('basic_text');
    // Elsewhere the backend question does not arise.
    expect(new SafeStorageKeyProvider(tempDir(), storage, { platform: 'win32' }).create()).toHaveLength(32);
  });

  it('reports store.keyMissing, touching nothing, when another keyring cannot decrypt the key', () => {
    const dataDir = tempDir();
    new SafeStorageKeyProvider(dataDir, new FakeSafeStorage('keyring-1')).create();
    const file = path.join(dataDir, 'keys', 'master.key.safe');
    const before = readFileSync(file);
    const error = appErrorOf(() => new SafeStorageKeyProvider(dataDir, new FakeSafeStorage('keyring-2')).load());
    expect(error.code).toBe('store.keyMissing');
    expect(error.detail).toContain('cannot decrypt');
    expect(error.detail).toContain('left untouched');
    expect(readFileSync(file)).toEqual(before);
  });

  it('reports a key file that decrypts to something other than a key', () => {
    const dataDir = tempDir();
    const storage = new FakeSafeStorage();
    const provider = new SafeStorageKeyProvider(dataDir, storage);
    provider.create();
    writeFileSync(provider.filePath, storage.encryptString(Buffer.alloc(16).toString('base64')));
    expect(appErrorOf(() => provider.load()).code).toBe('store.keyMissing');
    writeFileSync(provider.filePath, '');
    expect(appErrorOf(() => provider.load()).detail).toContain('implausible size');
  });

  it('describes itself for installers', () => {
    const dataDir = tempDir();
    expect(new SafeStorageKeyProvider(dataDir, new FakeSafeStorage(), { platform: 'linux' }).description).toBe(
      `Electron safeStorage (gnome_libsecret), ${path.join(dataDir, 'keys', 'master.key.safe')}`,
    );
  });
});

describe('the hall core on safeStorage keys', () => {
  const boot = (dataDir: string, storage: SafeStorageLike) =>
    bootHallCore({
      dataDir,
      logger: createStreamLogger(new LogCapture()),
      platform: { host: 'electron', keys: new SafeStorageKeyProvider(dataDir, storage) },
    });

  it('boots, and boots again on the same keyring', async () => {
    const dataDir = tempDir();
    const first = await boot(dataDir, new FakeSafeStorage());
    expect(first.info.host).toBe('electron');
    await first.close();
    await (await boot(dataDir, new FakeSafeStorage())).close();
  });

  it('stops with store.keyMissing on another keyring, leaving the key file as it was', async () => {
    const dataDir = tempDir();
    await (await boot(dataDir, new FakeSafeStorage('keyring-1'))).close();
    const keyFile = path.join(dataDir, 'keys', 'master.key.safe');
    const before = readFileSync(keyFile);
    await expect(boot(dataDir, new FakeSafeStorage('keyring-2'))).rejects.toMatchObject({ code: 'store.keyMissing' });
    expect(readFileSync(keyFile)).toEqual(before);
  });
});

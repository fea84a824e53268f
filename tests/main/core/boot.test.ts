// Start-up with what installers meet in halls: a lost or wrong key, a database
// from a newer app, a broken config. Each stops with an actionable error and
// leaves every file as it was.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../src-main/common/errors.ts';
import { bootHallCore } from '../../../src-main/core/hall-core.ts';
import { createStreamLogger } from '../../../src-main/core/log.ts';
import { KeyFileProvider } from '../../../src-main/host/key-file.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import { openDatabase } from '../../../src-main/store/database.ts';
import { LogCapture, bootTestCore, tempDir } from '../helpers.ts';
import { client, clerkOn, SOCIAL_CARD, STRONG } from '../intake/fixtures.ts';
import { writeHallConfig } from '../sync/process-harness.ts';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Every file of a data directory but the logs, with its hash. */
function snapshot(dataDir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && !relative(dataDir, path).startsWith('logs')) files[relative(dataDir, path)] = sha(path);
  }
  return files;
}

async function bootError(dataDir: string): Promise<AppError> {
  try {
    const core = await bootHallCore({
      dataDir,
      logger: createStreamLogger(new LogCapture()),
      platform: { host: 'browser', keys: new KeyFileProvider(join(dataDir, 'keys')) },
    });
    await core.close();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('boot succeeded');
}

/** A data dir that has run once, with its database closed cleanly. */
async function usedDataDir(): Promise<{ dataDir: string; dbFile: string; keyFile: string }> {
  const { core, dataDir } = await bootTestCore();
  await core.close();
  return { dataDir, dbFile: core.paths.database, keyFile: join(dataDir, 'keys', 'master.key') };
}

describe('boot', () => {
  it('creates the data directory, key (0600), encrypted database and audit entry on first run', async () => {
    const { core, dataDir } = await bootTestCore();
    expect(core.info).toMatchObject({ profile: 'demo', host: 'browser', hallName: '演示政务服务中心' });
    const keyFile = join(dataDir, 'keys', 'master.key');
    expect(readFileSync(keyFile)).toHaveLength(32);
    expect((await import('node:fs')).statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(core.paths.database).subarray(0, 15).toString()).not.toBe('SQLite format 3');
  });

  it('reopens its own data on the next start', async () => {
    const { dataDir } = await usedDataDir();
    const { core } = await bootTestCore({ dataDir });
    const connection = core.openConnection(() => undefined);
    const verify = await connection.handle({ type: 'call', id: 1, method: 'auth.setupState', input: {} });
    expect(verify).toMatchObject({ ok: true });
  });

  it('stops with store.cannotOpen on a wrong key and leaves the database untouched', async () => {
    const { dataDir, dbFile, keyFile } = await usedDataDir();
    const before = sha(dbFile);
    writeFileSync(keyFile, Buffer.alloc(32, 1), { mode: 0o600 });
    const error = await bootError(dataDir);
    expect(error.code).toBe('store.cannotOpen');
    expect(sha(dbFile)).toBe(before);
  });

  it('stops with store.keyMissing when the database exists but the key is gone, and creates no new key', async () => {
    const { dataDir, dbFile, keyFile } = await usedDataDir();
    const before = sha(dbFile);
    rmSync(keyFile);
    const error = await bootError(dataDir);
    expect(error.code).toBe('store.keyMissing');
    expect(existsSync(keyFile)).toBe(false);
    expect(sha(dbFile)).toBe(before);
  });

  it('refuses a key file others can read', async () => {
    const { dataDir, keyFile } = await usedDataDir();
    (await import('node:fs')).chmodSync(keyFile, 0o644);
    const error = await bootError(dataDir);
    expect(error.code).toBe('store.keyMissing');
    expect(error.detail).toContain('chmod 600');
  });

  it('stops with store.newerVersion on a database from a newer app, untouched', async () => {
    const { dataDir, dbFile, keyFile } = await usedDataDir();
    const { databaseKey } = deriveStoreKeys(readFileSync(keyFile));
    const db = openDatabase({ file: dbFile, key: databaseKey, backupDir: tempDir() });
    db.pragma('user_version = 999');
    db.close();
    const before = sha(dbFile);
    const error = await bootError(dataDir);
    expect(error.code).toBe('store.newerVersion');
    expect(error.params).toMatchObject({ found: 999 });
    expect(sha(dbFile)).toBe(before);
  });

  it('stops with store.cannotOpen on a corrupt database file, untouched', async () => {
    const { dataDir, dbFile } = await usedDataDir();
    const bytes = readFileSync(dbFile);
    bytes.fill(0x5a, 0, 4096);
    writeFileSync(dbFile, bytes);
    const before = sha(dbFile);
    const error = await bootError(dataDir);
    expect(error.code).toBe('store.cannotOpen');
    expect(sha(dbFile)).toBe(before);
  });

  it('stops with config.invalid on a broken config and says where', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ hall: { id: 'x' } }));
    const error = await bootError(dataDir);
    expect(error.code).toBe('config.invalid');
    expect(error.detail).toContain('hall.name');
  });

  it('stops with config.profileMismatch when a configured hall loses its config.json, and changes no file', async () => {
    const dataDir = tempDir();
    writeHallConfig(dataDir, 'https://dept.example.cn/inbox');
    const first = await bootTestCore({ dataDir });
    expect(first.core.info.profile).toBe('configured');
    await first.core.close();

    rmSync(join(dataDir, 'config.json'));
    const before = snapshot(dataDir);
    const error = await bootError(dataDir);
    expect(error.code).toBe('config.profileMismatch');
    expect(error.params).toMatchObject({ recorded: 'configured', configured: 'demo' });
    expect(error.detail).toContain('restore');
    expect(snapshot(dataDir)).toEqual(before);
    expect(existsSync(join(dataDir, 'config.json'))).toBe(false);

    // Restored, the hall starts again as it was.
    writeHallConfig(dataDir, 'https://dept.example.cn/inbox');
    const again = await bootTestCore({ dataDir });
    expect(again.core.info.profile).toBe('configured');
  });

  it('stops with config.profileMismatch when a demo data directory with demo work is given a hall config', async () => {
    // A demo that was worked in (a draft): its data is never carried into a hall.
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    await clerk.call('drafts.create', { itemCode: SOCIAL_CARD });
    await core.close();
    writeHallConfig(dataDir, 'https://dept.example.cn/inbox');
    const before = snapshot(dataDir);
    const error = await bootError(dataDir);
    expect(error.code).toBe('config.profileMismatch');
    expect(error.params).toMatchObject({ recorded: 'demo', configured: 'configured' });
    expect(snapshot(dataDir)).toEqual(before);
  });

  it('installs the shipped seed in a configured hall, whose updates need a key of its own config', async () => {
    const dataDir = tempDir();
    writeHallConfig(dataDir, 'https://dept.example.cn/inbox');
    const { core } = await bootTestCore({ dataDir });
    const installer = client(core.openConnection(() => undefined));
    await installer.call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
    const { catalogs } = await installer.call<{ catalogs: Array<{ signerKeyId: string; active: boolean }> }>(
      'catalog.list',
    );
    expect(catalogs).toEqual([expect.objectContaining({ signerKeyId: 'demo-dept-2026', active: true })]);
    // The demo signer's signature is checked before the version: in a configured hall it is not trusted.
    const seed = readFileSync('assets/catalog/seed-catalog.json', 'utf8');
    expect(await installer.fail('catalog.install', { fileText: seed })).toMatchObject({ code: 'catalog.untrustedKey' });
  });

  it('writes no personal data or passwords to the log', async () => {
    const { core, log } = await bootTestCore();
    const connection = core.openConnection(() => undefined);
    await connection.handle({
      type: 'call',
      id: 1,
      method: 'auth.createFirstInstaller',
      input: { username: 'admin', displayName: '王运维', password: 'Secret#2026' },
    });
    await connection.handle({
      type: 'call',
      id: 2,
      method: 'auth.login',
      input: { username: 'admin', password: 'Wrong#2026x' },
    });
    expect(log.text).toContain('hall core started');
    expect(log.text).not.toContain('Secret#2026');
    expect(log.text).not.toContain('Wrong#2026x');
    expect(log.text).not.toContain('王运维');
  });
});

describe('connections that outlive the core', () => {
  it('close without touching the closed store (a socket closing after shutdown)', async () => {
    const { core } = await bootTestCore();
    const connection = core.openConnection(() => undefined);
    const created = await connection.handle({
      type: 'call',
      id: 1,
      method: 'auth.createFirstInstaller',
      input: { username: 'admin', displayName: '运维', password: 'Zz9!passwordx' },
    });
    expect(created).toMatchObject({ ok: true });
    await core.close();
    expect(() => connection.close()).not.toThrow();
  });
});

// Raising scrypt's cost must not lock anyone out: a hash stored with the old parameters
// still signs in, and is replaced by one with the current parameters on that sign-in.
import { randomBytes, scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src-main/store/database.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import { bootTestCore, tempDir } from '../helpers.ts';

const STRONG = 'Counter#2026';

/** The format the app stored before the cost was raised: scrypt N=2^15, r=8, p=1. */
function oldHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', 1 << 15, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

function withDatabase<T>(dataDir: string, file: string, use: (db: ReturnType<typeof openDatabase>) => T): T {
  const { databaseKey } = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
  const db = openDatabase({ file, key: databaseKey, backupDir: tempDir() });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

const hashOf = (db: ReturnType<typeof openDatabase>) =>
  db.prepare<[], { password_hash: string }>("SELECT password_hash FROM users WHERE username = 'admin'").get()!.password_hash;

describe('password hashes', () => {
  it('stores new hashes at OWASP cost (N=2^17, r=8, p=1)', async () => {
    const { core, dataDir } = await bootTestCore();
    const connection = core.openConnection(() => undefined);
    await connection.handle({ type: 'call', id: 1, method: 'auth.createFirstInstaller', input: { username: 'admin', displayName: '运维', password: STRONG } });
    await core.close();
    expect(withDatabase(dataDir, core.paths.database, hashOf)).toMatch(/^scrypt\$131072\$8\$1\$/);
  });

  it('signs in with a hash of the old cost and upgrades it on that sign-in', async () => {
    const first = await bootTestCore();
    await first.core
      .openConnection(() => undefined)
      .handle({ type: 'call', id: 1, method: 'auth.createFirstInstaller', input: { username: 'admin', displayName: '运维', password: STRONG } });
    await first.core.close();
    withDatabase(first.dataDir, first.core.paths.database, (db) =>
      db.prepare("UPDATE users SET password_hash = ? WHERE username = 'admin'").run(oldHash(STRONG)),
    );

    const { core } = await bootTestCore({ dataDir: first.dataDir });
    const login = await core
      .openConnection(() => undefined)
      .handle({ type: 'call', id: 1, method: 'auth.login', input: { username: 'admin', password: STRONG } });
    expect(login).toMatchObject({ ok: true, value: { user: { username: 'admin' } } });
    await core.close();
    const upgraded = withDatabase(first.dataDir, core.paths.database, hashOf);
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);

    // The upgraded hash is the same password.
    const { core: again } = await bootTestCore({ dataDir: first.dataDir });
    const relogin = await again
      .openConnection(() => undefined)
      .handle({ type: 'call', id: 1, method: 'auth.login', input: { username: 'admin', password: STRONG } });
    expect(relogin.ok).toBe(true);
  });
});

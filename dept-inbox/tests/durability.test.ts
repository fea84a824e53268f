// Which writes wait for the disk: an upload's creation and settling may be undone by a
// power cut (the window sends the file again), so their commits skip the fsync that
// otherwise runs on the inbox's event loop; everything else stays durable, and the
// connection is durable again after each lax transaction.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InboxDb } from '../src/db.ts';
import { tempDir } from './helpers.ts';

const FULL = 2;
const NORMAL = 1;

describe('SQLite durability per transaction', () => {
  it('a lax transaction commits with synchronous NORMAL, every other with FULL', async () => {
    const db = InboxDb.openSqlite(join(tempDir(), 'inbox.db'));
    const level = async () => Number((await db.driver.get<{ synchronous: number }>('PRAGMA synchronous'))?.synchronous);
    try {
      expect(await level()).toBe(FULL);
      expect(await db.write(level, { durable: false })).toBe(NORMAL);
      expect(await level()).toBe(FULL);
      expect(await db.write(level)).toBe(FULL);
      // A lax transaction that fails leaves the connection durable too.
      await expect(
        db.write(
          async () => {
            throw new Error('refused');
          },
          { durable: false },
        ),
      ).rejects.toThrow('refused');
      expect(await level()).toBe(FULL);
    } finally {
      await db.close();
    }
  });
});

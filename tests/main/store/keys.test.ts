import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';

describe('deriveStoreKeys', () => {
  it('derives two distinct 32-byte keys, deterministically', () => {
    const master = randomBytes(32);
    const a = deriveStoreKeys(master);
    const b = deriveStoreKeys(Buffer.from(master));
    expect(a.databaseKey).toHaveLength(32);
    expect(a.blobKey).toHaveLength(32);
    expect(a.databaseKey.equals(a.blobKey)).toBe(false);
    expect(a.databaseKey.equals(master)).toBe(false);
    expect(a.databaseKey.equals(b.databaseKey)).toBe(true);
    expect(a.blobKey.equals(b.blobKey)).toBe(true);
  });

  it('gives each purpose its own key: database, blobs, evidence, the demo inbox, the queue search index', () => {
    const keys = Object.values(deriveStoreKeys(randomBytes(32)));
    expect(keys).toHaveLength(5);
    expect(new Set(keys.map((key) => key.toString('hex'))).size).toBe(5);
  });

  it('gives other keys for another master key', () => {
    const a = deriveStoreKeys(randomBytes(32));
    const b = deriveStoreKeys(randomBytes(32));
    expect(a.databaseKey.equals(b.databaseKey)).toBe(false);
    expect(a.blobKey.equals(b.blobKey)).toBe(false);
  });

  it('refuses a master key of the wrong length', () => {
    expect(() => deriveStoreKeys(randomBytes(16))).toThrow(RangeError);
  });
});

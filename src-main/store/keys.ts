// The master key never touches data directly: each store gets its own derived key,
// so a leak of one (e.g. a blob key in a crash dump) does not expose the other.
import { hkdfSync } from 'node:crypto';

const KEY_BYTES = 32;
// The master key is uniformly random, so HKDF needs no salt; the info strings
// separate the purposes and carry a version for future rotation.
const EMPTY_SALT = Buffer.alloc(0);

export interface StoreKeys {
  databaseKey: Buffer;
  blobKey: Buffer;
  /** Seals the event log's stream heads (HMAC), so holding the database is not enough to rewrite a chain. */
  evidenceKey: Buffer;
  /** Encrypts the demo profile's embedded department inbox (its database and stored uploads). */
  demoInboxKey: Buffer;
  /** Keys the queue's search index (HMAC of names and ID numbers), see packets/packet-search.ts. */
  searchKey: Buffer;
}

export function deriveStoreKeys(masterKey: Buffer): StoreKeys {
  if (masterKey.length !== KEY_BYTES) {
    throw new RangeError(`master key must be ${KEY_BYTES} bytes, got ${masterKey.length}`);
  }
  return {
    databaseKey: derive(masterKey, 'tongban/db/v1'),
    blobKey: derive(masterKey, 'tongban/blob/v1'),
    evidenceKey: derive(masterKey, 'tongban/evidence/v1'),
    demoInboxKey: derive(masterKey, 'tongban/demo-inbox/v1'),
    searchKey: derive(masterKey, 'tongban/search/v1'),
  };
}

function derive(masterKey: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, EMPTY_SALT, info, KEY_BYTES));
}

// Packet file bytes made once and lent to every upload: a file is the random pool
// repeated up to its size less 32 bytes, then a 32-byte salt of its own (so every file
// hashes differently). The hash of each size's pool prefix is computed once and copied,
// so a file's SHA-256 costs one 32-byte update, and a PATCH body is a list of
// subarrays of the pool — nothing is copied or allocated per request.
import { createHash, randomBytes, type Hash } from 'node:crypto';

export const SALT_BYTES = 32;

export interface PayloadFile {
  size: number;
  salt: Buffer;
  sha256: string;
}

export class PayloadPool {
  private readonly pool: Buffer;
  private readonly prefixHashes = new Map<number, Hash>();

  constructor(poolBytes = 8 * 1024 * 1024) {
    this.pool = randomBytes(poolBytes);
  }

  /** A file of `size` bytes (≥ 32) whose salt is derived from `saltText` (e.g. packet id and position). */
  file(size: number, saltText: string): PayloadFile {
    if (!Number.isInteger(size) || size < SALT_BYTES)
      throw new RangeError(`a load file has at least ${SALT_BYTES} bytes`);
    const salt = createHash('sha256').update(saltText).digest();
    const sha256 = this.prefixHash(size - SALT_BYTES)
      .copy()
      .update(salt)
      .digest('hex');
    return { size, salt, sha256 };
  }

  /** The bytes [start, end) of a file, as subarrays of the pool and the salt. */
  slices(file: PayloadFile, start: number, end: number): Buffer[] {
    const prefix = file.size - SALT_BYTES;
    const parts: Buffer[] = [];
    let at = start;
    while (at < end) {
      if (at < prefix) {
        const offset = at % this.pool.length;
        const take = Math.min(Math.min(end, prefix) - at, this.pool.length - offset);
        parts.push(this.pool.subarray(offset, offset + take));
        at += take;
      } else {
        parts.push(file.salt.subarray(at - prefix, end - prefix));
        at = end;
      }
    }
    return parts;
  }

  /** The whole file in one buffer (tests only: uploads never need it). */
  bytes(file: PayloadFile): Buffer {
    return Buffer.concat(this.slices(file, 0, file.size));
  }

  private prefixHash(length: number): Hash {
    let hash = this.prefixHashes.get(length);
    if (!hash) {
      hash = createHash('sha256');
      for (let at = 0; at < length; at += this.pool.length) {
        hash.update(this.pool.subarray(0, Math.min(this.pool.length, length - at)));
      }
      this.prefixHashes.set(length, hash);
    }
    return hash;
  }
}

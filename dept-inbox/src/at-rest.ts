// Encryption at rest: one 32-byte key given to the inbox (the embedded demo inbox gets one
// derived from the app's master key; a department may give its own with --key-file),
// from which the database key and the upload-file key are derived, so neither is the
// other. Without a key the inbox stores in the clear and the department's disk policy
// applies.
import { hkdfSync } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { InboxError } from './errors.ts';

export interface AtRestKeys {
  database: Buffer;
  files: Buffer;
}

export function deriveAtRestKeys(key: Buffer): AtRestKeys {
  if (key.length !== 32) throw new RangeError(`the inbox key must be 32 bytes, got ${key.length}`);
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
  return { database: derive('tongban/inbox-db/v1'), files: derive('tongban/inbox-files/v1') };
}

/** Creates a directory owner-only, and makes it so if it existed (mkdir's mode applies only to what it creates). */
export function ownerOnlyDirectory(directory: string): string {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(directory, 0o700);
  return directory;
}

/** A key file: 32 bytes, raw or as 64 hex digits; refused when others may read it. */
export function readKeyFile(file: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    throw new InboxError('config.invalid', `cannot read the key file ${file}: ${(error as Error).message}`);
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new InboxError('config.invalid', `${file} is readable by others; run chmod 600 on it`);
  }
  const text = content.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (content.length === 32) return content;
  throw new InboxError('config.invalid', `${file} must hold a 32-byte key (raw, or 64 hex digits)`);
}

// Password hashing with scrypt (node:crypto), stored as a self-describing string
// so the cost can be raised later without breaking existing accounts.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { Semaphore } from '../common/one-at-a-time.ts';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/**
 * OWASP's current guidance for scrypt: N=2^17, r=8, p=1, which needs 128 MiB per
 * hash (128·N·r bytes). Hashes stored with an older cost still verify with their own
 * parameters and are re-hashed at this cost on the next successful sign-in.
 */
const COST = { N: 1 << 17, r: 8, p: 1 };
const KEY_LENGTH = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Whether a stored hash was made with other parameters than today's (then re-hash it). */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split('$');
  return scheme !== 'scrypt' || Number(n) !== COST.N || Number(r) !== COST.r || Number(p) !== COST.p;
}

/** A hash to verify against when the username is unknown, so timing does not reveal it. */
export const DECOY_HASH = `scrypt$${COST.N}$${COST.r}$${COST.p}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;

/**
 * 等保 2.0 password rule: at least 8 characters from at least three of the four
 * classes (upper, lower, digit, symbol). Returns the rule broken, or null.
 */
export function passwordWeakness(password: string): string | null {
  if (password.length < 8) return 'length';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  return classes < 3 ? 'classes' : null;
}

/**
 * scrypt runs on libuv's thread pool (4 threads), which the core's file I/O shares: a
 * burst of sign-ins must not hold all of it. Two at a time keeps the rest free.
 */
const hashing = new Semaphore(2);

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  return hashing.run(() =>
    // Node refuses scrypt above maxmem (32 MiB by default): allow what the cost needs, with headroom.
    scryptAsync(password.normalize('NFC'), salt, KEY_LENGTH, { ...cost, maxmem: 2 * 128 * cost.N * cost.r }),
  );
}

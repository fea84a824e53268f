// Signing the manifest for transport (封包签名): the canonical manifest bytes are signed
// with the window's key — Ed25519 (node:crypto) by default, or SM2 with SM3 and the
// standard user id (国密, via sm-crypto, which also runs where BoringSSL lacks SM3) for
// departments that require national algorithms. Keys travel as hex: Ed25519 as the
// 32-byte seed and 32-byte public key, SM2 as the 32-byte scalar and the 65-byte
// uncompressed point (04‖x‖y).
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { createRequire } from 'node:module';
import smCrypto from 'sm-crypto';
import { canonicalManifestBytes, type ManifestSignature, type SignatureScheme } from '../common/sync-protocol.ts';

/** GB/T 35276 default signer id for SM2 (the "1234567812345678" every vendor uses). */
export const SM2_USER_ID = '1234567812345678';

// The package's typings miss the helpers used here.
interface Sm2Module {
  generateKeyPairHex(): { privateKey: string; publicKey: string };
  doSignature(
    msg: number[],
    privateKey: string,
    options: { hash: true; der: false; publicKey: string; userId: string; pointPool: PointPool },
  ): string;
  doVerifySignature(
    msg: number[],
    signHex: string,
    publicKey: string,
    options: { hash: true; der: false; userId: string },
  ): boolean;
  getPublicKeyFromPrivateKey(privateKey: string): string;
  verifyPublicKey(publicKey: string): boolean;
}
const sm2 = (smCrypto as unknown as { sm2: Sm2Module }).sm2;

// sm-crypto draws private keys and signing nonces from its own RC4 generator, seeded once
// per process. Ours come from crypto.randomBytes instead: keys are made here, and nonces
// reach doSignature through its `pointPool` (points k·G it takes before its own), which
// needs jsbn integers — from the jsbn sm-crypto itself depends on.
interface JsbnInteger {
  toString(radix: number): string;
}
const { BigInteger } = createRequire(createRequire(import.meta.url).resolve('sm-crypto'))('jsbn') as {
  BigInteger: new (value: string, radix: number) => JsbnInteger;
};
interface SignPoint {
  k: JsbnInteger;
  x1: JsbnInteger;
}
/** What doSignature reads of its pool: `length` (truthy: use it) and `pop()`. */
interface PointPool {
  readonly length: number;
  pop(): SignPoint;
}

/** Random bytes for SM2 scalars; tests pass their own to see where a key or nonce comes from. */
export type RandomSource = (size: number) => Uint8Array;

/** The order n of the SM2 curve (GB/T 32918.5). */
const SM2_N = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');

/** A uniform scalar in [1, n-1], as 64 hex digits: 32 random bytes, drawn again when out of range. */
export function sm2Scalar(random: RandomSource = randomBytes): string {
  for (;;) {
    const bytes = random(32);
    if (bytes.length !== 32) throw new RangeError(`random source gave ${bytes.length} bytes, expected 32`);
    const hex = Buffer.from(bytes).toString('hex');
    const value = BigInt(`0x${hex}`);
    if (value >= 1n && value < SM2_N) return hex;
  }
}

/** A pool that never runs dry: every k doSignature uses — a redraw too, when r or s come out 0 — is ours. */
function noncePool(random: RandomSource): PointPool {
  return {
    length: 1,
    pop() {
      const k = sm2Scalar(random);
      const kG = sm2.getPublicKeyFromPrivateKey(k); // 04 ‖ x1 ‖ y1
      return { k: new BigInteger(k, 16), x1: new BigInteger(kG.slice(2, 66), 16) };
    },
  };
}

/** A window's signing key pair. The private half is wrapped by the key provider at rest. */
export interface SigningKey {
  scheme: SignatureScheme;
  /** Hex: Ed25519 32-byte seed, or SM2 32-byte private scalar. */
  privateKey: string;
  /** Hex, canonical form (see `normalizePublicKey`). */
  publicKey: string;
  keyId: string;
}

/** What the department enrols for a window. */
export interface PublicKeyRef {
  scheme: SignatureScheme;
  /** Hex, canonical form. */
  publicKey: string;
}

export type VerifyFailure =
  'signature.malformed' | 'signature.schemeMismatch' | 'signature.unknownKey' | 'signature.invalid';
export type VerifyResult = { ok: true } | { ok: false; code: VerifyFailure; message: string };

export class KeyFormatError extends Error {
  override readonly name = 'KeyFormatError';
}

/** A fresh key pair; `random` (SM2 only) defaults to crypto.randomBytes. */
export function generateSigningKey(scheme: SignatureScheme = 'ed25519', random: RandomSource = randomBytes): SigningKey {
  if (scheme === 'sm2') {
    const privateKey = sm2Scalar(random);
    const publicKey = sm2.getPublicKeyFromPrivateKey(privateKey);
    return { scheme, privateKey, publicKey, keyId: keyIdOf(publicKey) };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d ?? '', 'base64url').toString('hex');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
  return { scheme, privateKey: seed, publicKey: pub, keyId: keyIdOf(pub) };
}

/** The public half of a private key, in canonical hex. */
export function publicKeyOf(scheme: SignatureScheme, privateKeyHex: string): string {
  if (scheme === 'sm2') return sm2.getPublicKeyFromPrivateKey(privateKeyHex);
  const jwk = createPublicKey(ed25519PrivateKey(privateKeyHex)).export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url').toString('hex');
}

/** SHA-256 hex of the canonical public key bytes: names the key in a signature. */
export function keyIdOf(publicKeyHex: string): string {
  return createHash('sha256').update(Buffer.from(publicKeyHex, 'hex')).digest('hex');
}

/**
 * Brings an enrolled public key to its canonical hex. Ed25519 takes 64 hex digits (raw),
 * base64 of the 32 raw bytes, or SPKI (PEM, or DER in base64); SM2 takes the uncompressed
 * point as 130 hex digits (04‖x‖y) or 128 (x‖y). Throws KeyFormatError otherwise.
 */
export function normalizePublicKey(scheme: SignatureScheme, input: string): string {
  const text = input.trim();
  if (scheme === 'sm2') {
    const hex = text.toLowerCase();
    const full = /^[0-9a-f]{128}$/.test(hex) ? `04${hex}` : hex;
    if (!/^04[0-9a-f]{128}$/.test(full) || !sm2.verifyPublicKey(full)) {
      throw new KeyFormatError('SM2 public key must be the uncompressed point in hex (04‖x‖y), on the curve');
    }
    return full;
  }
  try {
    if (/^[0-9a-fA-F]{64}$/.test(text)) return ed25519RawFromKey(createEd25519Public(Buffer.from(text, 'hex')));
    if (text.startsWith('-----BEGIN')) return ed25519RawFromKey(createPublicKey(text));
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length === 32) return ed25519RawFromKey(createEd25519Public(bytes));
    if (bytes.length > 32) return ed25519RawFromKey(createPublicKey({ key: bytes, format: 'der', type: 'spki' }));
  } catch (error) {
    throw new KeyFormatError(`Ed25519 public key cannot be read: ${(error as Error).message}`);
  }
  throw new KeyFormatError('Ed25519 public key must be 64 hex digits, base64 of 32 bytes, or SPKI (PEM or base64 DER)');
}

/** Signs the canonical manifest bytes; `random` (SM2's nonce) defaults to crypto.randomBytes. */
export function signManifest(manifest: unknown, key: SigningKey, random: RandomSource = randomBytes): ManifestSignature {
  const bytes = canonicalManifestBytes(manifest);
  if (key.scheme === 'sm2') {
    const hex = sm2.doSignature(Array.from(bytes), key.privateKey, {
      hash: true,
      der: false,
      publicKey: key.publicKey,
      userId: SM2_USER_ID,
      pointPool: noncePool(random),
    });
    return { scheme: 'sm2', keyId: keyIdOf(key.publicKey), value: Buffer.from(hex, 'hex').toString('base64') };
  }
  const value = sign(null, bytes, ed25519PrivateKey(key.privateKey)).toString('base64');
  return { scheme: 'ed25519', keyId: keyIdOf(key.publicKey), value };
}

/** Verifies a signature against an enrolled public key; says why when it fails. */
export function verifyManifest(manifest: unknown, signature: ManifestSignature, publicKey: PublicKeyRef): VerifyResult {
  if (signature.scheme !== publicKey.scheme) {
    return fail(
      'signature.schemeMismatch',
      `signed with ${signature.scheme}, window enrolled with ${publicKey.scheme}`,
    );
  }
  if (signature.keyId !== keyIdOf(publicKey.publicKey)) {
    return fail('signature.unknownKey', 'keyId does not name the key enrolled for this window');
  }
  const raw = Buffer.from(signature.value, 'base64');
  if (raw.length !== 64 || raw.toString('base64') !== signature.value) {
    return fail('signature.malformed', 'signature value must be base64 of 64 bytes');
  }
  let bytes: Uint8Array;
  try {
    bytes = canonicalManifestBytes(manifest);
  } catch {
    return fail('signature.invalid', 'manifest cannot be canonicalized');
  }
  let ok: boolean;
  try {
    ok =
      publicKey.scheme === 'sm2'
        ? sm2.doVerifySignature(Array.from(bytes), raw.toString('hex'), publicKey.publicKey, {
            hash: true,
            der: false,
            userId: SM2_USER_ID,
          })
        : verify(null, bytes, createEd25519Public(Buffer.from(publicKey.publicKey, 'hex')), raw);
  } catch {
    ok = false;
  }
  return ok ? { ok: true } : fail('signature.invalid', 'signature does not match the manifest');
}

function fail(code: VerifyFailure, message: string): VerifyResult {
  return { ok: false, code, message };
}

function ed25519PrivateKey(seedHex: string) {
  const seed = Buffer.from(seedHex, 'hex');
  if (seed.length !== 32) throw new KeyFormatError('Ed25519 private key must be a 32-byte seed in hex');
  // PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): fixed 16-byte prefix.
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

function createEd25519Public(raw: Buffer) {
  if (raw.length !== 32) throw new KeyFormatError('Ed25519 public key must be 32 bytes');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

function ed25519RawFromKey(key: ReturnType<typeof createPublicKey>): string {
  if (key.asymmetricKeyType !== 'ed25519')
    throw new KeyFormatError(`not an Ed25519 key (${key.asymmetricKeyType ?? 'unknown'})`);
  return Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
}

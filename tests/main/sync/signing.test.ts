// Manifest signatures with Ed25519 and SM2/SM3: what verifies, what does not, and why.
import { createPublicKey, verify } from 'node:crypto';
import smCrypto from 'sm-crypto';
import { describe, expect, it } from 'vitest';
import { canonicalManifestBytes } from '../../../src-main/common/sync-protocol.ts';
import {
  generateSigningKey,
  KeyFormatError,
  keyIdOf,
  normalizePublicKey,
  publicKeyOf,
  signManifest,
  SM2_USER_ID,
  verifyManifest,
} from '../../../src-main/sync/signing.ts';

const manifest = { packetId: 'p', version: 1, applicant: { name: '张三' }, files: [], note: '😀 emoji and 中文' };

describe.each(['ed25519', 'sm2'] as const)('%s', (scheme) => {
  const key = generateSigningKey(scheme);
  const enrolled = { scheme, publicKey: key.publicKey };

  it('signs and verifies the canonical bytes, whatever the key order', () => {
    const signature = signManifest(manifest, key);
    expect(signature).toEqual({ scheme, keyId: keyIdOf(key.publicKey), value: expect.any(String) });
    expect(Buffer.from(signature.value, 'base64')).toHaveLength(64);
    const reordered = { note: manifest.note, files: [], applicant: { name: '张三' }, version: 1, packetId: 'p' };
    expect(verifyManifest(reordered, signature, enrolled)).toEqual({ ok: true });
  });

  it('fails a changed manifest, a foreign key, a malformed value and another scheme, each with its code', () => {
    const signature = signManifest(manifest, key);
    const changed = { ...manifest, applicant: { name: '李四' } };
    expect(verifyManifest(changed, signature, enrolled)).toMatchObject({ ok: false, code: 'signature.invalid' });
    const other = generateSigningKey(scheme);
    expect(verifyManifest(manifest, signManifest(manifest, other), enrolled)).toMatchObject({
      code: 'signature.unknownKey',
    });
    // The right keyId, but another key's signature.
    const forged = { ...signManifest(manifest, other), keyId: signature.keyId };
    expect(verifyManifest(manifest, forged, enrolled)).toMatchObject({ code: 'signature.invalid' });
    expect(verifyManifest(manifest, { ...signature, value: 'AAAA' }, enrolled)).toMatchObject({
      code: 'signature.malformed',
    });
    expect(verifyManifest(manifest, { ...signature, value: '%%%' }, enrolled)).toMatchObject({
      code: 'signature.malformed',
    });
    const otherScheme = scheme === 'sm2' ? 'ed25519' : 'sm2';
    expect(verifyManifest(manifest, { ...signature, scheme: otherScheme }, enrolled)).toMatchObject({
      code: 'signature.schemeMismatch',
    });
  });

  it('derives the public key from the private key', () => {
    expect(publicKeyOf(scheme, key.privateKey)).toBe(key.publicKey);
  });
});

describe('interoperability', () => {
  it('an Ed25519 signature verifies with plain node:crypto over the canonical bytes', () => {
    const key = generateSigningKey('ed25519');
    const signature = signManifest(manifest, key);
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key.publicKey, 'hex').toString('base64url') },
      format: 'jwk',
    });
    expect(verify(null, canonicalManifestBytes(manifest), publicKey, Buffer.from(signature.value, 'base64'))).toBe(
      true,
    );
  });

  it('an SM2 signature is r‖s with SM3 and the standard user id', () => {
    const key = generateSigningKey('sm2');
    const signature = signManifest(manifest, key);
    const hex = Buffer.from(signature.value, 'base64').toString('hex');
    const bytes = Array.from(canonicalManifestBytes(manifest));
    expect(
      smCrypto.sm2.doVerifySignature(bytes, hex, key.publicKey, { hash: true, der: false, userId: SM2_USER_ID }),
    ).toBe(true);
    expect(
      smCrypto.sm2.doVerifySignature(bytes, hex, key.publicKey, { hash: true, der: false, userId: 'another-user-id' }),
    ).toBe(false);
  });
});

describe('normalizePublicKey', () => {
  it('reads Ed25519 as raw hex, base64 or SPKI, always giving raw hex', () => {
    const key = generateSigningKey('ed25519');
    const raw = Buffer.from(key.publicKey, 'hex');
    const spki = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    const pem = spki.export({ type: 'spki', format: 'pem' }).toString();
    const der = spki.export({ type: 'spki', format: 'der' }).toString('base64');
    for (const input of [key.publicKey, key.publicKey.toUpperCase(), raw.toString('base64'), pem, der]) {
      expect(normalizePublicKey('ed25519', input)).toBe(key.publicKey);
    }
  });

  it('reads SM2 as the uncompressed point with or without 04, and refuses points off the curve', () => {
    const key = generateSigningKey('sm2');
    expect(normalizePublicKey('sm2', key.publicKey.slice(2))).toBe(key.publicKey);
    expect(normalizePublicKey('sm2', key.publicKey.toUpperCase())).toBe(key.publicKey);
    const offCurve = `04${'1'.repeat(128)}`;
    expect(() => normalizePublicKey('sm2', offCurve)).toThrow(KeyFormatError);
    expect(() => normalizePublicKey('sm2', 'abc')).toThrow(KeyFormatError);
    expect(() => normalizePublicKey('ed25519', 'abc')).toThrow(KeyFormatError);
    expect(() => normalizePublicKey('ed25519', key.publicKey)).toThrow(KeyFormatError);
  });
});

describe('SM2 randomness comes from crypto.randomBytes, not sm-crypto’s generator', () => {
  const N = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');
  const mod = (a: bigint) => ((a % N) + N) % N;
  /** A random source that hands out the given 32-byte draws in order, and counts them. */
  const draws = (...hexes: string[]) => {
    const source = (size: number) => {
      expect(size).toBe(32);
      const next = hexes[source.used++];
      if (next === undefined) throw new Error('no more draws');
      return Buffer.from(next, 'hex');
    };
    source.used = 0;
    return source;
  };
  const D = '1f'.repeat(32);
  const K = '2a'.repeat(32);

  it('makes the private key the scalar drawn, drawing again outside [1, n-1]', () => {
    const random = draws('ff'.repeat(32), '00'.repeat(32), N.toString(16), D);
    const key = generateSigningKey('sm2', random);
    expect(random.used).toBe(4);
    expect(key.privateKey).toBe(D);
    expect(key.publicKey).toBe(publicKeyOf('sm2', D));
    expect(key.keyId).toBe(keyIdOf(key.publicKey));
  });

  it('signs with the nonce drawn: k recovered from (r, s) and the key is the one supplied', () => {
    const key = generateSigningKey('sm2', draws(D));
    const random = draws(K);
    const signature = signManifest(manifest, key, random);
    expect(random.used).toBe(1);
    expect(verifyManifest(manifest, signature, { scheme: 'sm2', publicKey: key.publicKey })).toEqual({ ok: true });
    // SM2: s = (1 + d)^-1 (k - r d) mod n, so k = s (1 + d) + r d mod n.
    const raw = Buffer.from(signature.value, 'base64').toString('hex');
    const r = BigInt(`0x${raw.slice(0, 64)}`);
    const s = BigInt(`0x${raw.slice(64)}`);
    const d = BigInt(`0x${D}`);
    expect(mod(s * (1n + d) + r * d)).toBe(BigInt(`0x${K}`));
    // The same nonce gives the same signature: nothing else random went in.
    expect(signManifest(manifest, key, draws(K))).toEqual(signature);
  });
});

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

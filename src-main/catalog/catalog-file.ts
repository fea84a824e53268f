// Signed catalog files (签名目录文件): how catalog updates travel from the
// department side to the window. The file is `{ catalog, signature }`; the
// signature is Ed25519 over the RFC 8785 canonical JSON of `catalog` exactly as
// received, so whitespace or key order of the file do not matter and any change of
// content does. Verification order: envelope, trusted key, signature, then schema
// and consistency — content is judged only once we know who published it.
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json.ts';
import { z } from 'zod';
import { AppError } from '../common/errors.ts';
import { Catalog, TrustedKey } from '../common/catalog.ts';

export { TrustedKey } from '../common/catalog.ts';

const Base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');

export const CatalogSignature = z
  .object({
    algorithm: z.literal('ed25519'),
    /** Names the trusted public key that verifies it. */
    keyId: z.string().min(1).max(128),
    /** Base64 of the 64-byte Ed25519 signature. */
    value: Base64,
  })
  .strict();
export type CatalogSignature = z.infer<typeof CatalogSignature>;

const SignedCatalogEnvelope = z
  .object({ catalog: z.record(z.string(), z.unknown()), signature: CatalogSignature })
  .strict();
export type SignedCatalogFile = z.infer<typeof SignedCatalogEnvelope>;

/** The bytes that are signed: RFC 8785 canonical JSON of the catalog. */
export function signedBytes(catalog: unknown): Buffer {
  return Buffer.from(canonicalJson(catalog), 'utf8');
}

/** Signs a catalog as a department does (see sign-catalog.ts); checks it is valid first. */
export function signCatalog(catalog: unknown, privateKey: KeyObject, keyId: string): SignedCatalogFile {
  const parsed = Catalog.safeParse(catalog);
  if (!parsed.success) throw invalid(parsed.error);
  const value = sign(null, signedBytes(catalog), privateKey).toString('base64');
  return { catalog: catalog as Record<string, unknown>, signature: { algorithm: 'ed25519', keyId, value } };
}

export interface VerifiedCatalog {
  catalog: Catalog;
  signerKeyId: string;
}

/** Checks a received file; throws catalog.invalid / untrustedKey / badSignature. */
export function verifyCatalogFile(text: string, trustedKeys: readonly TrustedKey[]): VerifiedCatalog {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AppError('catalog.invalid', `catalog file is not valid JSON: ${(error as Error).message}`, {
      problems: '文件不是有效的 JSON',
    });
  }
  const envelope = SignedCatalogEnvelope.safeParse(json);
  if (!envelope.success) throw invalid(envelope.error, 'not a signed catalog file: ');

  const { catalog, signature } = envelope.data;
  const key = trustedKeys.find((k) => k.keyId === signature.keyId);
  if (!key) {
    throw new AppError('catalog.untrustedKey', `catalog is signed with key ${signature.keyId}, which is not trusted`, {
      keyId: signature.keyId,
    });
  }
  const ok = verify(null, signedBytes(catalog), publicKeyOf(key), Buffer.from(signature.value, 'base64'));
  if (!ok) throw new AppError('catalog.badSignature', `signature by ${signature.keyId} does not match the catalog`);

  const parsed = Catalog.safeParse(catalog);
  if (!parsed.success) throw invalid(parsed.error);
  return { catalog: parsed.data, signerKeyId: key.keyId };
}

export function publicKeyOf(key: TrustedKey): KeyObject {
  return createPublicKey({ key: { ...key.publicKeyJwk }, format: 'jwk' });
}

/** Reads an Ed25519 private key in PEM (PKCS#8) or as a JWK JSON text. */
export function readPrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.startsWith('{')
    ? createPrivateKey({ key: JSON.parse(trimmed) as Record<string, string>, format: 'jwk' })
    : createPrivateKey(trimmed);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`expected an Ed25519 key, got ${key.asymmetricKeyType}`);
  return key;
}

export function parseTrustedKeys(input: unknown): TrustedKey[] {
  return z.array(TrustedKey).parse(Array.isArray(input) ? input : [input]);
}

const MAX_LISTED_PROBLEMS = 5;

function invalid(error: z.ZodError, prefix = ''): AppError {
  const problems = error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).join('；');
  const more = problems.length > MAX_LISTED_PROBLEMS ? `；另有 ${problems.length - MAX_LISTED_PROBLEMS} 处` : '';
  return new AppError('catalog.invalid', `${prefix}${problems.join('; ')}`, { problems: listed + more });
}

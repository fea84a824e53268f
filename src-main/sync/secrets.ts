// What sync keeps secret in SQLite: the window's private signing keys and the
// department tokens. The database is encrypted already; these are sealed once more
// (AES-256-GCM) with their own key, derived from the master key the way
// store/keys.ts derives the database and blob keys, so a database key leak alone
// does not yield a key that signs packets.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../common/errors.ts';
import type { Database } from '../store/database.ts';
import type { SignatureScheme } from '../common/sync-protocol.ts';
import { generateSigningKey, keyIdOf, publicKeyOf, type SigningKey } from './signing.ts';

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 1;

/** Sibling of deriveStoreKeys: HKDF-SHA256 over the master key, no salt, own purpose string. */
export function deriveSyncKey(masterKey: Buffer): Buffer {
  if (masterKey.length !== KEY_BYTES) {
    throw new RangeError(`master key must be ${KEY_BYTES} bytes, got ${masterKey.length}`);
  }
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'tongban/sync/v1', KEY_BYTES));
}

/** AES-256-GCM with a random nonce; the purpose is bound as AAD so sealed values cannot be swapped. */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new RangeError(`sync key must be ${KEY_BYTES} bytes`);
    this.#key = key;
  }

  seal(plain: Buffer, purpose: string): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(purpose, 'utf8'));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT]), nonce, body, cipher.getAuthTag()]);
  }

  open(sealed: Buffer, purpose: string): Buffer {
    if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== FORMAT) {
      throw new AppError('store.cannotOpen', `sealed ${purpose} has an unknown format`);
    }
    const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(purpose, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch (error) {
      throw new AppError('store.cannotOpen', `sealed ${purpose} cannot be opened with this key`, undefined, {
        cause: error,
      });
    }
  }
}

/** The window's signing keys, one per scheme, created on first need. */
export class WindowKeys {
  readonly #cache = new Map<SignatureScheme, SigningKey>();

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly now: () => number,
  ) {}

  /** The key for a scheme; generated and stored (sealed) the first time it is asked for. */
  get(scheme: SignatureScheme): SigningKey {
    const cached = this.#cache.get(scheme);
    if (cached) return cached;
    let stored = false;
    const key = this.db.transaction(() => {
      const row = this.db
        .prepare<[string], { public_key: string; key_id: string; private_sealed: Buffer }>(
          'SELECT public_key, key_id, private_sealed FROM sync_keys WHERE scheme = ?',
        )
        .get(scheme);
      if (row) {
        const privateKey = this.box.open(row.private_sealed, `window-key/${scheme}`).toString('utf8');
        // A sealed key that does not match its public half is damage, never something to sign with.
        if (publicKeyOf(scheme, privateKey) !== row.public_key || keyIdOf(row.public_key) !== row.key_id) {
          throw new AppError('store.cannotOpen', `the stored ${scheme} window key does not match its public key`);
        }
        stored = true;
        return { scheme, privateKey, publicKey: row.public_key, keyId: row.key_id };
      }
      const fresh = generateSigningKey(scheme);
      this.db
        .prepare(
          'INSERT INTO sync_keys (scheme, public_key, key_id, private_sealed, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(
          scheme,
          fresh.publicKey,
          fresh.keyId,
          this.box.seal(Buffer.from(fresh.privateKey, 'utf8'), `window-key/${scheme}`),
          this.now(),
        );
      return fresh;
    })();
    // Only a key read back from the database is cached: a fresh one may still be rolled
    // back with the transaction around this call (a failed seal), and must not outlive it.
    if (stored) this.#cache.set(scheme, key);
    return key;
  }
}

/** Department tokens, sealed, by credential name. */
export class Credentials {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly now: () => number,
  ) {}

  get(name: string): string | undefined {
    const row = this.db
      .prepare<[string], { secret_sealed: Buffer }>('SELECT secret_sealed FROM sync_credentials WHERE name = ?')
      .get(name);
    return row ? this.box.open(row.secret_sealed, `credential/${name}`).toString('utf8') : undefined;
  }

  has(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM sync_credentials WHERE name = ?').get(name) !== undefined;
  }

  /**
   * Several secrets at once, all or none (the setup wizard's save: the tokens of a config
   * not yet in effect, by the credential names that config gives its departments).
   */
  setAll(secrets: ReadonlyArray<{ name: string; secret: string }>, setBy: string): void {
    this.db.transaction(() => {
      for (const { name, secret } of secrets) this.set(name, secret, setBy);
    })();
  }

  set(name: string, secret: string, setBy: string): void {
    this.db
      .prepare(
        `INSERT INTO sync_credentials (name, secret_sealed, set_by, set_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET secret_sealed = excluded.secret_sealed, set_by = excluded.set_by,
           set_at = excluded.set_at`,
      )
      .run(name, this.box.seal(Buffer.from(secret, 'utf8'), `credential/${name}`), setBy, this.now());
  }
}

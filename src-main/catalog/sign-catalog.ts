// The department side's tool for publishing a catalog: make a signing key pair,
// sign a catalog, check a signed file as a window would.
//
//   tsx src-main/catalog/sign-catalog.ts generate-key --key-id ID --owner 名称 --private FILE.pem --public FILE.pub.json
//   tsx src-main/catalog/sign-catalog.ts sign --key FILE.pem --key-id ID --in catalog.json --out signed.json
//       (--in may be a signed file: its catalog is signed again, so a file can be edited and re-signed in place)
//   tsx src-main/catalog/sign-catalog.ts verify --trusted FILE.pub.json --in signed.json
//
// (or `node dist/src-main/catalog/sign-catalog.js …` after `npm run build:main`).
// The private key is written with mode 0600 and never leaves the department.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isAppError } from '../common/errors.ts';
import { parseTrustedKeys, readPrivateKey, signCatalog, type TrustedKey, verifyCatalogFile } from './catalog-file.ts';

const USAGE = `usage:
  sign-catalog generate-key --key-id ID --owner NAME --private FILE.pem --public FILE.pub.json
  sign-catalog sign --key FILE.pem --key-id ID --in catalog.json --out signed.json
  sign-catalog verify --trusted FILE.pub.json --in signed.json`;

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      'key-id': { type: 'string' },
      owner: { type: 'string' },
      private: { type: 'string' },
      public: { type: 'string' },
      key: { type: 'string' },
      in: { type: 'string' },
      out: { type: 'string' },
      trusted: { type: 'string' },
    },
  });
  const need = (name: keyof typeof values): string => {
    const value = values[name];
    if (!value) throw new UsageError(`missing --${name}`);
    return value;
  };

  switch (command) {
    case 'generate-key': {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const jwk = publicKey.export({ format: 'jwk' });
      const trusted: TrustedKey = {
        keyId: need('key-id'),
        algorithm: 'ed25519',
        owner: need('owner'),
        publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: String(jwk.x) },
      };
      writeFileSync(need('private'), privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
      writeFileSync(need('public'), `${JSON.stringify(trusted, null, 2)}\n`);
      console.log(`key ${trusted.keyId}: private key in ${values.private}, public key in ${values.public}`);
      return 0;
    }
    case 'sign': {
      const key = readPrivateKey(readFileSync(need('key'), 'utf8'));
      const input = JSON.parse(readFileSync(need('in'), 'utf8')) as Record<string, unknown>;
      // A signed file is re-signed (e.g. after editing it in place); anything else is a bare catalog.
      const catalog = 'catalog' in input && 'signature' in input ? input.catalog : input;
      const signed = signCatalog(catalog, key, need('key-id'));
      writeFileSync(need('out'), `${JSON.stringify(signed, null, 2)}\n`);
      console.log(`signed catalog version ${(catalog as { version?: unknown }).version} into ${values.out}`);
      return 0;
    }
    case 'verify': {
      const trusted = parseTrustedKeys(JSON.parse(readFileSync(need('trusted'), 'utf8')));
      const { catalog, signerKeyId } = verifyCatalogFile(readFileSync(need('in'), 'utf8'), trusted);
      console.log(`ok: catalog version ${catalog.version}, ${catalog.items.length} items, signed by ${signerKeyId}`);
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command');
  }
}

class UsageError extends Error {}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else if (isAppError(error)) {
    console.error(`${error.code}: ${error.detail}`);
    process.exitCode = 1;
  } else {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}

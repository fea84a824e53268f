// An installer applies catalog updates through the contract, on a real core.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signCatalog } from '../../../src-main/catalog/catalog-file.ts';
import { demoConfig } from '../../../src-main/common/hall-config.ts';
import { bootTestCore, tempDir } from '../helpers.ts';
import { client, STRONG } from '../intake/fixtures.ts';

const seedFile = JSON.parse(readFileSync('assets/catalog/seed-catalog.json', 'utf8')) as {
  catalog: { version: number; items: Array<{ name: string }> };
};

function departmentKey(keyId: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
  return { privateKey, trusted: { keyId, algorithm: 'ed25519' as const, owner: '测试审批部门', publicKeyJwk: jwk } };
}

async function installerOn(dataDir: string) {
  const { core } = await bootTestCore({ dataDir });
  const installer = client(core.openConnection(() => undefined));
  await installer.call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
  return installer;
}

describe('catalog updates through the contract', () => {
  it('installs a newer catalog signed by a key the hall trusts, and keeps the old version', async () => {
    const key = departmentKey('dept-2027');
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ ...demoConfig(), catalog: { trustedKeys: [key.trusted] } }));
    const installer = await installerOn(dataDir);

    const next = structuredClone(seedFile.catalog);
    next.version += 1;
    next.items[0]!.name = '社会保障卡申领（新版）';
    const installed = await installer.call<{ version: number; active: boolean }>('catalog.install', {
      fileText: JSON.stringify(signCatalog(next, key.privateKey, 'dept-2027')),
    });
    expect(installed).toMatchObject({ version: next.version, active: true });
    const { catalogs } = await installer.call<{ catalogs: Array<{ version: number; active: boolean }> }>('catalog.list');
    expect(catalogs.map((c) => [c.version, c.active])).toEqual([
      [next.version, true],
      [seedFile.catalog.version, false],
    ]);
  });

  it('refuses tampered, untrusted and replayed files; the active catalog stays', async () => {
    const installer = await installerOn(tempDir());
    const tampered = structuredClone(seedFile) as typeof seedFile & { signature: unknown };
    tampered.catalog.version += 1;
    expect(await installer.fail('catalog.install', { fileText: JSON.stringify(tampered) })).toMatchObject({
      code: 'catalog.badSignature',
    });

    const stranger = departmentKey('unknown-dept');
    const next = { ...seedFile.catalog, version: seedFile.catalog.version + 1 };
    expect(
      await installer.fail('catalog.install', { fileText: JSON.stringify(signCatalog(next, stranger.privateKey, 'unknown-dept')) }),
    ).toMatchObject({ code: 'catalog.untrustedKey' });

    expect(
      await installer.fail('catalog.install', { fileText: readFileSync('assets/catalog/seed-catalog.json', 'utf8') }),
    ).toMatchObject({ code: 'catalog.notNewer' });
    expect(await installer.fail('catalog.install', { fileText: '{"catalog": 1' })).toMatchObject({ code: 'catalog.invalid' });

    const { catalogs } = await installer.call<{ catalogs: Array<{ version: number; active: boolean }> }>('catalog.list');
    expect(catalogs).toEqual([expect.objectContaining({ version: seedFile.catalog.version, active: true })]);
  });
});

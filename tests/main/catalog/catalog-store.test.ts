import { sign } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signedBytes, verifyCatalogFile } from '../../../src-main/catalog/catalog-file.ts';
import { CatalogStore } from '../../../src-main/catalog/catalog-store.ts';
import type { TrustedKey } from '../../../src-main/catalog/catalog-file.ts';
import { EventLog, AUDIT_STREAM } from '../../../src-main/recording/event-log.ts';
import { openDatabase } from '../../../src-main/store/database.ts';
import { TestClock, tempDir } from '../helpers.ts';
import { appErrorOf } from '../store/helpers.ts';
import { catalogJson, demoKey, makeKey, personItem, seedText, signedText, type TestKey } from './fixtures.ts';

const KEY = Buffer.alloc(32, 3);

function openStore(dir = tempDir(), trustedKeys: readonly TrustedKey[] = [department.trusted]) {
  const db = openDatabase({ file: join(dir, 'tongban.db'), key: KEY, backupDir: join(dir, 'backups') });
  const clock = new TestClock();
  const events = new EventLog(db, clock, Buffer.alloc(32, 5));
  const store = new CatalogStore(db, { trustedKeys, clock, events });
  const audit = () => [...events.read(AUDIT_STREAM)].map((e) => ({ kind: e.kind, payload: e.payload }));
  return { db, dir, store, audit, close: () => db.close() };
}

const department: TestKey = makeKey('dept-2026');
const v1 = () => signedText(catalogJson(1), department);

/** A signed file whose content was then changed by hand. */
function tampered(text: string, change: (file: { catalog: Record<string, unknown> }) => void): string {
  const file = JSON.parse(text) as { catalog: Record<string, unknown> };
  change(file);
  return JSON.stringify(file);
}

describe('catalog store: installing signed catalogs', () => {
  it('installs a catalog signed by a trusted department key and makes it active', () => {
    const { store, audit } = openStore();
    const summary = store.install(v1(), 'installer1');
    expect(summary).toMatchObject({
      version: 1,
      publisher: '测试审批部门',
      signerKeyId: 'dept-2026',
      itemCount: 2,
      active: true,
    });
    expect(store.active().version).toBe(1);
    expect(store.item('TEST-HK-0001').name).toBe('户口迁移（夫妻投靠）');
    expect(audit()).toContainEqual(
      expect.objectContaining({
        kind: 'catalog.installed',
        payload: expect.objectContaining({ version: 1, previous: null }),
      }),
    );
  });

  it('keeps every earlier version on record when a newer one becomes active', () => {
    const { store } = openStore();
    store.install(v1(), 'installer1');
    store.install(
      signedText(catalogJson(2, [personItem({ name: '户口迁移（夫妻投靠，新版）' })]), department),
      'installer1',
    );
    expect(store.list().map((c) => [c.version, c.active])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(store.item('TEST-HK-0001').name).toBe('户口迁移（夫妻投靠，新版）');
  });

  it('keeps the active catalog across a restart', () => {
    const first = openStore();
    first.store.install(v1(), 'installer1');
    first.close();
    const again = openStore(first.dir);
    expect(again.store.activeSummary()?.version).toBe(1);
    expect(again.store.item('TEST-SC-0001').serviceObjects).toEqual(['company']);
  });

  it('does not care about whitespace or key order of the file, only its content', () => {
    const file = JSON.parse(v1()) as { catalog: Record<string, unknown>; signature: unknown };
    const reordered = Object.fromEntries(Object.entries(file.catalog).reverse());
    const { store } = openStore();
    expect(store.install(JSON.stringify({ signature: file.signature, catalog: reordered }), 'installer1').version).toBe(
      1,
    );
  });
});

describe('catalog store: refusing bad catalogs while the old one stays active', () => {
  const withActiveV1 = () => {
    const opened = openStore();
    opened.store.install(v1(), 'installer1');
    return opened;
  };

  const expectStillV1 = (store: CatalogStore) => {
    expect(store.activeSummary()?.version).toBe(1);
    expect(store.list()).toHaveLength(1);
    expect(store.item('TEST-HK-0001').name).toBe('户口迁移（夫妻投靠）');
  };

  it('refuses a file whose item was changed after signing', () => {
    const { store, audit } = withActiveV1();
    const v2 = signedText(catalogJson(2), department);
    const forged = tampered(v2, (file) => {
      const items = file.catalog.items as Array<Record<string, unknown>>;
      items[0]!.timeLimits = { legalDays: 60, committedDays: 60 };
    });
    expect(appErrorOf(() => store.install(forged, 'installer1')).code).toBe('catalog.badSignature');
    expectStillV1(store);
    expect(audit().at(-1)).toMatchObject({ kind: 'catalog.refused', payload: { code: 'catalog.badSignature' } });
  });

  it('refuses a file whose version number was raised after signing', () => {
    const { store } = withActiveV1();
    const forged = tampered(signedText(catalogJson(2), department), (file) => {
      file.catalog.version = 99;
    });
    expect(appErrorOf(() => store.install(forged, 'installer1')).code).toBe('catalog.badSignature');
    expectStillV1(store);
  });

  it('refuses a file signed with a key the hall does not trust', () => {
    const { store } = withActiveV1();
    const stranger = makeKey('stranger');
    const error = appErrorOf(() => store.install(signedText(catalogJson(2), stranger), 'installer1'));
    expect(error.code).toBe('catalog.untrustedKey');
    expect(error.params).toEqual({ keyId: 'stranger' });
    expectStillV1(store);
  });

  it('refuses a file signed with another key under the trusted key’s id', () => {
    const { store } = withActiveV1();
    const impostor = makeKey('dept-2026');
    expect(appErrorOf(() => store.install(signedText(catalogJson(2), impostor), 'installer1')).code).toBe(
      'catalog.badSignature',
    );
    expectStillV1(store);
  });

  it('refuses a version that is not newer, including a replay of an older file', () => {
    const { store } = withActiveV1();
    const again = appErrorOf(() => store.install(v1(), 'installer1'));
    expect(again.code).toBe('catalog.notNewer');
    expect(again.params).toEqual({ version: 1, activeVersion: 1 });
    store.install(signedText(catalogJson(3), department), 'installer1');
    expect(appErrorOf(() => store.install(signedText(catalogJson(2), department), 'installer1')).code).toBe(
      'catalog.notNewer',
    );
    expect(store.activeSummary()?.version).toBe(3);
  });

  it('refuses a correctly signed catalog that breaks the schema, naming the problems', () => {
    const { store } = withActiveV1();
    const broken = catalogJson(2, [personItem({ timeLimits: { legalDays: 5, committedDays: 10 } })]);
    // Signed without the signer's own check, as a careless publisher's tool might.
    const file = {
      catalog: broken,
      signature: {
        algorithm: 'ed25519',
        keyId: 'dept-2026',
        value: sign(null, signedBytes(broken), department.privateKey).toString('base64'),
      },
    };
    const error = appErrorOf(() => store.install(JSON.stringify(file), 'installer1'));
    expect(error.code).toBe('catalog.invalid');
    expect(error.params?.problems).toContain('committed time limit exceeds the legal one');
    expectStillV1(store);
  });

  it('refuses a file that is not JSON, or not a signed catalog', () => {
    const { store } = withActiveV1();
    expect(appErrorOf(() => store.install('{ "catalog": ', 'installer1')).code).toBe('catalog.invalid');
    expect(appErrorOf(() => store.install(JSON.stringify(catalogJson(2)), 'installer1')).code).toBe('catalog.invalid');
    expectStillV1(store);
  });
});

describe('catalog store: lookups', () => {
  it('says so when no catalog is installed yet', () => {
    const { store } = openStore();
    expect(store.activeSummary()).toBeNull();
    expect(appErrorOf(() => store.search('社保')).code).toBe('catalog.noneActive');
  });

  it('names the unknown code when a draft asks for an item the catalog does not have', () => {
    const { store } = openStore();
    store.install(v1(), 'installer1');
    const error = appErrorOf(() => store.item('NO-SUCH-ITEM'));
    expect(error.code).toBe('catalog.itemNotFound');
    expect(error.params).toEqual({ code: 'NO-SUCH-ITEM' });
  });

  it('installs the shipped seed once, and only while it is newer than the active catalog', () => {
    const { store } = openStore(tempDir(), [demoKey()]);
    expect(store.installBundled(seedText(), [demoKey()])?.signerKeyId).toBe('demo-dept-2026');
    expect(store.installBundled(seedText(), [demoKey()])).toBeNull();
    expect(store.list()).toHaveLength(1);
  });

  it('verifies the seed with the shipped key alone, which signs no update unless trusted', () => {
    const { store } = openStore(tempDir(), [department.trusted]);
    expect(store.installBundled(seedText(), [demoKey()])?.signerKeyId).toBe('demo-dept-2026');
    const next = JSON.parse(seedText()) as { catalog: { version: number } };
    expect(appErrorOf(() => store.install(seedText(), 'installer1')).code).toBe('catalog.untrustedKey');
    expect(store.activeSummary()?.version).toBe(next.catalog.version);
  });
});

describe('catalog search over the seed catalog', () => {
  const seeded = () => {
    const opened = openStore(tempDir(), [demoKey()]);
    opened.store.installBundled(seedText(), [demoKey()]);
    return opened.store;
  };
  const names = (store: CatalogStore, query: string) => store.search(query).map((hit) => hit.name);

  it('finds 社会保障卡申领 by the pinyin initials sbk, first', () => {
    const hits = seeded().search('sbk');
    expect(hits[0]).toMatchObject({ name: '社会保障卡申领', matchedBy: 'pinyin' });
  });

  it('finds by full pinyin and by the initials of the whole name', () => {
    const store = seeded();
    expect(names(store, 'shbzksl')[0]).toBe('社会保障卡申领');
    expect(names(store, 'wfzjl')[0]).toBe('无犯罪记录证明');
    expect(names(store, 'gongjijin')).toEqual(expect.arrayContaining(['住房公积金转移接续', '正常退休提取住房公积金']));
  });

  it('finds by code, exact code first', () => {
    const store = seeded();
    expect(store.search('KSTB-GA-0004')[0]).toMatchObject({ name: '户口迁移（夫妻投靠）', matchedBy: 'code' });
    expect(names(store, 'kstb-sf')).toEqual(['机动车驾驶证公证', '学历公证']);
  });

  it('finds by part of the name and by keyword', () => {
    const store = seeded();
    expect(names(store, '户口迁移')).toHaveLength(5);
    expect(names(store, '社保卡')[0]).toBe('社会保障卡申领');
    expect(names(store, '驾照')[0]).toBe('机动车驾驶证公证');
  });

  it('ranks a name match above a pinyin match, and needs every word to match', () => {
    const store = seeded();
    expect(names(store, '户口迁移 夫妻')).toEqual(['户口迁移（夫妻投靠）']);
    expect(names(store, 'hkqy fmtk')).toEqual(['户口迁移（父母投靠子女）']);
    const mixed = store.search('异地就医');
    expect(mixed[0]).toMatchObject({ name: '异地就医登记备案', matchedBy: 'name' });
  });

  it('lists every item for an empty query and nothing for a query that matches nothing', () => {
    const store = seeded();
    const seedItems = (JSON.parse(seedText()) as { catalog: { items: unknown[] } }).catalog.items.length;
    expect(store.search('', 100)).toHaveLength(seedItems);
    expect(store.search('zzzzqqq')).toEqual([]);
  });
});

describe('catalog file verification', () => {
  it('returns the parsed catalog and who signed it', () => {
    const { catalog, signerKeyId } = verifyCatalogFile(v1(), [department.trusted]);
    expect(signerKeyId).toBe('dept-2026');
    expect(catalog.items.map((i) => i.code)).toEqual(['TEST-HK-0001', 'TEST-SC-0001']);
  });
});

// The installed catalogs: the only code that reads or writes the `catalogs` table.
// A file is installed only when it verifies (trusted signer, schema, consistency)
// and is newer than the active version; then, in one transaction, it becomes the
// active one and the previous versions stay on record. A refused file changes
// nothing and is noted in the audit stream with why.
import { createHash } from 'node:crypto';
import { AppError, isAppError } from '../common/errors.ts';
import type { Clock } from '../common/hall-time.ts';
import { AUDIT_STREAM, type EventLog } from '../recording/event-log.ts';
import type { Database } from '../store/database.ts';
import { type TrustedKey, verifyCatalogFile } from './catalog-file.ts';
import { CatalogSearch, type SearchHit, warmUpPinyin } from './catalog-search.ts';
import { Catalog, type CatalogSummary, type ServiceItem } from '../common/catalog.ts';

/** 目录版本 as listed for installers and supervisors. */

interface CatalogRow {
  version: number;
  content: string;
  sha256: string;
  signer_key_id: string;
  publisher: string;
  issued_at: string;
  item_count: number;
  installed_at: number;
  installed_by: string;
  active: 0 | 1;
}

interface ActiveCatalog {
  summary: CatalogSummary;
  catalog: Catalog;
  items: Map<string, ServiceItem>;
  search: CatalogSearch;
}

export interface CatalogStoreOptions {
  trustedKeys: readonly TrustedKey[];
  clock: Clock;
  events: EventLog;
}

const SUMMARY_COLUMNS =
  'version, sha256, signer_key_id, publisher, issued_at, item_count, installed_at, installed_by, active';

export class CatalogStore {
  private cached: ActiveCatalog | null | undefined;

  constructor(
    private readonly db: Database,
    private readonly options: CatalogStoreOptions,
  ) {}

  /**
   * Verifies and installs a signed catalog file as the active catalog. Throws
   * catalog.invalid / untrustedKey / badSignature / notNewer, leaving the active one in place.
   */
  install(fileText: string, installedBy: string): CatalogSummary {
    return this.installWith(fileText, installedBy, this.options.trustedKeys);
  }

  /**
   * The catalog shipped with the app, verified with the keys shipped beside it (which
   * need not be trusted for updates): installed when it is newer than the active one,
   * else left alone.
   */
  installBundled(fileText: string, shippedKeys: readonly TrustedKey[]): CatalogSummary | null {
    const active = this.activeSummary();
    const { catalog } = verifyCatalogFile(fileText, shippedKeys);
    if (active && catalog.version <= active.version) return null;
    return this.installWith(fileText, 'system', shippedKeys);
  }

  private installWith(fileText: string, installedBy: string, keys: readonly TrustedKey[]): CatalogSummary {
    try {
      return this.installVerified(fileText, installedBy, keys);
    } catch (error) {
      if (isAppError(error)) {
        this.options.events.append({
          stream: AUDIT_STREAM,
          actor: installedBy,
          kind: 'catalog.refused',
          payload: { code: error.code, detail: error.detail },
        });
      }
      throw error;
    }
  }

  /** Every installed version, newest first. */
  list(): CatalogSummary[] {
    return this.db
      .prepare<[], CatalogRow>(`SELECT ${SUMMARY_COLUMNS} FROM catalogs ORDER BY version DESC`)
      .all()
      .map(toSummary);
  }

  activeSummary(): CatalogSummary | null {
    return this.loadActive()?.summary ?? null;
  }

  /** The active catalog; catalog.noneActive before the first install. */
  active(): Catalog {
    return this.requireActive().catalog;
  }

  /** An item of the active catalog by code; catalog.itemNotFound when it has none. */
  item(code: string): ServiceItem {
    const active = this.requireActive();
    const item = active.items.get(code);
    if (!item) {
      throw new AppError('catalog.itemNotFound', `no item ${code} in catalog version ${active.summary.version}`, {
        code,
      });
    }
    return item;
  }

  search(query: string, limit?: number): SearchHit[] {
    return this.requireActive().search.search(query, limit);
  }

  /** Loads the pinyin matcher ahead of the first search (it loads on first use otherwise). */
  warmUpSearch(): void {
    warmUpPinyin();
  }

  private installVerified(fileText: string, installedBy: string, keys: readonly TrustedKey[]): CatalogSummary {
    const { catalog, signerKeyId } = verifyCatalogFile(fileText, keys);
    const sha256 = createHash('sha256').update(fileText, 'utf8').digest('hex');
    const installedAt = this.options.clock.now();
    this.db.transaction(() => {
      // Read inside the transaction so two installs cannot both pass the check.
      const newest = this.db.prepare<[], { version: number }>('SELECT max(version) AS version FROM catalogs').get();
      const activeVersion = this.db
        .prepare<[], { version: number }>('SELECT version FROM catalogs WHERE active = 1')
        .get()?.version;
      // Newer than every version ever installed, not only the active one: an old file is never replayed.
      if (newest?.version != null && catalog.version <= newest.version) {
        throw new AppError(
          'catalog.notNewer',
          `catalog version ${catalog.version} is not newer than installed version ${newest.version}`,
          { version: catalog.version, activeVersion: activeVersion ?? newest.version },
        );
      }
      this.db.prepare('UPDATE catalogs SET active = 0 WHERE active = 1').run();
      this.db
        .prepare(
          `INSERT INTO catalogs (version, content, sha256, signer_key_id, publisher, issued_at, item_count, installed_at, installed_by, active)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
        )
        .run(
          catalog.version,
          fileText,
          sha256,
          signerKeyId,
          catalog.publisher,
          catalog.issuedAt,
          catalog.items.length,
          installedAt,
          installedBy,
        );
      this.options.events.append({
        stream: AUDIT_STREAM,
        actor: installedBy,
        kind: 'catalog.installed',
        payload: {
          version: catalog.version,
          previous: activeVersion ?? null,
          signerKeyId,
          sha256,
          items: catalog.items.length,
        },
      });
    })();
    this.cached = undefined;
    return this.activeSummary()!;
  }

  private requireActive(): ActiveCatalog {
    const active = this.loadActive();
    if (!active) throw new AppError('catalog.noneActive', 'no service-item catalog is installed');
    return active;
  }

  private loadActive(): ActiveCatalog | null {
    if (this.cached !== undefined) return this.cached;
    const row = this.db.prepare<[], CatalogRow>('SELECT * FROM catalogs WHERE active = 1').get();
    if (!row) return (this.cached = null);
    // Verified when installed; the stored file is parsed again, not trusted as a cache.
    const catalog = Catalog.parse((JSON.parse(row.content) as { catalog: unknown }).catalog);
    this.cached = {
      summary: toSummary(row),
      catalog,
      items: new Map(catalog.items.map((item) => [item.code, item])),
      search: new CatalogSearch(catalog.items),
    };
    return this.cached;
  }
}

function toSummary(row: CatalogRow): CatalogSummary {
  return {
    version: row.version,
    publisher: row.publisher,
    issuedAt: row.issued_at,
    signerKeyId: row.signer_key_id,
    sha256: row.sha256,
    itemCount: row.item_count,
    installedAt: row.installed_at,
    installedBy: row.installed_by,
    active: row.active === 1,
  };
}

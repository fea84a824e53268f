// 事项目录 for installers: which catalog versions are installed, and importing a
// signed catalog file from the department. A refused file changes nothing.
import { useCallback, useEffect, useState, type ChangeEvent } from 'react';
import type { CatalogSummary } from '../../src-main/api/contract/index.ts';
import { useApi } from '../app/api-context.tsx';
import { useAction } from '../app/use-action.ts';
import { ErrorNotice, StatusNotice } from '../components/Notice.tsx';
import { hallDateTime } from '../../src-main/common/hall-time.ts';
import { t } from '../../src-main/common/i18n/index.ts';

export function CatalogPanel() {
  const api = useApi();
  const [catalogs, setCatalogs] = useState<CatalogSummary[] | null>(null);
  const { run, busy, error, showFailure } = useAction();
  const [notice, setNotice] = useState<string | null>(null);

  const reload = useCallback(() => {
    api.call('catalog.list', {}).then((result) => setCatalogs(result.catalogs), showFailure);
  }, [api, showFailure]);
  useEffect(reload, [reload]);

  async function install(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    setNotice(null);
    await run(async () => {
      const summary = await api.call('catalog.install', { fileText: await file.text() });
      setNotice(t('catalogs.installed', { version: summary.version, items: summary.itemCount }));
      reload();
    });
    input.value = '';
  }

  return (
    <section aria-labelledby="catalogs-title">
      <h3 id="catalogs-title">{t('catalogs.title')}</h3>
      <p className="muted">{t('catalogs.hint')}</p>
      <label htmlFor="catalog-file">{t('catalogs.file')}</label>
      <input id="catalog-file" type="file" accept=".json,application/json" disabled={busy} onChange={install} />
      {busy && <StatusNotice message={t('catalogs.installing')} />}
      {notice && <StatusNotice message={notice} />}
      <ErrorNotice message={error} />
      {catalogs && catalogs.length > 0 && (
        <table className="table" aria-label={t('catalogs.listTitle')}>
          <thead>
            <tr>
              <th scope="col">{t('catalogs.columns.version')}</th>
              <th scope="col">{t('catalogs.columns.publisher')}</th>
              <th scope="col">{t('catalogs.columns.items')}</th>
              <th scope="col">{t('catalogs.columns.installedAt')}</th>
              <th scope="col">{t('catalogs.columns.installedBy')}</th>
              <th scope="col">{t('catalogs.columns.state')}</th>
            </tr>
          </thead>
          <tbody>
            {catalogs.map((catalog) => (
              <tr key={catalog.version}>
                <th scope="row" className="mono">
                  {catalog.version}
                </th>
                <td>{catalog.publisher}</td>
                <td>{catalog.itemCount}</td>
                <td>{hallDateTime(catalog.installedAt)}</td>
                <td>{catalog.installedBy}</td>
                <td>{catalog.active ? t('catalogs.active') : t('catalogs.previous')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

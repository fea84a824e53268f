// 设备与服务诊断 under 部署与设备: every device, the sync link and the store with its state,
// why it is not working, what to do about it, its recent errors (kept by the core since
// it started), and 导出诊断包 — the bundle for support, read in chunks with its progress.
import { useCallback, useEffect, useState } from 'react';
import type { DiagnosticEntry } from '../../src-main/api/contract/index.ts';
import { formatByteSize } from '../../src-main/common/byte-size.ts';
import { hallDateTime } from '../../src-main/common/hall-time.ts';
import { t } from '../../src-main/common/i18n/index.ts';
import { readDownload, saveFile } from '../api/download.ts';
import { useApi } from '../app/api-context.tsx';
import { describeError } from '../app/errors.ts';
import { useAction } from '../app/use-action.ts';
import { EmptyState, ErrorNotice, StatusNotice } from '../components/Notice.tsx';
import { byUrgency, healthLabel, healthRemedy, healthStateLabel, reasonText } from '../components/health.ts';

/** The entries, read again whenever the board changes (`health.changed` carries no recent errors). */
function useDiagnostics(): { entries: DiagnosticEntry[] | null; error: string | null } {
  const api = useApi();
  const [entries, setEntries] = useState<DiagnosticEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    api.call('diagnostics.health', {}).then(
      (health) => {
        setEntries(health.entries);
        setError(null);
      },
      (failure: unknown) => setError(describeError(failure)),
    );
  }, [api]);
  useEffect(() => {
    let live = true;
    const off = api.on('health.changed', () => {
      if (live) reload();
    });
    reload();
    return () => {
      live = false;
      off();
    };
  }, [api, reload]);
  return { entries, error };
}

export function DiagnosticsPanel() {
  const { entries, error } = useDiagnostics();
  return (
    <section aria-labelledby="diagnostics-title" className="diagnostics">
      <h3 id="diagnostics-title">{t('diagnostics.title')}</h3>
      <p className="muted">{t('diagnostics.hint')}</p>
      <ExportButton />
      <ErrorNotice message={error} />
      {!entries && !error && <p className="muted">{t('diagnostics.loading')}</p>}
      {entries && entries.length === 0 && <EmptyState title={t('diagnostics.empty')} />}
      {entries && byUrgency(entries).map((entry) => <EntryCard key={entry.id} entry={entry} />)}
    </section>
  );
}

function EntryCard({ entry }: { entry: DiagnosticEntry }) {
  const titleId = `diagnostics-${entry.id}`;
  const remedy = entry.state === 'ready' ? undefined : healthRemedy(entry.reason);
  return (
    <section className="panel diagnostics-entry" aria-labelledby={titleId} data-state={entry.state}>
      <div className="diagnostics-entry-head">
        <h4 id={titleId}>
          <span className={`health health-${entry.state}`}>
            <span className="health-dot" aria-hidden="true" />
            <span className="health-label">{healthLabel(entry)}</span>
            <span className="health-state">{healthStateLabel(entry)}</span>
          </span>
        </h4>
        <span className="muted">{t('diagnostics.since', { time: hallDateTime(entry.since) })}</span>
      </div>
      {(entry.reason || entry.detail) && (
        <dl className="facts">
          {entry.reason && (
            <>
              <dt>{t('diagnostics.reason')}</dt>
              <dd>{reasonText(entry.reason, entry.detail)}</dd>
            </>
          )}
          {remedy && (
            <>
              <dt>{t('diagnostics.remedy')}</dt>
              <dd className="diagnostics-remedy">{remedy}</dd>
            </>
          )}
          {entry.detail && (
            <>
              <dt>{t('diagnostics.detail')}</dt>
              <dd className="mono">{entry.detail}</dd>
            </>
          )}
        </dl>
      )}
      {entry.recent.length === 0 ? (
        <p className="muted">{t('diagnostics.recentNone')}</p>
      ) : (
        <>
          <h5 id={`${titleId}-recent`}>{t('diagnostics.recentTitle')}</h5>
          <table className="table" aria-labelledby={`${titleId}-recent`}>
            <thead>
              <tr>
                <th scope="col">{t('diagnostics.recentTime')}</th>
                <th scope="col">{t('diagnostics.recentReason')}</th>
                <th scope="col">{t('diagnostics.remedy')}</th>
                <th scope="col">{t('diagnostics.recentDetail')}</th>
              </tr>
            </thead>
            <tbody>
              {entry.recent.map((incident, i) => (
                <tr key={`${incident.at}-${i}`}>
                  <td>{hallDateTime(incident.at)}</td>
                  <td>{reasonText(incident.reason, incident.detail) || healthStateLabel(incident)}</td>
                  <td>{healthRemedy(incident.reason) ?? ''}</td>
                  <td className="mono">{incident.detail ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** 导出诊断包: built by the core, read in chunks (progress shown), saved under its name. */
function ExportButton() {
  const api = useApi();
  const action = useAction();
  /** null: not exporting; 'building': the core builds it; a number: bytes read so far. */
  const [progress, setProgress] = useState<'building' | number | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const exportBundle = () =>
    void action.run(async () => {
      setDone(null);
      setProgress('building');
      try {
        const start = await api.call('diagnostics.export', {});
        setProgress(0);
        const bundle = await readDownload(api, start, setProgress);
        saveFile(bundle, start.name);
        setDone(t('diagnostics.exported', { name: start.name, size: formatByteSize(bundle.size) }));
      } finally {
        setProgress(null);
      }
    });
  return (
    <div className="diagnostics-export">
      <p className="muted">{t('diagnostics.exportHint')}</p>
      <button type="button" onClick={exportBundle} disabled={action.busy} aria-busy={action.busy}>
        {t('diagnostics.export')}
      </button>
      {progress !== null && (
        <p role="status" className="muted">
          {progress === 'building'
            ? t('diagnostics.exporting')
            : t('diagnostics.exportingBytes', { size: formatByteSize(progress) })}
        </p>
      )}
      <ErrorNotice message={action.error} />
      {done && <StatusNotice message={done} />}
    </div>
  );
}

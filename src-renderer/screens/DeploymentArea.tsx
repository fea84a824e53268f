// 部署与设备: for installers, every device and service with its technical detail, the
// approving departments this window sends to (enrolment, tokens), and the catalog.
import { useHealth } from '../components/StatusBar.tsx';
import { EmptyState } from '../components/Notice.tsx';
import { healthLabel, healthReason, healthStateLabel } from '../components/health.ts';
import { hallTime } from '../../src-main/common/hall-time.ts';
import { t } from '../../src-main/common/i18n/index.ts';
import { CatalogPanel } from './CatalogPanel.tsx';
import { DepartmentsPanel } from './DepartmentsPanel.tsx';
import { SyncPauseControl } from './queue/SyncBar.tsx';

export function DeploymentArea() {
  const entries = useHealth();
  return (
    <section className="area" aria-labelledby="area-deployment">
      <h2 id="area-deployment" tabIndex={-1}>
        {t('areas.deployment')}
      </h2>
      <h3>{t('deployment.healthTitle')}</h3>
      {entries && entries.length === 0 && <EmptyState title={t('deployment.empty')} />}
      {entries && entries.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('deployment.columns.name')}</th>
              <th scope="col">{t('deployment.columns.state')}</th>
              <th scope="col">{t('deployment.columns.reason')}</th>
              <th scope="col">{t('deployment.columns.detail')}</th>
              <th scope="col">{t('deployment.columns.since')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <th scope="row">{healthLabel(entry)}</th>
                <td>
                  <span className={`health health-${entry.state}`}>
                    <span className="health-dot" aria-hidden="true" />
                    {healthStateLabel(entry)}
                  </span>
                </td>
                <td>{healthReason(entry) ?? ''}</td>
                <td className="mono">{entry.detail ?? ''}</td>
                <td>{hallTime(entry.since)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <SyncPauseControl />
      <DepartmentsPanel />
      <CatalogPanel />
    </section>
  );
}

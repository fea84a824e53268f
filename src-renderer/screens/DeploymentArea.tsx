// 部署与设备: for installers, every device and service with its recent errors and what to
// do (DiagnosticsPanel, with the diagnostics bundle), the approving departments this
// window sends to (enrolment, tokens), and the catalog.
import { t } from '../../src-main/common/i18n/index.ts';
import { CatalogPanel } from './CatalogPanel.tsx';
import { DepartmentsPanel } from './DepartmentsPanel.tsx';
import { DiagnosticsPanel } from './DiagnosticsPanel.tsx';
import { SyncPauseControl } from './queue/SyncBar.tsx';

export function DeploymentArea() {
  return (
    <section className="area" aria-labelledby="area-deployment">
      <h2 id="area-deployment" tabIndex={-1}>
        {t('areas.deployment')}
      </h2>
      <DiagnosticsPanel />
      <SyncPauseControl />
      <DepartmentsPanel />
      <CatalogPanel />
    </section>
  );
}

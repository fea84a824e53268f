// 部署与设备: for installers, every device and service with its recent errors and what to
// do (DiagnosticsPanel, with the diagnostics bundle), the approving departments this
// window sends to (enrolment, tokens), and the catalog; and the 设置向导, offered at once
// while the PC still runs the demo, opened here on demand, and ending here after the
// restart on the saved config (its check of everything).
import { useState } from 'react';
import { t } from '../../src-main/common/i18n/index.ts';
import { CatalogPanel } from './CatalogPanel.tsx';
import { DepartmentsPanel } from './DepartmentsPanel.tsx';
import { DiagnosticsPanel } from './DiagnosticsPanel.tsx';
import { SyncPauseControl } from './queue/SyncBar.tsx';
import { RolloutExport } from './setup/Rollout.tsx';
import { SetupWizard } from './setup/SetupWizard.tsx';
import { demoKept, finalCheckPending, keepDemo } from './setup/setup-model.ts';

type Wizard = 'closed' | 'open' | 'finalCheck';

export function DeploymentArea({ demo = false }: { demo?: boolean }) {
  const [wizard, setWizard] = useState<Wizard>(() => (finalCheckPending() ? 'finalCheck' : 'closed'));
  const [offer, setOffer] = useState(() => !demoKept());
  if (wizard !== 'closed') {
    return <SetupWizard finalCheck={wizard === 'finalCheck'} onClose={() => setWizard('closed')} />;
  }
  return (
    <DeploymentOverview
      offer={demo && offer}
      onOpenWizard={() => setWizard('open')}
      onKeepDemo={() => {
        keepDemo();
        setOffer(false);
      }}
    />
  );
}

function DeploymentOverview({
  offer,
  onOpenWizard,
  onKeepDemo,
}: {
  offer: boolean;
  onOpenWizard: () => void;
  onKeepDemo: () => void;
}) {
  return (
    <section className="area" aria-labelledby="area-deployment">
      <h2 id="area-deployment" tabIndex={-1}>
        {t('areas.deployment')}
      </h2>
      {offer && (
        <section className="panel setup-offer" aria-labelledby="setup-offer-title">
          <h3 id="setup-offer-title">{t('setupWizard.firstRun.title')}</h3>
          <p>{t('setupWizard.firstRun.hint')}</p>
          <div className="actions">
            <button type="button" className="primary" onClick={onOpenWizard}>
              {t('setupWizard.firstRun.start')}
            </button>
            <button type="button" onClick={onKeepDemo}>
              {t('setupWizard.firstRun.keepDemo')}
            </button>
          </div>
        </section>
      )}
      <DiagnosticsPanel />
      <section aria-labelledby="setup-tools-title">
        <h3 id="setup-tools-title">{t('setupWizard.toolsTitle')}</h3>
        <p className="muted">{t('setupWizard.openHint')}</p>
        <div className="actions">
          <button type="button" onClick={onOpenWizard}>
            {t('setupWizard.open')}
          </button>
        </div>
        <RolloutExport />
      </section>
      <SyncPauseControl />
      <DepartmentsPanel />
      <CatalogPanel />
    </section>
  );
}

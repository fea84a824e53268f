// Roll-out: a configured window's hall config exported as a file (no window, no tokens),
// and imported on the next window with only that window's id and name given. An import
// fills the wizard's draft; nothing is saved until 保存配置.
import { useRef, useState, type FormEvent } from 'react';
import { WindowId } from '../../../src-main/common/manifest.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { saveFile } from '../../api/download.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { Field } from '../../components/Field.tsx';
import { ErrorNotice, StatusNotice } from '../../components/Notice.tsx';
import { initialState, type WizardState } from './setup-model.ts';

export function RolloutImport({ change }: { change: (next: (state: WizardState) => WizardState) => void }) {
  const api = useApi();
  const fileRef = useRef<HTMLInputElement>(null);
  const [windowId, setWindowId] = useState('');
  const [windowName, setWindowName] = useState('');
  const [problems, setProblems] = useState<{ file?: string; id?: string; name?: string }>({});
  const [notice, setNotice] = useState<string | null>(null);
  const { run, busy, error, clearError } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setNotice(null);
    clearError();
    const file = fileRef.current?.files?.[0];
    const found = {
      file: file ? undefined : t('setupWizard.rollout.noFile'),
      id: WindowId.safeParse(windowId.trim()).success ? undefined : t('setupWizard.rollout.windowIdInvalid'),
      name: windowName.trim() ? undefined : t('setupWizard.rollout.windowNameMissing'),
    };
    setProblems(found);
    if (!file || found.id || found.name) return;
    await run(async () => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const { config } = await api.call('setup.importRollout', {
        bytes,
        window: { id: windowId.trim(), name: windowName.trim() },
      });
      change(() => initialState(config));
      setNotice(t('setupWizard.rollout.imported'));
    });
  }

  return (
    <form className="panel rollout" aria-labelledby="rollout-import-title" onSubmit={(e) => void submit(e)} noValidate>
      <h4 id="rollout-import-title">{t('setupWizard.rollout.importTitle')}</h4>
      <p className="muted">{t('setupWizard.rollout.importHint')}</p>
      <div className="form-grid">
        <Field
          ref={fileRef}
          label={t('setupWizard.rollout.file')}
          type="file"
          accept=".json,application/json"
          problem={problems.file}
          onChange={() => setProblems((p) => ({ ...p, file: undefined }))}
        />
        <Field
          label={t('setupWizard.rollout.windowId')}
          className="mono-input"
          spellCheck={false}
          value={windowId}
          problem={problems.id}
          onChange={(e) => setWindowId(e.target.value)}
        />
        <Field
          label={t('setupWizard.rollout.windowName')}
          value={windowName}
          problem={problems.name}
          onChange={(e) => setWindowName(e.target.value)}
        />
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t('setupWizard.rollout.importButton')}
        </button>
      </div>
      {busy && <StatusNotice message={t('setupWizard.rollout.importing')} />}
      {notice && <StatusNotice message={notice} />}
      <ErrorNotice message={error} />
    </form>
  );
}

/** 导出大厅配置: the config in effect, for the next window (as saved, not a draft). */
export function RolloutExport() {
  const api = useApi();
  const [notice, setNotice] = useState<string | null>(null);
  const { run, busy, error } = useAction();
  const exportFile = () =>
    run(async () => {
      setNotice(null);
      const file = await api.call('setup.exportRollout', {});
      saveFile(new Blob([new Uint8Array(file.bytes)], { type: file.mediaType }), file.name);
      setNotice(t('setupWizard.rollout.exported', { name: file.name }));
    });
  return (
    <div className="rollout-export">
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void exportFile()}>
          {t('setupWizard.rollout.export')}
        </button>
      </div>
      <p className="field-hint">{t('setupWizard.rollout.exportHint')}</p>
      {busy && <StatusNotice message={t('setupWizard.rollout.exporting')} />}
      {notice && <StatusNotice message={notice} />}
      <ErrorNotice message={error} />
    </div>
  );
}

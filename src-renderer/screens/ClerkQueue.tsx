// 今日队列: the clerk's home — start an intake (Alt+N), pick up an unfinished
// draft where it was left, and the sealed packets on their way to the department
// (queue/PacketQueue.tsx). The draft open in this window is remembered for the tab,
// so a reload lands back in it.
import { useCallback, useEffect, useState } from 'react';
import type { DraftView, Role } from '../../src-main/api/contract/index.ts';
import { useApi } from '../app/api-context.tsx';
import { hallTime } from '../../src-main/common/hall-time.ts';
import { useAction } from '../app/use-action.ts';
import { ErrorNotice } from '../components/Notice.tsx';
import { isApiCallError } from '../api/client.ts';
import { describeError } from '../app/errors.ts';
import { t } from '../../src-main/common/i18n/index.ts';
import { IntakeWizard } from './intake/IntakeWizard.tsx';
import { ItemPicker } from './intake/ItemPicker.tsx';
import { openDraft } from './intake/open-draft.ts';
import { LateSupplementPanel } from './queue/LateSupplementPanel.tsx';
import { PacketQueue } from './queue/PacketQueue.tsx';

export const NEW_INTAKE_SHORTCUT = 'Alt+N';

type View = { kind: 'home' } | { kind: 'choose' } | { kind: 'draft'; id: string; initial?: DraftView };

export function ClerkQueue({ locked = false, role, demo = false }: { locked?: boolean; role: Role; demo?: boolean }) {
  const [view, setView] = useState<View>(() => {
    const open = openDraft.get();
    return open ? { kind: 'draft', id: open } : { kind: 'home' };
  });

  const open = useCallback((draft: DraftView) => {
    openDraft.set(draft.id);
    setView({ kind: 'draft', id: draft.id, initial: draft });
  }, []);
  const goHome = useCallback(() => {
    openDraft.clear();
    setView({ kind: 'home' });
  }, []);

  if (view.kind === 'choose') return <ItemPicker onCreated={open} onCancel={goHome} />;
  if (view.kind === 'draft') {
    return (
      <IntakeWizard key={view.id} draftId={view.id} initial={view.initial} locked={locked} onExit={goHome} demo={demo} />
    );
  }
  return <QueueHome locked={locked} role={role} onNew={() => setView({ kind: 'choose' })} onOpen={open} />;
}

function QueueHome({
  locked,
  role,
  onNew,
  onOpen,
}: {
  locked: boolean;
  role: Role;
  onNew: () => void;
  onOpen: (draft: DraftView) => void;
}) {
  const api = useApi();
  const [drafts, setDrafts] = useState<DraftView[] | null>(null);
  const { run, busy, error, showFailure, clearError } = useAction();

  const [readCount, setReadCount] = useState(0);
  const reload = useCallback(() => setReadCount((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    api.call('drafts.list', {}).then(
      (result) => {
        if (!live) return;
        setDrafts(result.drafts);
        clearError();
      },
      (failure: unknown) => {
        if (live) showFailure(failure);
      },
    );
    return () => {
      live = false;
    };
  }, [api, readCount, clearError, showFailure]);

  useEffect(() => {
    if (locked) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.code !== 'KeyN') return;
      event.preventDefault();
      onNew();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [locked, onNew]);

  // A 补正 past its last day is 视为放弃: going on needs the clerk's written reason.
  const [late, setLate] = useState<{ packetId: string; message: string } | null>(null);
  const supplement = (packetId: string) => {
    void run(async () => {
      try {
        onOpen(await api.call('drafts.supplement', { packetId }));
      } catch (failure) {
        if (!isApiCallError(failure) || failure.code !== 'intake.supplementLate') throw failure;
        setLate({ packetId, message: describeError(failure) });
      }
    });
  };
  const supplementLate = (reason: string) => {
    if (!late) return;
    void run(async () => {
      onOpen(await api.call('drafts.supplement', { packetId: late.packetId, late: { reason } }));
      setLate(null);
    });
  };

  return (
    <section className="area" aria-labelledby="area-queue">
      <div className="area-head">
        <h2 id="area-queue" tabIndex={-1}>
          {t('areas.queue')}
        </h2>
        <div className="actions">
          <button type="button" className="primary" aria-keyshortcuts={NEW_INTAKE_SHORTCUT} onClick={onNew}>
            {t('queue.newIntake')}
            <kbd aria-hidden="true">{NEW_INTAKE_SHORTCUT}</kbd>
          </button>
          <button type="button" onClick={reload}>
            {t('queue.refresh')}
          </button>
        </div>
      </div>
      {late && (
        <LateSupplementPanel
          message={late.message}
          busy={busy}
          onConfirm={supplementLate}
          onCancel={() => {
            setLate(null);
            clearError();
          }}
        />
      )}
      <ErrorNotice message={error} />
      {!drafts && !error && <p className="muted">{t('queue.loading')}</p>}

      {drafts && drafts.length > 0 && (
        <div className="panel">
          <h3 id="queue-drafts">{t('queue.draftsTitle')}</h3>
          <table className="table" aria-labelledby="queue-drafts">
            <thead>
              <tr>
                <th scope="col">{t('queue.columns.item')}</th>
                <th scope="col">{t('queue.columns.applicant')}</th>
                <th scope="col">{t('queue.columns.step')}</th>
                <th scope="col">{t('queue.columns.updatedAt')}</th>
                <th scope="col">{t('queue.columns.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {drafts.map((draft) => (
                <tr key={draft.id}>
                  <td>
                    {draft.itemName}
                    {draft.previous && <span className="badge">{t('queue.supplementTag')}</span>}
                  </td>
                  <td>{applicantOf(draft)}</td>
                  <td>{t(`intake.steps.${draft.step}`)}</td>
                  <td>{hallTime(draft.updatedAt)}</td>
                  <td>
                    <button type="button" disabled={busy} onClick={() => onOpen(draft)}>
                      {t('queue.resume')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <PacketQueue
        refreshToken={readCount}
        busy={busy}
        locked={locked}
        noDrafts={drafts?.length === 0}
        onSupplement={supplement}
        role={role}
      />
    </section>
  );
}

function applicantOf(draft: DraftView): string {
  const { state } = draft;
  const name = state.applicantKind === 'company' ? state.company?.name || state.applicant.name : state.applicant.name;
  return name.trim() || t('queue.noApplicant');
}

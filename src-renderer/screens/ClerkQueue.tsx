// 今日队列: the clerk's home — start an intake (Alt+N), pick up an unfinished
// draft where it was left, and today's sealed packets with their documents. The
// draft open in this window is remembered for the tab, so a reload lands back in it.
import { useCallback, useEffect, useState } from 'react';
import type { DraftView, PacketSummary } from '../../src-main/api/contract.ts';
import { useApi } from '../app/api-context.tsx';
import { describeError } from '../app/errors.ts';
import { hallTime } from '../app/hall-time.ts';
import { DocumentItem, documentTitle } from '../components/FileView.tsx';
import { EmptyState, ErrorNotice } from '../components/Notice.tsx';
import { t, tryT } from '../i18n/index.ts';
import { IntakeWizard } from './intake/IntakeWizard.tsx';
import { ItemPicker } from './intake/ItemPicker.tsx';
import { openDraft } from './intake/open-draft.ts';

export const NEW_INTAKE_SHORTCUT = 'Alt+N';

type View = { kind: 'home' } | { kind: 'choose' } | { kind: 'draft'; id: string; initial?: DraftView };

export function ClerkQueue({ locked = false }: { locked?: boolean }) {
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
    return <IntakeWizard key={view.id} draftId={view.id} initial={view.initial} locked={locked} onExit={goHome} />;
  }
  return <QueueHome locked={locked} onNew={() => setView({ kind: 'choose' })} onOpen={open} />;
}

interface Lists {
  drafts: DraftView[];
  packets: PacketSummary[];
}

function QueueHome({
  locked,
  onNew,
  onOpen,
}: {
  locked: boolean;
  onNew: () => void;
  onOpen: (draft: DraftView) => void;
}) {
  const api = useApi();
  const [lists, setLists] = useState<Lists | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [shownDocument, setShownDocument] = useState<string | null>(null);

  const [readCount, setReadCount] = useState(0);
  const reload = useCallback(() => setReadCount((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    Promise.all([api.call('drafts.list', {}), api.call('packets.list', { scope: 'today' })]).then(
      ([{ drafts }, { packets }]) => {
        if (!live) return;
        setLists({ drafts, packets });
        setError(null);
      },
      (failure: unknown) => {
        if (live) setError(describeError(failure));
      },
    );
    return () => {
      live = false;
    };
  }, [api, readCount]);

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

  const run = async (action: () => Promise<DraftView>) => {
    setBusy(true);
    setError(null);
    try {
      onOpen(await action());
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };

  // Only a packet's latest version can be resubmitted.
  const latestVersion = new Map<string, number>();
  for (const packet of lists?.packets ?? []) {
    latestVersion.set(packet.packetId, Math.max(packet.version, latestVersion.get(packet.packetId) ?? 0));
  }
  const allDocuments = (lists?.packets ?? []).flatMap((p) => p.documents);
  const documentShown = allDocuments.find((d) => d.sha256 === shownDocument);

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
      <ErrorNotice message={error} />
      {!lists && !error && <p className="muted">{t('queue.loading')}</p>}
      {lists && lists.drafts.length === 0 && lists.packets.length === 0 && (
        <EmptyState title={t('queue.empty')} hint={t('queue.emptyHint')} />
      )}

      {lists && lists.drafts.length > 0 && (
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
              {lists.drafts.map((draft) => (
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
      {lists && lists.drafts.length === 0 && lists.packets.length > 0 && (
        <p className="muted">{t('queue.draftsEmpty')}</p>
      )}

      {lists && lists.packets.length > 0 && (
        <div className="panel">
          <h3 id="queue-packets">{t('queue.packetsTitle')}</h3>
          <table className="table" aria-labelledby="queue-packets">
            <thead>
              <tr>
                <th scope="col">{t('queue.columns.item')}</th>
                <th scope="col">{t('queue.columns.applicant')}</th>
                <th scope="col">{t('queue.columns.outcome')}</th>
                <th scope="col">{t('queue.columns.state')}</th>
                <th scope="col">{t('queue.columns.deadline')}</th>
                <th scope="col">{t('queue.columns.sealedAt')}</th>
                <th scope="col">{t('queue.columns.documents')}</th>
                <th scope="col">{t('queue.columns.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {lists.packets.map((packet) => (
                <tr key={`${packet.packetId}#${packet.version}`}>
                  <td>
                    {packet.itemName}
                    {packet.version > 1 && (
                      <span className="badge">{t('queue.versionTag', { version: packet.version })}</span>
                    )}
                  </td>
                  <td>{packet.applicantName || t('queue.noApplicant')}</td>
                  <td>
                    <span className={`outcome outcome-${packet.outcome}`}>{t(`outcomes.${packet.outcome}`)}</span>
                  </td>
                  <td>{tryT(`packetStates.${packet.state}`) ?? packet.state}</td>
                  <td>{packet.deadline ?? '—'}</td>
                  <td>{hallTime(packet.sealedAt)}</td>
                  <td>
                    <ul className="plain-list">
                      {packet.documents.map((document) => (
                        <li key={document.sha256}>
                          <button
                            type="button"
                            className="link-button"
                            aria-expanded={shownDocument === document.sha256}
                            onClick={() => setShownDocument(shownDocument === document.sha256 ? null : document.sha256)}
                          >
                            {t('documents.open', { title: documentTitle(document.kind) })}
                          </button>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    {packet.outcome === 'correction' && latestVersion.get(packet.packetId) === packet.version && (
                      <button
                        type="button"
                        disabled={busy}
                        onClick={() => void run(() => api.call('drafts.supplement', { packetId: packet.packetId }))}
                      >
                        {t('queue.supplement')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {documentShown && (
            <ul className="document-list">
              <DocumentItem
                key={documentShown.sha256}
                document={documentShown}
                initiallyOpen
                load={() => api.call('documents.get', { sha256: documentShown.sha256 })}
              />
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

function applicantOf(draft: DraftView): string {
  const { state } = draft;
  const name = state.applicantKind === 'company' ? state.company?.name || state.applicant.name : state.applicant.name;
  return name.trim() || t('queue.noApplicant');
}

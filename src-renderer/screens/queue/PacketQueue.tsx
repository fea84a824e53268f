// Sealed packets on their way to the approving department: today's, all still open
// (未办结), those that need the clerk (需人工处理: held for a person, or a department
// decision to act on), or all, each with its count; a search by name, ID number,
// document number or 查询号 within the filter; keyset pages. Each row says where the packet
// is in Chinese, with upload progress and time left, the department's reference and
// decision, how near its deadline is, and what to do when it is held. Whether sending
// is paused is shown to all; a held or waiting packet can be retried at once. The list
// follows the core's events without taking the keyboard focus away.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useFocusKeeper } from '../../app/use-focus-keeper.ts';
import type { FileContent, PacketSync, QueuedPacket, Role } from '../../../src-main/api/contract/index.ts';
import { methods, roleMayCall } from '../../../src-main/api/contract/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { hallTime } from '../../../src-main/common/hall-time.ts';
import { isSendingState, type PacketState } from '../../../src-main/common/packet-states.ts';
import { useAction } from '../../app/use-action.ts';
import { DocumentItem, documentTitle, type IssuedDocument } from '../../components/FileView.tsx';
import { EmptyState, ErrorNotice, StatusNotice } from '../../components/Notice.tsx';
import { PrintButton } from '../../components/PrintButton.tsx';
import { errorMessage, t, tryT } from '../../../src-main/common/i18n/index.ts';
import { HANDED_OVER_STATES, QUEUE_FILTERS } from '../../../src-main/common/packets.ts';
import { DEFAULT_PAGE_SIZE, MAX_QUEUE_QUERY } from '../../../src-main/api/contract/packets.ts';
import {
  canRetry,
  deadlineOf,
  formatBytes,
  isUploading,
  latestVersions,
  needsClerk,
  packetKey,
  percentOf,
  secondsLeft,
  travelState,
  type DeadlineStatus,
  type ProgressSample,
  type QueueScope,
} from './queue-model.ts';
import { SyncBar } from './SyncBar.tsx';
import { useCalls } from '../calls/calls-context.tsx';
import { useHallToday, useQueue } from './use-queue.ts';

const SCOPES: readonly QueueScope[] = QUEUE_FILTERS;
/** "报送已暂停" is worth saying on a row still being sent; a held row says why it is held instead. */
const pausedMatters = (state: PacketState) => isSendingState(state) && state !== 'blocked';

const TITLES = {
  today: 'queue.packetsTitle',
  open: 'queue.openTitle',
  attention: 'queue.attentionTitle',
  all: 'queue.allTitle',
} as const satisfies Record<QueueScope, string>;
const EMPTY = {
  today: 'queue.packetsEmpty',
  open: 'queue.openEmpty',
  attention: 'queue.attentionEmpty',
  all: 'queue.allEmpty',
} as const satisfies Record<QueueScope, string>;

export function stateLabel(state: string): string {
  return tryT(`packetStates.${state}`) ?? state;
}

export function PacketQueue({
  busy,
  locked = false,
  noDrafts,
  refreshToken,
  onSupplement,
  role,
}: {
  busy: boolean;
  /** The signed-in user's role: which of the queue's switches they may use. */
  role: Role;
  /** Under the idle lock: hold reads until unlocked. */
  locked?: boolean;
  /** Changes when the clerk asks to refresh the whole queue. */
  refreshToken: number;
  /** No unfinished drafts either: today's empty queue gets the welcoming empty state. */
  noDrafts: boolean;
  onSupplement: (packetId: string) => void;
}) {
  const api = useApi();
  // 视频会商 about a packet its department holds (no stills: a sealed packet is immutable).
  const calls = useCalls();
  const [scope, setScope] = useState<QueueScope>('today');
  // The search asked (on Enter) and the text being typed; the cursors of the pages before this one.
  const [query, setQuery] = useState('');
  const [typed, setTyped] = useState('');
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors.at(-1);
  const queue = useQueue({ scope, query, cursor }, locked);
  const searchId = useId();
  const today = useHallToday();
  // One action per button: 'pause' for the sync bar, the packet's key for its retry.
  const action = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const [shownDocument, setShownDocument] = useState<string | null>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const keepFocus = useFocusKeeper(panelRef);
  const scopeName = useId();

  const { refresh } = queue;
  useEffect(() => {
    if (refreshToken > 0) refresh();
  }, [refreshToken, refresh]);
  // Deadlines are counted on the hall's date: a new day asks the core again.
  const shownDay = useRef(today);
  useEffect(() => {
    if (today === shownDay.current) return;
    shownDay.current = today;
    refresh();
  }, [today, refresh]);

  const status = queue.status;
  const packets = queue.packets;
  const counts = queue.counts;
  // Only a packet's latest version can be resubmitted, and only it still has a deadline.
  // A page may hold an older version without its successor (on another page): the core's
  // filters already know, and a version counts as latest unless a later one is in view.
  const latest = latestVersions(packets ?? []);

  function choose(next: QueueScope) {
    setScope(next);
    setCursors([undefined]);
  }

  function search(event: FormEvent) {
    event.preventDefault();
    setQuery(typed.trim());
    setCursors([undefined]);
  }

  function clearSearch() {
    setTyped('');
    setQuery('');
    setCursors([undefined]);
  }

  const pageNumber = cursors.length;
  // aria-disabled, not disabled: a button that turns disabled loses the keyboard focus, and
  // the clerk paging with Enter would land on the page's body.
  const canNext = !queue.loading && queue.nextCursor !== null;
  const canPrevious = !queue.loading && pageNumber > 1;
  const nextPage = () => {
    if (canNext && queue.nextCursor) setCursors([...cursors, queue.nextCursor]);
  };
  const previousPage = () => {
    if (canPrevious) setCursors(cursors.slice(0, -1));
  };
  // Found elsewhere: a search with nothing in this filter names the filters that have some.
  const elsewhere =
    query && counts && counts[scope] === 0
      ? SCOPES.filter((each) => each !== scope && counts[each] > 0)
          .map((each) => `${t(`queue.scope.${each}`)} ${t('queue.scope.count', { count: counts[each] })}`)
          .join('，')
      : '';

  // Pausing is the lead's call (the contract says who); a clerk sees the state, not the switch.
  const mayPause = roleMayCall(methods['sync.pause'].access, role);

  function togglePause() {
    if (!status) return;
    void action.run(
      async () => queue.setStatus(status.paused ? await api.call('sync.resume', {}) : await api.call('sync.pause', {})),
      { tag: 'pause' },
    );
  }

  // 交付: the department's refusal or result reached the applicant (posted when the
  // department sent it with a waybill, else handed over here); it leaves 需人工处理.
  function handOver(packet: QueuedPacket) {
    const how = packet.sync?.decision?.waybill ? 'post' : 'window';
    void action.run(
      async () => {
        setNotice(null);
        try {
          await api.call('packets.handOver', { packetId: packet.packetId, version: packet.version, how });
          setNotice(t('queue.handOver.done', { item: packet.itemName, name: packet.applicantName }));
        } finally {
          queue.refresh();
        }
      },
      { tag: packetKey(packet) },
    );
  }

  function retry(packet: QueuedPacket) {
    void action.run(
      async () => {
        setNotice(null);
        try {
          await api.call('sync.retryNow', { packetId: packet.packetId, version: packet.version });
          setNotice(t('queue.sync.retried', { item: packet.itemName }));
        } finally {
          queue.refresh();
        }
      },
      { tag: packetKey(packet) },
    );
  }

  // The department's documents are rendered on request: keyed by packet version and change.
  const departmentKey = (p: QueuedPacket, cursor: number) => `department/${p.packetId}/${p.version}/${cursor}`;
  const documents: Array<IssuedDocument & { load: () => Promise<FileContent> }> = (packets ?? []).flatMap((p) => [
    ...p.documents.map((d) => ({ ...d, load: () => api.call('documents.get', { sha256: d.sha256 }) })),
    ...(p.departmentDocuments ?? []).map((d) => ({
      kind: d.kind,
      title: d.title,
      number: p.trackingCode ?? p.packetId,
      sha256: departmentKey(p, d.cursor),
      load: () => api.call('documents.department', { packetId: p.packetId, version: p.version, cursor: d.cursor }),
    })),
  ]);
  const documentShown = documents.find((d) => d.sha256 === shownDocument);
  const showWelcome = scope === 'today' && !query && noDrafts && packets?.length === 0;

  return (
    <div className="panel packet-queue" ref={panelRef} onFocus={keepFocus.onFocus} onBlur={keepFocus.onBlur}>
      {status && (
        <SyncBar status={status} acting={action.busyWith('pause')} onToggle={mayPause ? togglePause : undefined} />
      )}

      <div className="queue-controls">
        <fieldset className="scope-switch">
          <legend>{t('queue.scope.legend')}</legend>
          {SCOPES.map((each) => (
            <span key={each} className="scope-choice">
              <label className="radio">
                <input
                  type="radio"
                  name={scopeName}
                  value={each}
                  checked={scope === each}
                  onChange={() => choose(each)}
                  aria-describedby={counts ? `${scopeName}-${each}` : undefined}
                />
                {t(`queue.scope.${each}`)}
              </label>
              {counts && (
                <span
                  id={`${scopeName}-${each}`}
                  data-count={each}
                  className={`count${each === 'attention' && counts.attention > 0 ? ' count-alert' : ''}`}
                >
                  {t('queue.scope.count', { count: counts[each] })}
                </span>
              )}
            </span>
          ))}
        </fieldset>
        <form role="search" className="queue-search" onSubmit={search} aria-label={t('queue.search.label')}>
          <label htmlFor={searchId} className="visually-hidden">
            {t('queue.search.label')}
          </label>
          <input
            id={searchId}
            type="search"
            value={typed}
            maxLength={MAX_QUEUE_QUERY}
            placeholder={t('queue.search.placeholder')}
            aria-describedby={`${searchId}-hint`}
            onChange={(event) => setTyped(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape' && (typed || query)) {
                event.preventDefault();
                clearSearch();
              }
            }}
          />
          <button type="submit">{t('queue.search.submit')}</button>
          {query && (
            <button type="button" onClick={clearSearch}>
              {t('queue.search.clear')}
            </button>
          )}
          <span id={`${searchId}-hint`} className="visually-hidden">
            {t('queue.search.hint')}
          </span>
        </form>
      </div>

      <h3 id="queue-packets" tabIndex={-1}>
        {query ? t('queue.search.title', { query, scope: t(`queue.scope.${scope}`) }) : t(TITLES[scope])}
      </h3>
      <ErrorNotice message={queue.error ?? action.error} />
      {notice && <StatusNotice message={notice} />}
      {!packets && !queue.error && <p className="muted">{t('queue.loading')}</p>}
      {showWelcome && <EmptyState title={t('queue.empty')} hint={t('queue.emptyHint')} />}
      {packets && packets.length === 0 && !showWelcome && (
        <p className="muted">
          {query ? t('queue.search.empty', { query, scope: t(`queue.scope.${scope}`) }) : t(EMPTY[scope])}
        </p>
      )}
      {elsewhere && <p>{t('queue.search.elsewhere', { where: elsewhere })}</p>}

      {packets && packets.length > 0 && (
        <table className="table packet-table" aria-labelledby="queue-packets">
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
            {packets.map((packet) => {
              const key = packetKey(packet);
              const state = travelState(packet);
              const isLatest = latest.get(packet.packetId) === packet.version;
              const supplementable =
                isLatest && (packet.outcome === 'correction' || packet.state === 'correction_required');
              const attention = needsClerk(packet, isLatest);
              const handable = isLatest && HANDED_OVER_STATES.includes(packet.state) && packet.handedOver === null;
              return (
                <tr
                  key={key}
                  data-row-key={key}
                  data-state={state}
                  data-attention={attention || undefined}
                  className={state === 'blocked' ? 'row-blocked' : attention ? 'row-attention' : undefined}
                >
                  <th scope="row" tabIndex={-1}>
                    {packet.itemName}
                    {packet.version > 1 && (
                      <span className="badge">{t('queue.versionTag', { version: packet.version })}</span>
                    )}
                    {packet.trackingCode && (
                      <span className="tracking-code-line">
                        {t('queue.trackingCode')}
                        <span className="mono">{packet.trackingCode}</span>
                      </span>
                    )}
                  </th>
                  <td className="nowrap">{packet.applicantName || t('queue.noApplicant')}</td>
                  <td className="nowrap">
                    <span className={`outcome outcome-${packet.outcome}`}>{t(`outcomes.${packet.outcome}`)}</span>
                  </td>
                  <td className="travel-cell">
                    <TravelState
                      packet={packet}
                      attention={attention}
                      state={state}
                      paused={status?.paused ?? false}
                      sample={queue.progress.get(key)}
                    />
                  </td>
                  <td>
                    <Deadline date={packet.deadline} status={deadlineOf(packet, !isLatest)} />
                  </td>
                  <td className="sealed-cell">
                    {/* Date and time each whole: the column breaks between them, never inside a date. */}
                    {hallTime(packet.sealedAt)
                      .split(' ')
                      .map((part, index) => (
                        <span key={index} className="nowrap">
                          {index > 0 ? ' ' : ''}
                          {part}
                        </span>
                      ))}
                  </td>
                  <td className="documents-cell">
                    <ul className="plain-list">
                      {packet.documents.map((document) => (
                        <li key={document.sha256}>
                          <button
                            type="button"
                            className="link-button"
                            data-focus-key={`${key}/document/${document.sha256}`}
                            aria-expanded={shownDocument === document.sha256}
                            aria-label={t('documents.open', { title: documentTitle(document.kind) })}
                            title={`${documentTitle(document.kind)} ${document.number}`}
                            onClick={() => setShownDocument(shownDocument === document.sha256 ? null : document.sha256)}
                          >
                            {tryT(`documents.short.${document.kind}`) ?? documentTitle(document.kind)}
                          </button>
                          <PrintButton
                            className="link-button"
                            focusKey={`${key}/print/${document.sha256}`}
                            title={documentTitle(document.kind)}
                            load={() => api.call('documents.get', { sha256: document.sha256 })}
                          />
                        </li>
                      ))}
                      {(packet.departmentDocuments ?? []).map((document) => {
                        const shownKey = departmentKey(packet, document.cursor);
                        return (
                          <li key={shownKey}>
                            <button
                              type="button"
                              className="link-button"
                              data-focus-key={`${key}/${shownKey}`}
                              aria-expanded={shownDocument === shownKey}
                              onClick={() => setShownDocument(shownDocument === shownKey ? null : shownKey)}
                            >
                              {t('documents.openDepartment', { title: document.title })}
                            </button>
                            <PrintButton
                              className="link-button"
                              focusKey={`${key}/print/${shownKey}`}
                              title={document.title}
                              load={() =>
                                api.call('documents.department', {
                                  packetId: packet.packetId,
                                  version: packet.version,
                                  cursor: document.cursor,
                                })
                              }
                            />
                          </li>
                        );
                      })}
                    </ul>
                  </td>
                  <td>
                    <div className="row-actions">
                      {canRetry(packet, state) && (
                        <button
                          type="button"
                          data-focus-key={`${key}/retry`}
                          disabled={action.busyWith(key)}
                          onClick={() => retry(packet)}
                        >
                          {t('queue.sync.retryNow')}
                        </button>
                      )}
                      {handable && (
                        <button
                          type="button"
                          data-focus-key={`${key}/handOver`}
                          disabled={action.busyWith(key)}
                          onClick={() => handOver(packet)}
                        >
                          {t(packet.sync?.decision?.waybill ? 'queue.handOver.posted' : 'queue.handOver.window')}
                        </button>
                      )}
                      {calls && isLatest && (
                        <button
                          type="button"
                          data-focus-key={`${key}/call`}
                          title={t('calls.openAbout', { item: packet.itemName })}
                          onClick={() =>
                            calls.open({ kind: 'packet', packetId: packet.packetId, itemName: packet.itemName })
                          }
                        >
                          {t('calls.open')}
                        </button>
                      )}
                      {supplementable && (
                        <button
                          type="button"
                          data-focus-key={`${key}/supplement`}
                          disabled={busy}
                          onClick={() => onSupplement(packet.packetId)}
                        >
                          {t('queue.supplement')}
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {/* Shown by the count, not the page: it stays put (and keeps the focus) while a page loads. */}
      {packets && (pageNumber > 1 || (counts?.[scope] ?? 0) > DEFAULT_PAGE_SIZE) && (
        <nav className="pager" aria-label={t('queue.pager.label')}>
          <button type="button" aria-disabled={!canPrevious} onClick={previousPage}>
            {t('queue.pager.previous')}
          </button>
          <span aria-live="polite">{t('queue.pager.page', { page: pageNumber, count: counts?.[scope] ?? 0 })}</span>
          <button type="button" aria-disabled={!canNext} onClick={nextPage}>
            {t('queue.pager.next')}
          </button>
        </nav>
      )}
      {documentShown && (
        <ul className="document-list">
          <DocumentItem key={documentShown.sha256} document={documentShown} initiallyOpen load={documentShown.load} />
        </ul>
      )}
    </div>
  );
}

const TO_DO: Partial<
  Record<PacketState, 'queue.attention.correction' | 'queue.attention.refused' | 'queue.attention.approved'>
> = {
  correction_required: 'queue.attention.correction',
  refused: 'queue.attention.refused',
  approved: 'queue.attention.approved',
};

function TravelState({
  packet,
  attention,
  state,
  paused,
  sample,
}: {
  packet: QueuedPacket;
  attention: boolean;
  state: PacketState;
  paused: boolean;
  sample: ProgressSample | undefined;
}) {
  const sync = packet.sync ?? null;
  const decision = sync?.decision && sync.decision.state !== 'delivered' ? sync.decision : null;
  const outcome = outcomeOf(packet, state);
  const troubled = sync?.lastError && (state === 'blocked' || state === 'retry_wait' || state === 'upload_gone');
  return (
    <div className="travel">
      <span className={`travel-state travel-${state}`} data-state={state}>
        {outcome ?? stateLabel(state)}
      </span>
      {paused && sync && sync.step !== 'done' && pausedMatters(state) && (
        <span className="travel-paused">{t('queue.sync.pausedRow')}</span>
      )}
      {sync && isUploading(packet) && <UploadProgress sync={sync} sample={sample} live={state === 'uploading'} />}
      {troubled && sync?.lastError && <Problem sync={sync} state={state} />}
      {sync?.departmentName && (
        <p className="travel-line muted">{t('queue.sync.department', { name: sync.departmentName })}</p>
      )}
      {sync?.departmentReference && (
        <p className="travel-line">
          {t('queue.sync.reference')}
          <span className="mono">{sync.departmentReference}</span>
        </p>
      )}
      {sync?.receivedAt && (
        <p className="travel-line muted">{t('queue.sync.receivedAt', { time: isoTime(sync.receivedAt) })}</p>
      )}
      {attention && TO_DO[state] && <p className="travel-todo">{t(TO_DO[state])}</p>}
      {packet.handedOver && (
        <p className="travel-line muted">
          {t(`queue.handOver.${packet.handedOver.how}Line`, { time: hallTime(packet.handedOver.at) })}
        </p>
      )}
      {decision && <Decision decision={decision} label={outcome} />}
    </div>
  );
}

function UploadProgress({
  sync,
  sample,
  live,
}: {
  sync: PacketSync;
  sample: ProgressSample | undefined;
  live: boolean;
}) {
  const current = sample && sample.bytesTotal === sync.bytesTotal ? sample : undefined;
  const sent = current ? current.bytesSent : sync.bytesSent;
  const total = sync.bytesTotal;
  const percent = percentOf(sent, total);
  const amounts = t('queue.sync.progressText', { sent: formatBytes(sent), total: formatBytes(total), percent });
  const left = live && current ? timeLeft(secondsLeft(current)) : null;
  const text = left ? `${amounts}，${left}` : amounts;
  return (
    <div className="upload">
      <progress
        className="upload-bar"
        max={total}
        value={Math.min(sent, total)}
        aria-label={t('queue.sync.progress')}
        aria-valuetext={text}
      />
      <span className="upload-text">
        {amounts}
        {left && <span className="upload-left">{left}</span>}
      </span>
    </div>
  );
}

function timeLeft(seconds: number | null): string {
  if (seconds === null) return t('queue.sync.estimating');
  if (seconds < 60) return t('queue.sync.secondsLeft', { seconds: Math.max(1, Math.ceil(seconds)) });
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return t('queue.sync.minutesLeft', { minutes });
  return t('queue.sync.hoursLeft', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

/** Why the packet waits or is held, in the clerk's words, and what to do. */
function Problem({ sync, state }: { sync: PacketSync; state: string }) {
  const error = sync.lastError!;
  // The message names the department; its name reads better than its id.
  const params = { ...error.params, departmentId: sync.departmentName ?? String(error.params.departmentId ?? '') };
  return (
    <div className={`travel-problem${state === 'blocked' ? ' travel-problem-blocked' : ''}`}>
      <p>
        {state === 'blocked' && <strong>{t('queue.sync.whatToDo')}</strong>}
        {errorMessage(error.code, params)}
      </p>
      {state === 'blocked' && <p>{t('queue.sync.retryHint')}</p>}
      {state !== 'blocked' && sync.nextAttemptAt !== null && (
        <p className="muted">
          {t('queue.sync.nextAttempt', { time: hallTime(sync.nextAttemptAt), attempts: sync.attempts })}
        </p>
      )}
      <details className="technical">
        <summary>{t('queue.sync.technical')}</summary>
        <code className="mono">
          {error.code}: {error.detail}
        </code>
      </details>
    </div>
  );
}

/**
 * The department's outcome after 受理 as the item's type names it (不予行政许可, 办结 …):
 * a refusal after 受理 is never 不予受理. Null before the outcome.
 */
function outcomeOf(packet: QueuedPacket, state: PacketState): string | null {
  const documents = packet.departmentDocuments ?? [];
  const last = documents[documents.length - 1];
  return last && last.state === state ? last.outcome : null;
}

function Decision({ decision, label }: { decision: NonNullable<PacketSync['decision']>; label: string | null }) {
  return (
    <div className={`decision decision-${decision.state}`}>
      <p className="decision-title">{t('queue.decision.title', { state: label ?? stateLabel(decision.state) })}</p>
      {decision.supplyBy && <p>{t('queue.decision.supplyBy', { date: decision.supplyBy })}</p>}
      {decision.reason && <p>{t('queue.decision.reason', { reason: decision.reason })}</p>}
      {decision.correctionItems.length > 0 && (
        <>
          <p>{t('queue.decision.correctionItems')}</p>
          <ul className="decision-items" aria-label={t('queue.decision.correctionItems')}>
            {decision.correctionItems.map((item, index) => (
              <li key={index}>{item}</li>
            ))}
          </ul>
        </>
      )}
      {decision.waybill && (
        <p>
          {t('queue.decision.waybill')}
          <span className="mono">{decision.waybill}</span>
        </p>
      )}
      <p className="muted">
        {decision.decidedBy && <span>{t('queue.decision.decidedBy', { name: decision.decidedBy })} </span>}
        {t('queue.decision.at', { time: isoTime(decision.at) })}
      </p>
    </div>
  );
}

function Deadline({ date, status }: { date: string | null; status: DeadlineStatus }) {
  if (!date) return <span className="muted">—</span>;
  let note: string | null = null;
  if (status.kind === 'passed') note = t('queue.deadline.overdue', { days: status.daysOver });
  else if (status.kind === 'lapsed') note = t('queue.deadline.lapsed');
  else if (status.kind === 'near') {
    note =
      status.workingDaysLeft === 0
        ? t('queue.deadline.today')
        : t('queue.deadline.inWorkingDays', { days: status.workingDaysLeft });
  }
  return (
    <span className={`deadline deadline-${status.kind}`} data-deadline={status.kind}>
      <span className="deadline-date">{date}</span>
      {note && <span className="deadline-note">{note}</span>}
    </span>
  );
}

/** An ISO 8601 instant from the department, as the hall reads it. */
function isoTime(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : hallTime(at);
}

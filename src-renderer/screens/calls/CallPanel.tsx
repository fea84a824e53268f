// The call panel: a region at the right of the window, over the wizard's margin, so the
// clerk's work stays in view at 1366×768. Before the call: what it is about, a line of
// reason and 发起会商. Waiting: who is online (or that none is, and the request is kept),
// 撤回请求. In the call: the approver's video large, the local preview, 发送画面 (柜台摄像头 /
// 高拍仪 / 两路同时), the quality, a cut and its recovery, a still taken on request, 挂断.
// After: why it ended, and that the draft and the recording are kept. Escape takes the
// focus back to the work and says how to end the call; it never hangs up. 收起 folds the
// panel to a bar (the call's sound goes on).
import { useEffect, useId, useRef, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import { t } from '../../../src-main/common/i18n/index.ts';
import type { CallController, CallSnapshot } from '../../calls/call-controller.ts';
import { endMessage, mediaNotice, qualityKey, waitingMessage } from '../../calls/call-model.ts';
import type { CallTopic } from './call-topic.ts';

const RESTORED_SHOWN_MS = 5000;

export function CallPanel({
  controller,
  topic,
  onClose,
}: {
  controller: CallController;
  topic: CallTopic | null;
  onClose: () => void;
}) {
  const id = useId();
  const snapshot = useSyncExternalStore(controller.subscribe, () => controller.snapshot);
  const [note, setNote] = useState('');
  const [collapsed, setCollapsed] = useState(false);
  const [escHint, setEscHint] = useState(false);
  const panelRef = useRef<HTMLElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const { phase } = snapshot;
  const live = phase !== 'idle' && phase !== 'ended';

  useEffect(() => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const panel = panelRef.current;
    const first = ['textarea', '.call-panel-body button.primary', '.call-panel-body button', 'button']
      .map((selector) => panel?.querySelector<HTMLElement>(selector))
      .find((found) => found);
    first?.focus();
  }, []);

  const backToWork = () => {
    const back = opener.current?.isConnected ? opener.current : document.querySelector<HTMLElement>('main h2');
    back?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    if (!live) {
      onClose();
      return;
    }
    // The call goes on: the clerk is told how to end it, and goes back to the work.
    setEscHint(true);
    backToWork();
  };

  const place = () => {
    if (!topic) return;
    const subject = topic.kind === 'draft' ? { draftId: topic.draftId } : { packetId: topic.packetId };
    void controller.place(subject, note.trim());
  };

  const subjectLine = snapshot.call
    ? t(snapshot.call.call.subject.draftId ? 'calls.subjectDraft' : 'calls.subjectPacket', {
        item: snapshot.call.call.subject.itemName,
      })
    : topic
      ? t(topic.kind === 'draft' ? 'calls.subjectDraft' : 'calls.subjectPacket', { item: topic.itemName })
      : '';

  return (
    <aside
      ref={panelRef}
      className={`call-panel call-${phase}${collapsed ? ' call-panel-collapsed' : ''}`}
      aria-labelledby={`${id}-title`}
      onKeyDown={onKeyDown}
    >
      <div className="call-panel-head">
        <h2 id={`${id}-title`} className="call-panel-title">
          {t('calls.panelTitle')}
        </h2>
        {live && <Quality snapshot={snapshot} />}
        <button type="button" aria-expanded={!collapsed} onClick={() => setCollapsed((was) => !was)}>
          {collapsed ? t('calls.expand') : t('calls.collapse')}
        </button>
      </div>
      <div className="call-panel-body">
        <p className="call-subject">{subjectLine}</p>
        {snapshot.call && (
          <p className="muted">{t('calls.department', { department: snapshot.call.departmentName })}</p>
        )}
        <MediaNotice snapshot={snapshot} />

        {phase === 'idle' && (
          <>
            <label htmlFor={`${id}-note`}>{t('calls.note')}</label>
            <textarea
              id={`${id}-note`}
              rows={2}
              maxLength={200}
              placeholder={t('calls.notePlaceholder')}
              value={note}
              onChange={(event) => setNote(event.target.value)}
            />
            <p className="field-hint">{t('calls.recorded')}</p>
            {snapshot.fault && (
              <p className="notice notice-error" role="alert">
                {snapshot.fault}
              </p>
            )}
            <div className="actions">
              <button type="button" className="primary" disabled={!topic} onClick={place}>
                {t('calls.place')}
              </button>
              <button type="button" onClick={onClose}>
                {t('calls.close')}
              </button>
            </div>
          </>
        )}

        {phase === 'starting' && <p role="status">{t('calls.placing')}</p>}

        {phase === 'waiting' && snapshot.call && (
          <>
            <p role="status" className="call-waiting">
              <strong>{t('calls.waiting.title')}</strong>{' '}
              {(() => {
                const line = waitingMessage(snapshot.call.call.approversOnline);
                return t(line.key, { count: line.count });
              })()}
            </p>
            <LocalPreview snapshot={snapshot} />
            <div className="actions">
              <button type="button" className="danger" onClick={() => void controller.withdraw()}>
                {t('calls.withdraw')}
              </button>
            </div>
          </>
        )}

        {(phase === 'connecting' || phase === 'active' || phase === 'interrupted') && (
          <InCall snapshot={snapshot} controller={controller} />
        )}

        {phase === 'ended' && snapshot.call && (
          <>
            <h3>{t('calls.ended.title')}</h3>
            <p role="status">
              {t(endMessage(snapshot.call.call.endReason, snapshot.call.call.placedBy, snapshot.endedHere))}
            </p>
            {snapshot.fault && (
              <p className="notice notice-error" role="alert">
                {snapshot.fault}
              </p>
            )}
            {snapshot.call.call.endReason !== 'lost' && <p className="muted">{t('calls.ended.kept')}</p>}
            <div className="actions">
              <button type="button" className="primary" onClick={onClose}>
                {t('calls.close')}
              </button>
            </div>
          </>
        )}
        {escHint && live && <p className="field-hint">{t('calls.escHint')}</p>}
      </div>
    </aside>
  );
}

function InCall({ snapshot, controller }: { snapshot: CallSnapshot; controller: CallController }) {
  const id = useId();
  const { phase } = snapshot;
  const approver = snapshot.call?.call.approver?.name ?? '';
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (snapshot.restoredAt === null) return;
    const timer = setTimeout(() => setNow(Date.now()), RESTORED_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [snapshot.restoredAt]);
  const restoredRecently = snapshot.restoredAt !== null && now - snapshot.restoredAt < RESTORED_SHOWN_MS;

  return (
    <>
      <p className="call-state">{phase === 'connecting' ? t('calls.connecting') : t('calls.active', { approver })}</p>
      {phase === 'interrupted' && (
        <p className="notice notice-warning" role="alert">
          {t('calls.interrupted')}
        </p>
      )}
      {phase === 'active' && restoredRecently && <p className="notice notice-ok">{t('calls.restored')}</p>}
      {snapshot.signalStalled && <p className="notice notice-warning">{t('calls.faults.signal')}</p>}
      <div className="call-videos">
        <CallVideo stream={snapshot.remote} kind="remote" label={t('calls.remote')} muted={false} />
        <LocalPreview snapshot={snapshot} />
      </div>
      {snapshot.sources.length > 0 && (
        <div role="radiogroup" aria-labelledby={`${id}-source`} className="call-sources">
          <span id={`${id}-source`} className="call-sources-legend">
            {t('calls.source.legend')}
          </span>
          {snapshot.sources.map((source) => (
            <label key={source}>
              <input
                type="radio"
                name={`${id}-source-choice`}
                value={source}
                checked={snapshot.source === source}
                onChange={() => void controller.setSource(source)}
              />
              {t(`calls.source.${source}`)}
            </label>
          ))}
        </div>
      )}
      {snapshot.still && (
        <p
          className={`notice ${snapshot.still.state === 'failed' ? 'notice-error' : snapshot.still.state === 'filed' ? 'notice-ok' : ''}`}
          role="status"
        >
          {snapshot.still.message}
        </p>
      )}
      {snapshot.fault && (
        <p className="notice notice-error" role="alert">
          {snapshot.fault}
        </p>
      )}
      <div className="actions">
        <button type="button" className="danger" onClick={() => void controller.hangup()}>
          {t('calls.hangup')}
        </button>
      </div>
    </>
  );
}

function Quality({ snapshot }: { snapshot: CallSnapshot }) {
  const quality = snapshot.phase === 'interrupted' ? 'poor' : (snapshot.quality ?? 'good');
  const text = t('calls.quality.label', { quality: t(qualityKey(quality)) });
  return (
    <p
      role="status"
      aria-label={text}
      className={`call-quality call-quality-${quality}`}
      title={quality === 'poor' ? t('calls.quality.poorHint') : undefined}
    >
      <span className="call-quality-dot" aria-hidden="true" />
      {text}
    </p>
  );
}

function MediaNotice({ snapshot }: { snapshot: CallSnapshot }) {
  if (!snapshot.devices) return null;
  const key = snapshot.mediaFault === 'denied' ? 'calls.media.denied' : mediaNotice(snapshot.devices);
  if (!key) return null;
  const severe = !snapshot.devices.counter && !snapshot.devices.document;
  return (
    <p className={`notice ${severe ? 'notice-error' : 'notice-warning'}`} role="alert">
      {t(key)}
    </p>
  );
}

function LocalPreview({ snapshot }: { snapshot: CallSnapshot }) {
  return (
    <div className="call-local">
      <CallVideo stream={snapshot.local} kind="local" label={t('calls.local')} muted />
      {snapshot.localSecond && (
        <CallVideo stream={snapshot.localSecond} kind="local-second" label={t('calls.source.document')} muted />
      )}
    </div>
  );
}

function CallVideo({
  stream,
  kind,
  label,
  muted,
}: {
  stream: MediaStream | null;
  kind: string;
  label: string;
  muted: boolean;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (video && video.srcObject !== stream) video.srcObject = stream;
  }, [stream]);
  return <video ref={ref} data-call={kind} autoPlay playsInline muted={muted} aria-label={label} />;
}

// 视频会商来电: an approver calls this window (about a packet, or the draft at the
// counter). The dialog rings wherever the clerk is working, says who calls about what,
// and where the call will be recorded (the open draft, else the packet's session);
// 接听 answers, 拒绝 declines. Closing it leaves the call ringing at the inbox (it expires
// there). A call answered, withdrawn or expired meanwhile goes from the dialog by itself.
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { WindowCall } from '../../../src-main/api/contract/index.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { describeError } from '../../app/errors.ts';
import type { CallController } from '../../calls/call-controller.ts';
import { isIncoming } from '../../calls/call-model.ts';
import { Dialog } from '../../components/Dialog.tsx';

export function IncomingCall({
  controller,
  draftOpen,
  onAnswered,
}: {
  controller: CallController;
  draftOpen: boolean;
  onAnswered: () => void;
}) {
  const api = useApi();
  const snapshot = useSyncExternalStore(controller.subscribe, () => controller.snapshot);
  const [ringing, setRinging] = useState<WindowCall[]>([]);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => new Set());
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const take = (call: WindowCall) =>
      setRinging((current) => {
        const others = current.filter((c) => c.call.callId !== call.call.callId);
        return isIncoming(call) ? [...others, call] : others;
      });
    const off = api.on('calls.changed', take);
    // Calls that rang before this page was there (a reload).
    api.call('calls.incoming', {}).then(
      ({ calls }) => calls.forEach(take),
      () => {}, // the next calls.changed brings them
    );
    return off;
  }, [api]);

  const live = snapshot.phase !== 'idle' && snapshot.phase !== 'ended';
  const call = live ? undefined : ringing.find((c) => !dismissed.has(c.call.callId));
  if (!call) return null;
  const { subject } = call.call;

  const answer = async () => {
    setProblem(null);
    await controller.answer(call);
    const fault = controller.snapshot.fault;
    if (controller.snapshot.phase === 'idle' && fault) {
      setProblem(fault);
      return;
    }
    setRinging((current) => current.filter((c) => c.call.callId !== call.call.callId));
    onAnswered();
  };
  const decline = async () => {
    setProblem(null);
    try {
      await controller.decline(call);
      setRinging((current) => current.filter((c) => c.call.callId !== call.call.callId));
    } catch (error) {
      setProblem(describeError(error));
    }
  };

  return (
    <Dialog
      title={t('calls.incoming.title')}
      className="incoming-call"
      onClose={() => setDismissed((current) => new Set([...current, call.call.callId]))}
    >
      <p className="incoming-call-from">
        {t('calls.incoming.from', { approver: call.call.approver?.name ?? '', department: call.departmentName })}
      </p>
      <p>{t('calls.incoming.about', { item: subject.itemName, applicant: subject.applicant })}</p>
      {subject.note && <p>{t('calls.incoming.note', { note: subject.note })}</p>}
      <p className="muted">{t(draftOpen ? 'calls.incoming.intoDraft' : 'calls.incoming.intoPacket')}</p>
      <p className="field-hint">{t('calls.recorded')}</p>
      {problem && (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={() => void answer()}>
          {t('calls.incoming.answer')}
        </button>
        <button type="button" className="danger" onClick={() => void decline()}>
          {t('calls.incoming.decline')}
        </button>
      </div>
    </Dialog>
  );
}

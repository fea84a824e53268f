// The 视频会商 side of the in-memory core (calls.* of the contract): calls placed by the
// window wait for an approver, the approver's side is played by the spec (answer, hang up,
// decline, send signals, place a call to the window), states and end reasons as the inbox
// keeps them, and the events `calls.changed` / `calls.signal` as the core pushes them.
// What the window sends (signals, facts for the record) is kept for the spec to read.
// The real handlers and the inbox are tested in tests/main and the e2e call test.
import type { WindowCall } from '../../src-main/api/contract/index.ts';
import type { Handlers } from '../../src-main/api/dispatcher.ts';
import type {
  CallEndReason,
  CallParty,
  CallRecordEntry,
  CallSignal,
  CallSubject,
  IceServer,
} from '../../src-main/common/call-protocol.ts';
import { AppError, type ErrorCode } from '../../src-main/common/errors.ts';
import type { FakeIntake } from './fake-intake.ts';
import { seedItem } from './fake-intake.ts';

type CallMethods =
  | 'calls.place'
  | 'calls.incoming'
  | 'calls.answer'
  | 'calls.signal'
  | 'calls.record'
  | 'calls.end'
  | 'calls.current'
  | 'calls.get';

export interface FakeCallsOptions {
  /** Approvers whose call page is open (0: a placed call waits for one). */
  approversOnline?: number;
  iceServers?: IceServer[];
  iceTransportPolicy?: 'all' | 'relay';
}

export const APPROVER: CallParty = { id: 'approver-1', name: '李审批' };
const DEPARTMENT = { departmentId: 'dept-demo', departmentName: '演示审批局' };

export class FakeCalls {
  readonly calls = new Map<string, WindowCall>();
  /** Signals the window sent, in order, per call. */
  readonly sent: Array<{ callId: string; signal: CallSignal }> = [];
  /** Facts the window recorded, in order. */
  readonly records: Array<{ callId: string; entry: CallRecordEntry }> = [];
  readonly ended: Array<{ callId: string; reason: CallEndReason }> = [];
  approversOnline: number;
  /** The next call of this method fails with this code (once), e.g. a link to the inbox that is down. */
  readonly faults = new Map<CallMethods, ErrorCode | string>();
  readonly #options: FakeCallsOptions;

  constructor(
    private readonly intake: FakeIntake,
    private readonly now: () => number,
    private readonly emit: (name: string, payload: unknown) => void,
    options: FakeCallsOptions = {},
  ) {
    this.#options = options;
    this.approversOnline = options.approversOnline ?? 1;
  }

  // ── the approver's side, played by the spec ────────────────────────────────

  answerAsApprover(callId: string, approver: CallParty = APPROVER): void {
    this.#change(callId, { state: 'active', approver, answeredAt: this.now() });
  }

  endByApprover(callId: string, reason: CallEndReason = 'hangup'): void {
    this.#change(callId, { state: 'ended', endReason: reason, endedAt: this.now() });
  }

  signalFromApprover(callId: string, signal: CallSignal): void {
    this.emit('calls.signal', { callId, signal });
  }

  /** An approver calls this window about a packet (or a draft): the incoming call rings. */
  placeByApprover(subject: Partial<CallSubject> & { packetId?: string; draftId?: string }): WindowCall {
    const callId = crypto.randomUUID();
    const call = this.#windowCall(callId, 'approver', {
      itemCode: '11330100MB0000000X',
      itemName: '跨省异地就医备案',
      applicant: '张*三',
      note: '',
      materials: [],
      ...subject,
    } as CallSubject);
    call.call.approver = APPROVER;
    this.calls.set(callId, call);
    this.emit('calls.changed', call);
    return call;
  }

  last(): WindowCall | undefined {
    return [...this.calls.values()].at(-1);
  }

  // ── the contract ───────────────────────────────────────────────────────────

  handlers(): Pick<Handlers<null>, CallMethods> {
    return {
      'calls.place': (input) => {
        this.#fault('calls.place');
        return this.#place(input);
      },
      'calls.incoming': () => ({
        calls: [...this.calls.values()].filter((c) => c.call.placedBy === 'approver' && c.call.state === 'waiting'),
      }),
      'calls.answer': ({ callId, draftId }) => {
        this.#fault('calls.answer');
        const call = this.#get(callId);
        if (call.call.state !== 'waiting') throw new AppError('calls.ended', `${callId} is ${call.call.state}`);
        if (draftId) call.draftId = draftId;
        return this.#change(callId, { state: 'active', answeredAt: this.now() }, false);
      },
      'calls.signal': ({ callId, signal }) => {
        this.#fault('calls.signal');
        const call = this.#get(callId);
        if (call.call.state === 'ended') throw new AppError('calls.ended', 'the call has ended');
        this.sent.push({ callId, signal });
        return {};
      },
      'calls.record': ({ callId, entry }) => {
        this.#get(callId);
        this.records.push({ callId, entry });
        return {};
      },
      'calls.end': ({ callId, reason }) => {
        this.#fault('calls.end');
        const call = this.#get(callId);
        if (call.call.state === 'ended') return call.call;
        this.ended.push({ callId, reason });
        return this.#change(callId, { state: 'ended', endReason: reason, endedAt: this.now() }, false).call;
      },
      'calls.current': () => ({ calls: [...this.calls.values()].filter((c) => c.call.state !== 'ended') }),
      'calls.get': ({ callId }) => this.#get(callId),
    };
  }

  #place(input: Parameters<Handlers<null>['calls.place']>[0]): WindowCall {
    let subject: CallSubject;
    if (input.draftId) {
      const draft = this.intake.drafts.get(input.draftId);
      if (!draft) throw new AppError('intake.draftNotFound', input.draftId);
      const item = seedItem(draft.itemCode);
      subject = {
        draftId: draft.id,
        itemCode: item.code,
        itemName: item.name,
        applicant: maskName(draft.state.applicant.name),
        note: input.note,
        materials: item.materials.map((m) => ({ code: m.id, name: m.name })),
      };
    } else {
      const packet = this.intake.packets.find((p) => p.packetId === input.packetId);
      subject = {
        packetId: input.packetId!,
        itemCode: packet?.itemCode ?? '11330100MB0000000X',
        itemName: packet?.itemName ?? '收件包',
        applicant: maskName(packet?.applicantName ?? ''),
        note: input.note,
        materials: [],
      };
    }
    const call = this.#windowCall(input.callId, 'window', subject);
    this.calls.set(input.callId, call);
    return call;
  }

  #windowCall(callId: string, placedBy: 'window' | 'approver', subject: CallSubject): WindowCall {
    return {
      call: {
        callId,
        windowId: 'W03',
        windowLabel: '跨省通办 3 号窗口',
        placedBy,
        subject,
        state: 'waiting',
        approver: null,
        placedAt: this.now(),
        answeredAt: null,
        endedAt: null,
        endReason: null,
        approversOnline: this.approversOnline,
      },
      ...DEPARTMENT,
      iceServers: this.#options.iceServers ?? [{ urls: 'stun:127.0.0.1:3478' }],
      iceTransportPolicy: this.#options.iceTransportPolicy ?? 'all',
      draftId: subject.draftId ?? '00000000-0000-4000-8000-000000000000',
    };
  }

  #get(callId: string): WindowCall {
    const call = this.calls.get(callId);
    if (!call) throw new AppError('calls.notFound', `no call ${callId}`);
    return call;
  }

  #change(callId: string, change: Partial<WindowCall['call']>, emit = true): WindowCall {
    const current = this.#get(callId);
    const next: WindowCall = { ...current, call: { ...current.call, ...change } };
    this.calls.set(callId, next);
    if (emit) this.emit('calls.changed', next);
    return next;
  }

  #fault(method: CallMethods): void {
    const code = this.faults.get(method);
    if (code === undefined) return;
    this.faults.delete(method);
    throw new AppError(code as ErrorCode, `fake fault in ${method}`);
  }
}

function maskName(name: string): string {
  if (name.length <= 1) return name;
  return `${name[0]}*${name.length > 2 ? name.slice(2) : ''}`;
}

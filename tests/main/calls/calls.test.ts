// 视频会商 from the window's core: a real hall core enrolled in a real inbox on 127.0.0.1,
// the clerk on the contract, the approver on the inbox's console API. Each call's facts
// land in the counter session's chain (which still verifies) and in the department's record.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { enrolWindow } from '../../../dept-inbox/src/admin.ts';
import type { WindowCall } from '../../../src-main/api/contract/index.ts';
import type { ApplicantStatus } from '../../../src-main/common/applicant.ts';
import type { CallRecordEntry, CallView } from '../../../src-main/common/call-protocol.ts';
import { zhCN } from '../../../src-main/common/i18n/zh-CN.ts';
import type { EmbeddedInbox } from '../../../src-main/demo/embedded-inbox.ts';
import { Hall, startInbox, tempDir, until } from '../sync/helpers.ts';
import { writeHallConfig } from '../sync/process-harness.ts';
import {
  answerSdp,
  approverSignals,
  candidate,
  changedTo,
  consoleApi,
  offer,
  openDraft,
  sealDraft,
  session,
  signalsHeard,
  signInApprover,
} from './helpers.ts';

async function hallAt(inbox: Awaited<ReturnType<typeof startInbox>>): Promise<Hall & { publicKey: string }> {
  const hall = await Hall.open({ endpoint: inbox.url });
  const { publicKey } = await hall.enrolAt(inbox);
  return Object.assign(hall, { publicKey });
}

describe('a call about the draft at the counter', () => {
  it('waits for an approver, connects, relays signals both ways in order, records, ends — all in the verified chain', async () => {
    const inbox = await startInbox();
    const hall = await hallAt(inbox);
    const draftId = await openDraft(hall);
    const callId = randomUUID();

    // No approver online: the request waits and says so.
    const placed = await hall.clerk.call<WindowCall>('calls.place', { callId, draftId, note: '户口簿原件有涂改' });
    expect(placed).toMatchObject({
      departmentId: 'demo-dept',
      departmentName: '成都市人社局',
      draftId,
      iceTransportPolicy: 'all',
      call: { callId, state: 'waiting', placedBy: 'window', approversOnline: 0, approver: null },
    });
    expect(placed.call.subject).toMatchObject({
      draftId,
      itemCode: 'KSTB-RS-0001',
      itemName: '社会保障卡申领',
      applicant: '李*梅',
      note: '户口簿原件有涂改',
    });
    expect(placed.call.subject.materials).toContainEqual({ code: 'applicant-id-card', name: '申请人居民身份证' });
    // Placing again with the same id is the same call (a retried click).
    const again = await hall.clerk.call<WindowCall>('calls.place', { callId, draftId, note: '' });
    expect(again.call.callId).toBe(callId);
    expect((await hall.clerk.call<{ calls: WindowCall[] }>('calls.current')).calls.map((c) => c.call.callId)).toEqual([
      callId,
    ]);

    // The applicant's screen says a recorded call is on.
    let status = await hall.clerk.call<ApplicantStatus>('applicant.status');
    expect(status).toMatchObject({ stage: 'call', subject: draftId });

    // The approver finds it waiting and answers, as the console does.
    const wang = await signInApprover(inbox, '王审批');
    const waiting = await consoleApi<{ calls: CallView[] }>(inbox, wang, 'GET', 'waiting?wait=0');
    expect(waiting.body.calls.map((c) => c.callId)).toContain(callId);
    const answered = await consoleApi(inbox, wang, 'POST', `${callId}/answer`, {});
    expect(answered.status).toBe(200);
    const active = await changedTo(hall, callId, 'active');
    expect(active.call.approver).toMatchObject({ name: '王审批' });

    // Signals: the window's offer reaches the approver; the approver's answer and candidates come back in order.
    await hall.clerk.call('calls.signal', { callId, signal: offer });
    await hall.clerk.call('calls.signal', { callId, signal: { type: 'source', source: 'document' } });
    const atApprover = await approverSignals(inbox, wang, callId);
    expect(atApprover.map((s) => s.signal)).toEqual([offer, { type: 'source', source: 'document' }]);
    const back = [answerSdp, candidate(1), candidate(2), candidate(3), { type: 'candidate', candidate: null }];
    for (const signal of back) {
      expect((await consoleApi(inbox, wang, 'POST', `${callId}/signals`, { signal })).status).toBe(204);
    }
    await until(() => signalsHeard(hall, callId).length === back.length, 15_000, 'all signals heard');
    expect(signalsHeard(hall, callId)).toEqual(back);

    // The call's facts: logged in the session, and at the department's record.
    const entries: CallRecordEntry[] = [
      { kind: 'connected', approver: active.call.approver! },
      { kind: 'source', source: 'both' },
      { kind: 'interrupted', atMs: 12_000 },
      { kind: 'restored', fromMs: 12_000, toMs: 15_500 },
      { kind: 'still', materialCode: 'applicant-id-card', sha256: 'a'.repeat(64), width: 4000, height: 3000 },
    ];
    for (const entry of entries) await hall.clerk.call('calls.record', { callId, entry });
    await until(
      async () => (await inbox.db.callRecords(callId)).length === entries.length,
      15_000,
      'records at the inbox',
    );
    expect((await inbox.db.callRecords(callId)).map((r) => JSON.parse(r.entry) as CallRecordEntry)).toEqual(entries);
    expect((await inbox.db.callRecords(callId)).every((r) => r.side === 'window')).toBe(true);

    // The approver hangs up: the clerk hears it, the screen goes back, the session says how long.
    expect((await consoleApi(inbox, wang, 'POST', `${callId}/end`, { reason: 'hangup' })).status).toBe(200);
    const ended = await changedTo(hall, callId, 'ended', 'hangup');
    expect(ended.call.endedAt).not.toBeNull();
    status = await hall.clerk.call<ApplicantStatus>('applicant.status');
    expect(status.stage).toBe('idle');
    // A reloaded page still learns how it ended.
    expect(await hall.clerk.call<WindowCall>('calls.get', { callId })).toMatchObject({ call: { state: 'ended' } });
    // Nothing more goes on it.
    const refused = await hall.clerk.fail('calls.signal', { callId, signal: candidate(9) });
    expect(refused.code).toBe('calls.ended');

    const { events, kinds, verified } = session(hall, draftId);
    expect(verified.ok).toBe(true);
    expect(kinds.filter((k) => k.startsWith('call.'))).toEqual([
      'call.placed',
      'call.answered',
      'call.connected',
      'call.source',
      'call.interrupted',
      'call.restored',
      'call.still',
      'call.ended',
    ]);
    expect(events.find((e) => e.kind === 'call.placed')?.payload).toMatchObject({
      callId,
      departmentId: 'demo-dept',
      departmentName: '成都市人社局',
      placedBy: 'window',
      applicantInformed: true,
      subject: { applicant: '李*梅', itemCode: 'KSTB-RS-0001' },
    });
    expect(events.find((e) => e.kind === 'call.answered')?.payload).toMatchObject({ approver: { name: '王审批' } });
    expect(events.find((e) => e.kind === 'call.restored')?.payload).toEqual({ callId, fromMs: 12_000, toMs: 15_500 });
    expect(events.find((e) => e.kind === 'call.still')?.payload).toMatchObject({ materialCode: 'applicant-id-card' });
    const end = events.find((e) => e.kind === 'call.ended')!;
    expect(end.payload).toMatchObject({ reason: 'hangup' });
    expect(typeof end.payload['durationMs']).toBe('number');
    expect(events.find((e) => e.kind === 'call.placed')?.actor).toBe('clerk01');
  });

  it('is withdrawn while it waits; the draft, once sealed, is told to the department as the packet', async () => {
    const inbox = await startInbox();
    const hall = await hallAt(inbox);
    const draftId = await openDraft(hall);
    const callId = randomUUID();
    await hall.clerk.call('calls.place', { callId, draftId });
    const view = await hall.clerk.call<CallView>('calls.end', { callId, reason: 'withdrawn' });
    expect(view).toMatchObject({ state: 'ended', endReason: 'withdrawn' });
    await changedTo(hall, callId, 'ended', 'withdrawn');
    expect(await inbox.db.call(callId)).toMatchObject({ state: 'ended', end_reason: 'withdrawn' });
    expect((await hall.clerk.call<ApplicantStatus>('applicant.status')).stage).toBe('idle');

    const sealed = await sealDraft(hall, draftId);
    await until(
      async () =>
        (await inbox.db.callRecords(callId)).some((r) => (JSON.parse(r.entry) as { kind: string }).kind === 'sealedAs'),
      15_000,
      'sealedAs at the inbox',
    );
    expect(JSON.parse((await inbox.db.callRecords(callId)).at(-1)!.entry)).toEqual({
      kind: 'sealedAs',
      packetId: sealed.packetId,
    });
    expect((await inbox.db.call(callId))?.packet_id).toBe(sealed.packetId);
    const { kinds, verified } = session(hall, draftId);
    expect(verified.ok).toBe(true);
    expect(kinds).toEqual(expect.arrayContaining(['call.placed', 'call.ended', 'intake.sealed']));
    expect(kinds).not.toContain('call.answered');
  });

  it('an unanswered call expires: the clerk hears `expired`, the session logs it', async () => {
    const inbox = await startInbox({ calls: { ringMs: 300, sweepMs: 100 } });
    const hall = await hallAt(inbox);
    const draftId = await openDraft(hall);
    const callId = randomUUID();
    await hall.clerk.call('calls.place', { callId, draftId });
    await changedTo(hall, callId, 'ended', 'expired');
    const { events, verified } = session(hall, draftId);
    expect(verified.ok).toBe(true);
    expect(events.find((e) => e.kind === 'call.ended')?.payload).toEqual({ callId, reason: 'expired', durationMs: 0 });
    expect((await hall.clerk.call<ApplicantStatus>('applicant.status')).stage).toBe('idle');
  });
});

describe('faults', () => {
  it('an inbox that is down: a clear message, nothing logged, the draft intact', async () => {
    const inbox = await startInbox();
    const hall = await hallAt(inbox);
    const draftId = await openDraft(hall);
    const before = await hall.clerk.call('drafts.get', { id: draftId });
    await inbox.close();

    const error = await hall.clerk.fail('calls.place', { callId: randomUUID(), draftId });
    expect(error.code).toBe('calls.departmentUnreachable');
    expect(zhCN.errors['calls.departmentUnreachable']).toContain('办件不受影响');
    expect(await hall.clerk.call('drafts.get', { id: draftId })).toEqual(before);
    expect(session(hall, draftId).kinds.filter((k) => k.startsWith('call.'))).toEqual([]);
    expect((await hall.clerk.call<ApplicantStatus>('applicant.status')).stage).toBe('idle');
  });

  it('an inbox gone mid-call: records and the end are still logged, the clerk gets no error, the draft stays', async () => {
    const inbox = await startInbox();
    const hall = await hallAt(inbox);
    const draftId = await openDraft(hall);
    const callId = randomUUID();
    await hall.clerk.call('calls.place', { callId, draftId });
    const wang = await signInApprover(inbox, '王审批');
    await consoleApi(inbox, wang, 'POST', `${callId}/answer`, {});
    const active = await changedTo(hall, callId, 'active');
    await inbox.close();

    await hall.clerk.call('calls.record', { callId, entry: { kind: 'connected', approver: active.call.approver } });
    await hall.clerk.call('calls.record', { callId, entry: { kind: 'interrupted', atMs: 3000 } });
    const ended = await hall.clerk.call<CallView>('calls.end', { callId, reason: 'lost' });
    expect(ended).toMatchObject({ state: 'ended', endReason: 'lost' });
    await changedTo(hall, callId, 'ended', 'lost');
    const { kinds, verified } = session(hall, draftId);
    expect(verified.ok).toBe(true);
    expect(kinds.filter((k) => k.startsWith('call.'))).toEqual([
      'call.placed',
      'call.answered',
      'call.connected',
      'call.interrupted',
      'call.ended',
    ]);
    expect(await hall.clerk.call('drafts.get', { id: draftId })).toMatchObject({ id: draftId });
  });

  it('a revoked enrolment: a live call ends `refused`, a new one is refused with why', async () => {
    const inbox = await startInbox();
    const hall = await hallAt(inbox);
    const draftId = await openDraft(hall);
    const callId = randomUUID();
    await hall.clerk.call('calls.place', { callId, draftId });

    // The department enrols the window again (a new token the window does not have): the old one is void.
    await enrolWindow(inbox.db, { windowId: 'W01', scheme: 'ed25519', publicKey: hall.publicKey, replace: true });

    await changedTo(hall, callId, 'ended', 'refused');
    const error = await hall.clerk.fail('calls.place', { callId: randomUUID(), draftId });
    expect(error.code).toBe('calls.refused');
    const { events, verified } = session(hall, draftId);
    expect(verified.ok).toBe(true);
    expect(events.find((e) => e.kind === 'call.ended')?.payload).toMatchObject({ reason: 'refused' });
    expect(await hall.clerk.call('drafts.get', { id: draftId })).toMatchObject({ id: draftId });
  });

  it('bad input: an unknown call, a sealed draft, a call about nothing', async () => {
    const inbox = await startInbox();
    const hall = await hallAt(inbox);
    expect((await hall.clerk.fail('calls.get', { callId: randomUUID() })).code).toBe('calls.notFound');
    expect((await hall.clerk.fail('calls.answer', { callId: randomUUID() })).code).toBe('calls.notFound');
    expect(
      (await hall.clerk.fail('calls.record', { callId: randomUUID(), entry: { kind: 'source', source: 'counter' } }))
        .code,
    ).toBe('calls.notFound');
    expect((await hall.clerk.fail('calls.place', { callId: randomUUID(), draftId: randomUUID() })).code).toBe(
      'calls.noDraft',
    );
    expect((await hall.clerk.fail('calls.place', { callId: randomUUID() })).code).toBe('request.invalidInput');
    // A draft sealed since: the call is about the packet now.
    const sealed = await sealDraft(hall, await openDraft(hall));
    expect((await hall.clerk.fail('calls.place', { callId: randomUUID(), draftId: sealed.packetId })).code).toBe(
      'calls.noDraft',
    );
    for (const code of ['calls.noDraft', 'calls.noDepartment', 'calls.refused', 'calls.notFound'] as const) {
      expect(zhCN.errors[code]).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe("an approver's call to the window", () => {
  it('rings as calls.incoming and is answered into the packet’s session', async () => {
    const inbox = await startInbox();
    const hall = await hallAt(inbox);
    const draftId = await openDraft(hall);
    const sealed = await sealDraft(hall, draftId);
    await hall.reach(sealed.packetId, 'delivered');

    const wang = await signInApprover(inbox, '王审批');
    const placed = await consoleApi<{ call: CallView }>(inbox, wang, 'POST', 'place', {
      windowId: 'W01',
      packetId: sealed.packetId,
    });
    expect(placed.status).toBe(201);
    const { callId } = placed.body.call;

    const ringing = await changedTo(hall, callId, 'waiting');
    expect(ringing).toMatchObject({ draftId, call: { placedBy: 'approver', subject: { packetId: sealed.packetId } } });
    const incoming = await hall.clerk.call<{ calls: WindowCall[] }>('calls.incoming');
    expect(incoming.calls.map((c) => c.call.callId)).toEqual([callId]);

    const answered = await hall.clerk.call<WindowCall>('calls.answer', { callId });
    expect(answered).toMatchObject({ draftId, call: { state: 'active', approver: { name: '王审批' } } });
    expect((await hall.clerk.call<{ calls: WindowCall[] }>('calls.incoming')).calls).toEqual([]);

    // The approver offers; the window hears it.
    await consoleApi(inbox, wang, 'POST', `${callId}/signals`, { signal: offer });
    await until(() => signalsHeard(hall, callId).length === 1, 15_000, 'offer heard');
    // The sealed packet's session takes the call's tracks while the call is on …
    const callTracks = { draftId, segmentMs: 4000, camera: null, screen: false };
    await hall.clerk.call('recording.start', callTracks);

    await hall.clerk.call('calls.end', { callId, reason: 'hangup' });
    // … and no recording once it is over.
    expect((await hall.clerk.fail('recording.start', callTracks)).code).toBe('intake.draftNotFound');
    expect(await inbox.db.call(callId)).toMatchObject({ state: 'ended', end_reason: 'hangup' });
    const { events, verified } = session(hall, draftId);
    expect(verified.ok).toBe(true);
    expect(events.find((e) => e.kind === 'call.placed')?.payload).toMatchObject({ callId, placedBy: 'approver' });
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['call.answered', 'call.ended']));
    // Not at the counter: the applicant screen was never asked to show it.
    expect((await hall.clerk.call<ApplicantStatus>('applicant.status')).stage).toBe('idle');
  });

  it('a declined call ends for the approver; a withdrawn one leaves the clerk’s list', async () => {
    const inbox = await startInbox();
    const hall = await hallAt(inbox);
    const sealed = await sealDraft(hall, await openDraft(hall));
    await hall.reach(sealed.packetId, 'delivered');
    const wang = await signInApprover(inbox, '王审批');

    const first = await consoleApi<{ call: CallView }>(inbox, wang, 'POST', 'place', {
      windowId: 'W01',
      packetId: sealed.packetId,
    });
    const declinedId = first.body.call.callId;
    await changedTo(hall, declinedId, 'waiting');
    const declined = await hall.clerk.call<CallView>('calls.end', { callId: declinedId, reason: 'declined' });
    expect(declined).toMatchObject({ state: 'ended', endReason: 'declined' });
    expect(await inbox.db.call(declinedId)).toMatchObject({ end_reason: 'declined' });

    const second = await consoleApi<{ call: CallView }>(inbox, wang, 'POST', 'place', {
      windowId: 'W01',
      packetId: sealed.packetId,
    });
    const withdrawnId = second.body.call.callId;
    await changedTo(hall, withdrawnId, 'waiting');
    await consoleApi(inbox, wang, 'POST', `${withdrawnId}/end`, { reason: 'withdrawn' });
    await changedTo(hall, withdrawnId, 'ended', 'withdrawn');
    expect((await hall.clerk.call<{ calls: WindowCall[] }>('calls.incoming')).calls).toEqual([]);
  });
});

describe('the demo profile', () => {
  it('places a call to the embedded inbox, where an approver answers it on the console', async () => {
    const hall = await Hall.open();
    const inbox = (hall.core.sync.embeddedInbox as EmbeddedInbox).inbox;
    const draftId = await openDraft(hall);
    const callId = randomUUID();
    const placed = await hall.clerk.call<WindowCall>('calls.place', { callId, draftId });
    expect(placed).toMatchObject({ departmentId: 'demo-dept', departmentName: '演示审批部门' });

    const demo = await signInApprover(inbox, '演示审批');
    const waiting = await consoleApi<{ calls: CallView[] }>(inbox, demo, 'GET', 'waiting?wait=0');
    expect(waiting.body.calls.map((c) => c.callId)).toEqual([callId]);
    expect((await consoleApi(inbox, demo, 'POST', `${callId}/answer`, {})).status).toBe(200);
    await changedTo(hall, callId, 'active');
    await hall.clerk.call('calls.end', { callId, reason: 'hangup' });
    expect(await inbox.db.call(callId)).toMatchObject({ state: 'ended', end_reason: 'hangup' });
    expect(session(hall, draftId).verified.ok).toBe(true);
  });
});

describe('ICE servers', () => {
  it("are the hall's (config `calls`) and the ones the inbox hands out with the ticket, with the hall's policy", async () => {
    const inbox = await startInbox({ calls: { iceServers: [{ urls: 'stun:stun.dept.example:3478' }] } });
    const dataDir = tempDir();
    writeHallConfig(dataDir, inbox.url, 'ed25519', {
      calls: {
        iceServers: [{ urls: ['turn:turn.hall.example:3478'], username: 'hall', credential: 'secret' }],
        iceTransportPolicy: 'relay',
      },
    });
    const hall = await Hall.open({}, dataDir);
    await hall.enrolAt(inbox);
    const placed = await hall.clerk.call<WindowCall>('calls.place', {
      callId: randomUUID(),
      draftId: await openDraft(hall),
    });
    expect(placed.iceTransportPolicy).toBe('relay');
    expect(placed.iceServers).toEqual([
      { urls: ['turn:turn.hall.example:3478'], username: 'hall', credential: 'secret' },
      { urls: 'stun:stun.dept.example:3478' },
    ]);
  });
});

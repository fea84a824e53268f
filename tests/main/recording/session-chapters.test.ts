// The chapters of a counter session, read from the session's real event log after a
// session on a real core (card read on the demo reader, form, a camera page, review,
// seal), and the rules on their own: an override is a chapter once, the form is filled
// once, only a sealed session lacks steps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CardDeskState, DraftView, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { sessionChapters, type SessionEvent } from '../../../src-main/common/session-chapters.ts';
import { EventLog } from '../../../src-main/recording/event-log.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import { uploadBytes } from '../../fixtures/uploads.ts';
import { bootTestCore, openCoreStore, TestClock } from '../helpers.ts';
import { clerkOn, completeSocialCardPatch, pngBytes, SOCIAL_CARD } from '../intake/fixtures.ts';

async function eventually(what: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = performance.now() + ms;
  while (!(await what())) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('session chapters', () => {
  it('reads the steps of a real session from its event log, each at its event', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    core.devices.idCardSimulator!.place(2);
    let readId = '';
    await eventually(async () => {
      readId = (await clerk.call<CardDeskState>('idCard.state')).reading?.readId ?? '';
      return readId !== '';
    });
    const read = await clerk.call<DraftView>('drafts.useIdCard', { id: draft.id, who: 'applicant', readId });
    const { applicant: _typed, ...patch } = completeSocialCardPatch();
    const answers = {
      ...patch.answers,
      applicantName: read.state.applicant.name,
      applicantIdNumber: read.state.applicant.idNumber,
      sex: 'female',
    };
    await clerk.call('drafts.save', { id: draft.id, patch: { ...patch, answers, step: 'form' } });
    await clerk.call('drafts.save', { id: draft.id, patch: { step: 'materials' } });
    await clerk.call('drafts.save', { id: draft.id, patch: { step: 'form' } });
    await clerk.call('drafts.save', { id: draft.id, patch: { step: 'materials' } });
    const uploadId = await uploadBytes(clerk.call, draft.id, '身份证.png', pngBytes(856, 540, 60));
    await clerk.call('drafts.addFile', {
      id: draft.id,
      materialId: 'applicant-id-card',
      uploadId,
      capture: { source: 'documentCamera', mode: 'colour', rotation: 0 },
    });
    await clerk.call('drafts.review', { id: draft.id });
    await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });

    const { db } = openCoreStore(dataDir);
    const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
    const log = new EventLog(db, new TestClock(), keys.evidenceKey);
    const events = [...log.read(`session:${draft.id}`)];
    const { chapters, missing } = sessionChapters(events);
    expect(chapters.map((c) => [c.kind, c.subject ?? null])).toEqual([
      ['started', SOCIAL_CARD],
      ['identity', 'applicant'],
      ['form', null],
      ['material', 'applicant-id-card'],
      ['review', expect.any(String)],
      ['seal', expect.any(String)],
    ]);
    // Each chapter points at its own event, in the log's order.
    for (const chapter of chapters) {
      const event = events.find((e) => e.seq === chapter.seq)!;
      expect(event.wallMs).toBe(chapter.at);
    }
    expect(chapters.map((c) => c.seq)).toEqual([...chapters.map((c) => c.seq)].sort((a, b) => a - b));
    // The test core prints nothing: the receipt is the step the supervisor is told is missing.
    expect(missing).toEqual(['receipt']);
  });

  it('marks an override once, a countersign and a printed receipt; an unsealed session lacks nothing yet', () => {
    let seq = 0;
    const event = (kind: string, payload: SessionEvent['payload'] = {}): SessionEvent => ({
      seq: ++seq,
      kind,
      wallMs: 1_000 * seq,
      payload,
    });
    const events = [
      event('intake.started', { itemCode: 'X' }),
      event('intake.reviewed', { outcome: 'accept', overrides: [{ findingKey: 'card.expired', reason: '…' }] }),
      event('intake.reviewed', { outcome: 'accept', overrides: [{ findingKey: 'card.expired', reason: '…' }] }),
      event('intake.countersigned', { findingKey: 'card.expired' }),
    ];
    const open = sessionChapters(events);
    expect(open.chapters.map((c) => c.kind)).toEqual(['started', 'review', 'override', 'review', 'override']);
    expect(open.chapters[2]).toEqual({ kind: 'override', seq: 2, at: 2_000, subject: 'card.expired' });
    expect(open.missing).toEqual([]);

    const done = sessionChapters([
      ...events,
      event('intake.sealed', { outcome: 'accept' }),
      event('printing.printed', { document: 'receipt' }),
    ]);
    expect(done.chapters.slice(-2).map((c) => [c.kind, c.subject])).toEqual([
      ['seal', 'accept'],
      ['receipt', 'receipt'],
    ]);
    expect(done.missing).toEqual(['identity', 'form', 'material']);
  });

  it('marks a 视频会商 call once, when it connected, by its approver', () => {
    let seq = 0;
    const event = (kind: string, payload: SessionEvent['payload'] = {}): SessionEvent => ({
      seq: ++seq,
      kind,
      wallMs: 1_000 * seq,
      payload,
    });
    const callId = '6f1c2a38-64f4-4a7e-9c55-2d35c3b1a001';
    const approver = { id: '7', name: '王审批' };
    const { chapters } = sessionChapters([
      event('intake.started', { itemCode: 'X' }),
      event('call.placed', { callId, departmentId: 'd', placedBy: 'window' }),
      event('call.answered', { callId, approver }),
      event('call.connected', { callId, approver }),
      event('call.interrupted', { callId, atMs: 5_000 }),
      event('call.restored', { callId, fromMs: 5_000, toMs: 7_000 }),
      event('call.connected', { callId, approver }),
      event('call.ended', { callId, reason: 'hangup', durationMs: 60_000 }),
      event('call.connected', {
        callId: '6f1c2a38-64f4-4a7e-9c55-2d35c3b1a002',
        approver: { id: '8', name: '李审批' },
      }),
    ]);
    expect(chapters.filter((c) => c.kind === 'call')).toEqual([
      { kind: 'call', seq: 4, at: 4_000, subject: '王审批' },
      { kind: 'call', seq: 9, at: 9_000, subject: '李审批' },
    ]);
  });
});

// What needs the clerk, from a real department inbox over HTTP through the change feed to
// the queue: a department 补正 and a refusal count in 需人工处理 and are listed there; the
// 补正's request (reason and items) is what `packets.decision` gives the 补正续办 draft;
// answered by version 2, the 补正 leaves the list; a refusal or result handed to the
// applicant (交付) leaves it too.
import { describe, expect, it } from 'vitest';
import type { DraftView, QueuedPacket, SealedPacket } from '../../../src-main/api/contract/index.ts';
import type { QueueCounts } from '../../../src-main/common/packets.ts';
import type { Decision } from '../../../src-main/common/sync.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';
import { completeSocialCardPatch } from '../intake/fixtures.ts';
import { Hall, startInbox, uniquePng } from './helpers.ts';

type Page = { packets: QueuedPacket[]; nextCursor: string | null; counts: QueueCounts };

describe('decisions that need the clerk', () => {
  it('count in 需人工处理, carry the department request to the 补正续办 draft, and leave when answered', async () => {
    const { decide } = await import('../../../dept-inbox/src/admin.ts');
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);
    const corrected = await hall.sealReceived({ photoExtra: 1 });
    const refused = await hall.sealReceived({ photoExtra: 2 });
    const accepted = await hall.sealReceived({ photoExtra: 3 });
    for (const p of [corrected, refused, accepted]) await hall.reach(p.packetId, 'delivered');
    const attention = () => hall.clerk.call<Page>('packets.list', { scope: 'attention' });
    expect((await attention()).counts.attention).toBe(0);

    await decide(inbox.db, {
      packetId: corrected.packetId,
      decision: { kind: 'correction', items: ['户口簿首页', '近期免冠照片'], reason: '照片不清晰' },
      decidedBy: '王审批',
    });
    await decide(inbox.db, {
      packetId: refused.packetId,
      decision: { kind: 'refuse', reason: '不属于本部门职权范围' },
      decidedBy: '王审批',
    });
    await decide(inbox.db, { packetId: accepted.packetId, decision: { kind: 'accept' }, decidedBy: '王审批' });
    await hall.reach(corrected.packetId, 'correction_required');
    await hall.reach(refused.packetId, 'refused');
    await hall.reach(accepted.packetId, 'accepted');

    const listed = await attention();
    expect(listed.counts).toMatchObject({ attention: 2, all: 3 });
    expect(listed.packets.map((p) => p.packetId).sort()).toEqual([corrected.packetId, refused.packetId].sort());

    const { decision } = await hall.clerk.call<{ decision: Decision | null }>('packets.decision', {
      packetId: corrected.packetId,
      version: 1,
    });
    expect(decision).toMatchObject({
      state: 'correction_required',
      reason: '照片不清晰',
      correctionItems: ['户口簿首页', '近期免冠照片'],
      decidedBy: '王审批',
    });
    expect(
      await hall.clerk.call('packets.decision', { packetId: '01900000-0000-7000-8000-00000000dead', version: 1 }),
    ).toEqual({
      decision: null,
    });

    // The 补正 answered by version 2: version 1 no longer needs the clerk.
    const draft = await hall.clerk.call<DraftView>('drafts.supplement', { packetId: corrected.packetId });
    const patch = completeSocialCardPatch();
    await hall.clerk.call('drafts.save', {
      id: draft.id,
      patch: { counts: patch.counts, conditions: patch.conditions },
    });
    await addFileBytes(hall.clerk.call, { id: draft.id, materialId: 'photo', name: '新照片.png', bytes: uniquePng(9) });
    expect(await hall.clerk.call<SealedPacket>('drafts.seal', { id: draft.id })).toMatchObject({ version: 2 });
    const after = await attention();
    expect(after.packets.map((p) => p.packetId)).toEqual([refused.packetId]);
    expect(after.counts.attention).toBe(1);

    // 交付: the refusal handed to the applicant at the window leaves the list, recorded once.
    expect(
      await hall.clerk.raw('packets.handOver', { packetId: accepted.packetId, version: 1, how: 'window' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'packets.nothingToHandOver' },
    });
    const handed = await hall.clerk.call<{ how: string; by: string; at: number }>('packets.handOver', {
      packetId: refused.packetId,
      version: 1,
      how: 'window',
    });
    expect(handed).toEqual({ how: 'window', by: 'clerk01', at: hall.clock.now() });
    hall.clock.advance(60_000);
    expect(await hall.clerk.call('packets.handOver', { packetId: refused.packetId, version: 1, how: 'post' })).toEqual(
      handed,
    );
    const handedOver = await attention();
    expect(handedOver.counts.attention).toBe(0);
    expect((await hall.packet(refused.packetId)).handedOver).toEqual(handed);
    const audited = hall
      .openDb()
      .prepare<[], { actor: string; payload: string }>(
        "SELECT actor, payload FROM event_log WHERE kind = 'packets.handedOver'",
      )
      .all();
    expect(audited.map((e) => [e.actor, JSON.parse(e.payload)])).toEqual([
      ['clerk01', { packetId: refused.packetId, version: 1, state: 'refused', how: 'window' }],
    ]);

    // A result handed over is its own record: the approval after 受理 needs the clerk again.
    await decide(inbox.db, { packetId: accepted.packetId, decision: { kind: 'approve' }, decidedBy: '王审批' });
    await hall.reach(accepted.packetId, 'approved');
    expect((await attention()).packets.map((p) => p.packetId)).toEqual([accepted.packetId]);
    await hall.clerk.call('packets.handOver', { packetId: accepted.packetId, version: 1, how: 'window' });
    expect((await attention()).counts.attention).toBe(0);
  });
});

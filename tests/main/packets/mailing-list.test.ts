// 原件寄递清单 on a real core: sealing a packet whose item posts an original (the
// 授权委托书 of an agent's application) puts it on the day's list with its post-by day;
// the waybill is checked, recorded and audited; an unposted parcel stays on later lists.
import { describe, expect, it } from 'vitest';
import type { DraftView, ReviewResult, SealedPacket } from '../../../src-main/api/contract/index.ts';
import type { MailingEntry } from '../../../src-main/common/mailing.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';
import { PacketStore } from '../../../src-main/packets/packet-store.ts';
import { bootTestCore, openCoreStore } from '../helpers.ts';
import { SOCIAL_CARD, clerkOn, completeSocialCardPatch, idNumber, pngBytes } from '../intake/fixtures.ts';

type Clerk = Awaited<ReturnType<typeof clerkOn>>;
type List = { day: string; today: string; entries: MailingEntry[] };

async function seal(clerk: Clerk, withAgent: boolean): Promise<SealedPacket> {
  const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
  const patch = completeSocialCardPatch();
  if (withAgent) {
    Object.assign(patch, {
      agent: { name: '王建国', idNumber: idNumber('510104', '19700101', '013'), source: 'manual' },
      counts: {
        ...patch.counts,
        'authorisation-letter': { original: 1, copy: 0, electronic: 1 },
        'agent-id-card': { original: 1, copy: 0, electronic: 1 },
      },
    });
  }
  await clerk.call('drafts.save', { id: draft.id, patch });
  const add = (materialId: string, name: string, seed: number) =>
    addFileBytes(clerk.call, { id: draft.id, materialId, name, bytes: pngBytes(16, 10, seed) });
  await add('applicant-id-card', '身份证.png', 90);
  await add('photo', '照片.png', 180);
  if (withAgent) {
    await add('authorisation-letter', '委托书.png', 30);
    await add('agent-id-card', '代办人身份证.png', 60);
  }
  const review = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
  expect(review.findings.filter((f) => !f.override).map((f) => f.message)).toEqual([]);
  return clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
}

describe('the mailing list of originals', () => {
  it('lists what must be posted, checks and records the waybill, and keeps unposted parcels on later days', async () => {
    const { core, clock, dataDir } = await bootTestCore(); // Wednesday 2026-11-25, 09:00 in the hall
    let clerk = await clerkOn(core);
    const byAgent = await seal(clerk, true);
    await seal(clerk, false); // the applicant's ID card is checked and handed back: nothing to post

    const today = await clerk.call<List>('mailing.list', {});
    expect(today.day).toBe('2026-11-25');
    expect(today.entries).toHaveLength(1);
    const [entry] = today.entries;
    expect(entry).toMatchObject({
      packetId: byAgent.packetId,
      version: 1,
      trackingCode: byAgent.trackingCode,
      applicantName: '李小梅',
      postBy: '2026-11-27', // two working days
      late: false,
      waybill: null,
      originals: [{ materialId: 'authorisation-letter', name: '授权委托书', count: 1 }],
    });

    // The next Monday it is late and still on the list.
    clock.advance(5 * 86_400_000);
    clerk = await clerkOn(core); // the idle lock closed the session meanwhile
    const monday = await clerk.call<List>('mailing.list', {});
    expect(monday.day).toBe('2026-11-30');
    expect(monday.entries.map((e) => [e.packetId, e.late])).toEqual([[byAgent.packetId, true]]);

    const target = { packetId: byAgent.packetId, version: 1 };
    expect((await clerk.fail('mailing.recordWaybill', { ...target, waybill: 'EA123456784CN' })).code).toBe(
      'mailing.waybill.checkDigit',
    );
    expect((await clerk.fail('mailing.recordWaybill', { ...target, waybill: '12345' })).code).toBe(
      'mailing.waybill.format',
    );
    const recorded = await clerk.call<MailingEntry>('mailing.recordWaybill', { ...target, waybill: 'ea 123456785 cn' });
    expect(recorded).toMatchObject({ waybill: 'EA123456785CN', recordedBy: 'clerk01', late: false });

    // Posted: it leaves later days' lists, and stays on its own day's.
    clock.advance(86_400_000);
    clerk = await clerkOn(core);
    expect((await clerk.call<List>('mailing.list', {})).entries).toEqual([]);
    const sealedDay = await clerk.call<List>('mailing.list', { day: '2026-11-25' });
    expect(sealedDay.entries.map((e) => e.waybill)).toEqual(['EA123456785CN']);

    // The manifest tells the department which originals come by post and which went back;
    // the waybill is in the audit log.
    const { db } = openCoreStore(dataDir);
    const manifest = new PacketStore(db).manifest(byAgent.packetId, 1)!;
    expect(manifest.materials.map((m) => [m.materialId, m.originalHandling])).toEqual([
      ['applicant-id-card', 'returned'],
      ['photo', 'returned'],
      ['authorisation-letter', 'posted'],
      ['agent-id-card', 'returned'],
    ]);
    const audited = db
      .prepare<[], { actor: string; payload: string }>(
        "SELECT actor, payload FROM event_log WHERE kind = 'mailing.waybillRecorded'",
      )
      .all();
    expect(audited.map((e) => [e.actor, JSON.parse(e.payload)])).toEqual([
      ['clerk01', { packetId: byAgent.packetId, version: 1, waybill: 'EA123456785CN' }],
    ]);
  });

  it('refuses a waybill for a packet with nothing to post', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const plain = await seal(clerk, false);
    const error = await clerk.fail('mailing.recordWaybill', {
      packetId: plain.packetId,
      version: 1,
      waybill: 'EA123456785CN',
    });
    expect(error.code).toBe('mailing.notOnList');
  });
});

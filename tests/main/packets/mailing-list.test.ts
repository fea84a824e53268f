// 原件寄递清单 on a real core: sealing a packet whose item posts an original (the
// 授权委托书 of an agent's application) puts it on the day's list with its post-by day;
// the waybill is checked, recorded and audited; an unposted parcel stays on later lists.
import { describe, expect, it } from 'vitest';
import type { DraftView, ReviewResult, SealedPacket } from '../../../src-main/api/contract/index.ts';
import type { MailingEntry } from '../../../src-main/common/mailing.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';
import { PacketStore } from '../../../src-main/packets/packet-store.ts';
import { pdfText } from '../../fixtures/pdf.ts';
import { flat } from '../documents/pdf-tools.ts';
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
        // A copy of the agent's card, made at the counter from the card shown.
        'agent-id-card': { original: 1, copy: 1, electronic: 1 },
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
    const manifest = new PacketStore(db, Buffer.alloc(32, 1)).manifest(byAgent.packetId, 1)!;
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

  it('prints on the receipt where each original went, and that copies were checked against them', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const sealed = await seal(clerk, true);
    const receipt = sealed.documents.find((d) => d.kind === 'receipt')!;
    const { bytes } = await clerk.call<{ bytes: Uint8Array }>('documents.get', { sha256: receipt.sha256 });
    const text = flat(await pdfText(bytes));
    // Table cells wrap, so a row's text is read between its number and the next row's.
    const table = text.slice(text.indexOf('序号材料名称'), text.indexOf('收件人：'));
    const row = (n: number) =>
      table.slice(table.indexOf(`${n}`, 1), table.indexOf(`${n + 1}`, table.indexOf(`${n}`, 1) + 1));
    const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;
    // The applicant's ID card was checked and handed back: due as 原件1份, not received, and the note says so.
    expect(row(1)).toMatch(/^1申请人居民身份证/);
    expect(count(row(1), '原件1份')).toBe(1);
    expect(row(1)).toContain('原件核验后已退');
    // The letter of authority is kept, to go by post.
    expect(row(3)).toMatch(/^3授权委托书/);
    expect(count(row(3), '原件1份')).toBe(2);
    expect(row(3)).toContain('原件寄递审批部');
    // The copy of the agent's card was checked against the card itself.
    expect(row(4)).toMatch(/^4代办人居民身份证/);
    expect(row(4)).toContain('复印件经与原件核对无误');
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

// `packets.list` through the real dispatcher of a real core: search by name, ID number,
// document number and 查询号, keyset pages with their cursor, the counts, what bad input
// gets, and packets of an older store (no search rows) found after a restart.
import { describe, expect, it } from 'vitest';
import type { DraftView, QueuedPacket, ReviewResult, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { errorMessage } from '../../../src-main/common/i18n/index.ts';
import type { QueueCounts } from '../../../src-main/common/packets.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';
import { bootTestCore, openCoreStore, tempDir } from '../helpers.ts';
import { clerkOn, completeSocialCardPatch, idNumber, pngBytes, SOCIAL_CARD } from '../intake/fixtures.ts';

type Clerk = Awaited<ReturnType<typeof clerkOn>>;
type Page = { packets: QueuedPacket[]; nextCursor: string | null; counts: QueueCounts };

/** Seals a complete 社会保障卡申领 for `name` with ID number `id` (born 1990-03-07, female, as the patch says). */
async function seal(clerk: Clerk, name: string, id: string): Promise<SealedPacket> {
  const patch = completeSocialCardPatch();
  patch.applicant = { ...patch.applicant, name, idNumber: id };
  patch.answers = { ...patch.answers, applicantName: name, applicantIdNumber: id };
  const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
  await clerk.call('drafts.save', { id: draft.id, patch });
  await addFileBytes(clerk.call, {
    id: draft.id,
    materialId: 'applicant-id-card',
    name: '身份证.png',
    bytes: pngBytes(16, 10, 90),
  });
  await addFileBytes(clerk.call, { id: draft.id, materialId: 'photo', name: '照片.png', bytes: pngBytes(12, 14, 180) });
  expect((await clerk.call<ReviewResult>('drafts.review', { id: draft.id })).outcome).toBe('receive');
  return clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
}

const APPLICANTS = [
  { name: '王建国', id: idNumber('510104', '19900307', '126') },
  { name: '李秀英', id: idNumber('510104', '19900307', '128') },
  { name: '阿依古丽·买买提', id: idNumber('510104', '19900307', '132') },
];

describe('packets.list', () => {
  it('finds, pages and counts through the contract, and a restart indexes what an older store sealed', async () => {
    const dataDir = tempDir();
    const first = await bootTestCore({ dataDir });
    let clerk = await clerkOn(first.core);
    const sealed: SealedPacket[] = [];
    for (const applicant of APPLICANTS) {
      sealed.push(await seal(clerk, applicant.name, applicant.id));
      first.clock.advance(60_000);
    }
    const list = (input: Record<string, unknown>) => clerk.call<Page>('packets.list', { scope: 'all', ...input });

    // Newest first, two a page; the cursor leads on without a repeat.
    const one = await list({ limit: 2 });
    expect(one.packets.map((p) => p.packetId)).toEqual([sealed[2]!.packetId, sealed[1]!.packetId]);
    expect(one.counts).toMatchObject({ all: 3, today: 3 });
    const two = await list({ limit: 2, cursor: one.nextCursor });
    expect(two.packets.map((p) => p.packetId)).toEqual([sealed[0]!.packetId]);
    expect(two.nextCursor).toBeNull();
    // Each page still carries its sync view.
    expect(two.packets[0]!.sync).toMatchObject({ step: expect.any(String) });

    const found = async (query: string) => (await list({ query })).packets.map((p) => p.packetId);
    expect(await found('李秀英')).toEqual([sealed[1]!.packetId]);
    expect(await found('阿依古丽 买买提')).toEqual([sealed[2]!.packetId]);
    expect(await found(APPLICANTS[0]!.id.toLowerCase())).toEqual([sealed[0]!.packetId]);
    const receipt = sealed[1]!.documents.find((d) => d.kind === 'receipt')!.number;
    expect(await found(receipt)).toEqual([sealed[1]!.packetId]);
    expect(await found(receipt.split('-').slice(-3).join('-'))).toEqual([sealed[1]!.packetId]);
    expect(await found(sealed[2]!.trackingCode!.replace(/-/g, '').toLowerCase())).toEqual([sealed[2]!.packetId]);
    expect(await found('李')).toEqual([]);
    // The count of each filter follows the search.
    expect((await list({ scope: 'today', query: '王建国' })).counts).toEqual({
      today: 1,
      open: 1,
      attention: 0,
      all: 1,
    });

    // Bad input is refused with words a clerk can act on, and changes nothing.
    const badCursor = await clerk.fail('packets.list', { scope: 'all', cursor: 'not-a-cursor' });
    expect(badCursor).toMatchObject({ code: 'request.invalidInput' });
    expect(errorMessage('request.invalidInput', badCursor.params)).toMatch(/[\u4e00-\u9fff]/);
    expect(await clerk.fail('packets.list', { scope: 'all', query: '王'.repeat(161) })).toMatchObject({
      code: 'request.invalidInput',
    });
    expect(await clerk.fail('packets.list', { scope: 'yesterday' })).toMatchObject({ code: 'request.invalidInput' });
    expect((await list({})).counts.all).toBe(3);

    // A store from before the search index: its packets have no search rows.
    await first.core.close();
    const store = openCoreStore(dataDir);
    store.db.prepare('DELETE FROM packet_search').run();
    const terms = store.db.prepare<[], { term: string }>('SELECT term FROM packet_search').all();
    expect(terms).toEqual([]);
    store.db.close();
    const second = await bootTestCore({ dataDir, clock: first.clock });
    clerk = await clerkOn(second.core);
    expect(await found(APPLICANTS[1]!.id)).toEqual([sealed[1]!.packetId]);
    expect(second.log.text).toContain('packets indexed for search');
  });
});

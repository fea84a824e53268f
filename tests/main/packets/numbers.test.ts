// Document numbers and 查询号 as two windows of one hall issue them: each window PC has
// its own database, so the window's id in the number is what keeps them apart.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DraftView, ReviewResult, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { bootTestCore, tempDir } from '../helpers.ts';
import { SOCIAL_CARD, clerkOn, completeSocialCardPatch, pngBytes } from '../intake/fixtures.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';

type Clerk = Awaited<ReturnType<typeof clerkOn>>;

const HALL = {
  hall: { id: 'hz-xh', name: '西湖区政务服务中心' },
  regionCode: '330106',
};

/** A core configured as window `windowId` of the hall. */
async function windowCore(windowId: string, extra: Record<string, unknown> = {}) {
  const dataDir = tempDir();
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({ ...HALL, window: { id: windowId, name: '跨省通办专窗' }, ...extra }),
  );
  const booted = await bootTestCore({ dataDir });
  return { ...booted, clerk: await clerkOn(booted.core) };
}

/** Seals a complete 社会保障卡申领 (受理: receipt and acceptance notice). */
async function sealComplete(clerk: Clerk): Promise<SealedPacket> {
  const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
  await clerk.call('drafts.save', { id: draft.id, patch: completeSocialCardPatch() });
  await addFileBytes(clerk.call, { id: draft.id, materialId: 'applicant-id-card', name: '身份证.png', bytes: pngBytes(16, 10, 90) });
  await addFileBytes(clerk.call, { id: draft.id, materialId: 'photo', name: '照片.png', bytes: pngBytes(12, 14, 180) });
  const review = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
  expect(review.outcome).toBe('accept');
  return clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
}

describe('document numbers', () => {
  it('differ between two windows of one hall: the series is per hall, window, kind and year', async () => {
    const w1 = await windowCore('W01');
    const w2 = await windowCore('W02');
    const first = await sealComplete(w1.clerk);
    const other = await sealComplete(w2.clerk);
    expect(first.documents.map((d) => d.number)).toEqual(['hz-xh-W01-SJ-2026-000001', 'hz-xh-W01-SL-2026-000001']);
    expect(other.documents.map((d) => d.number)).toEqual(['hz-xh-W02-SJ-2026-000001', 'hz-xh-W02-SL-2026-000001']);
    // The window's own series goes on.
    const second = await sealComplete(w1.clerk);
    expect(second.documents.map((d) => d.number)).toEqual(['hz-xh-W01-SJ-2026-000002', 'hz-xh-W01-SL-2026-000002']);
  });

  it('fit on the notices with hall and window ids as long as the config allows', async () => {
    const w = await windowCore('W'.repeat(64), { hall: { ...HALL.hall, id: 'h'.repeat(64) } });
    const sealed = await sealComplete(w.clerk);
    expect(sealed.documents[0]!.number).toBe(`${'h'.repeat(64)}-${'W'.repeat(64)}-SJ-2026-000001`);
  });
});

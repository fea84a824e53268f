// One writer per draft (issue #20): a seal never leaves out a page the clerk saw being
// added, and a change that comes after the draft was sealed or discarded is answered with
// a reason, never `internal`. Real core, real encrypted store, chunked uploads as the UI
// sends them, two tabs of the same clerk.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DraftView, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { errorMessage } from '../../../src-main/common/i18n/index.ts';
import { bootTestCore, openCoreStore } from '../helpers.ts';
import { SOCIAL_CARD, clerkOn, completeSocialCardPatch, pngBytes } from './fixtures.ts';
import { addFileBytes, uploadBytes } from '../../fixtures/uploads.ts';

const MiB = 1024 * 1024;

/** A clerk with two tabs and a draft ready to be accepted (all fields, both materials). */
async function readyDraft() {
  const test = await bootTestCore();
  const tab = await clerkOn(test.core);
  const otherTab = await clerkOn(test.core);
  const draft = await tab.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
  await tab.call('drafts.save', { id: draft.id, patch: completeSocialCardPatch() });
  await addFileBytes(tab.call, {
    id: draft.id,
    materialId: 'applicant-id-card',
    name: '身份证.png',
    bytes: pngBytes(16, 10, 90),
  });
  await addFileBytes(tab.call, { id: draft.id, materialId: 'photo', name: '照片.png', bytes: pngBytes(12, 14, 180) });
  return { ...test, tab, otherTab, draft };
}

function packetFiles(dataDir: string, packetId: string): string[] {
  const { db } = openCoreStore(dataDir);
  return db
    .prepare<[string], { sha256: string }>('SELECT sha256 FROM packet_files WHERE packet_id = ?')
    .all(packetId)
    .map((row) => row.sha256);
}

describe('one writer per draft', () => {
  it('refuses to seal while a 50 MiB page is uploading, and a seal sent with the page’s addFile includes it', async () => {
    const { tab, otherTab, draft, dataDir } = await readyDraft();
    const page = Buffer.concat([Buffer.from(pngBytes(20, 20, 60)), randomBytes(50 * MiB)]);
    const { uploadId, chunkBytes } = await tab.call<{ uploadId: string; chunkBytes: number }>('uploads.begin', {
      purpose: 'material',
      draftId: draft.id,
      name: '户口簿.png',
      size: page.length,
    });
    const send = async (from: number, to: number) => {
      for (let offset = from; offset < to; offset += chunkBytes) {
        await tab.call('uploads.chunk', {
          uploadId,
          offset,
          bytes: page.subarray(offset, Math.min(to, offset + chunkBytes)),
        });
      }
    };
    await send(0, 6 * chunkBytes);

    // The other tab presses 封装 half-way: refused, with the reason in Chinese.
    const refused = await otherTab.fail('drafts.seal', { id: draft.id });
    expect(refused).toMatchObject({ code: 'intake.uploadInProgress', params: { count: 1 } });
    expect(errorMessage(refused.code, refused.params)).toBe(
      '还有 1 个材料文件正在上传，暂不能封装。请等上传完成（或取消上传）后再封装。',
    );
    // All bytes in, not yet handed to the draft: still on its way.
    await send(6 * chunkBytes, page.length);
    expect(await otherTab.fail('drafts.seal', { id: draft.id })).toMatchObject({ code: 'intake.uploadInProgress' });

    // addFile and seal at once: the seal waits for the page and seals it in.
    const adding = tab.raw('drafts.addFile', { id: draft.id, materialId: 'applicant-id-card', uploadId });
    const sealing = otherTab.raw('drafts.seal', { id: draft.id });
    const [added, sealed] = await Promise.all([adding, sealing]);
    expect(added).toMatchObject({ ok: true });
    expect(sealed).toMatchObject({ ok: true, value: { packetId: draft.id, outcome: 'receive' } });
    const pageSha = (added as { value: DraftView }).value.files.find((f) => f.name === '户口簿.png')!.sha256;
    expect(packetFiles(dataDir, draft.id)).toContain(pageSha);
  }, 60_000);

  it('answers every change after the seal with intake.draftSealed naming the packet, and loses nothing', async () => {
    const { core, tab, otherTab, draft } = await readyDraft();
    const extra = await uploadBytes(otherTab.call, draft.id, '补充.png', pngBytes(8, 8, 30));
    const seal = tab.raw('drafts.seal', { id: draft.id });
    const after = await Promise.all([
      otherTab.raw('drafts.save', { id: draft.id, patch: { answers: { phone: '13900000000' } } }),
      otherTab.raw('drafts.review', { id: draft.id }),
      otherTab.raw('drafts.addFile', { id: draft.id, materialId: 'photo', uploadId: extra }),
      otherTab.raw('drafts.removeFile', { id: draft.id, materialId: 'photo', sha256: 'a'.repeat(64) }),
      otherTab.raw('drafts.discard', { id: draft.id }),
    ]);
    expect(await seal).toMatchObject({ ok: true, value: { packetId: draft.id } });
    after.push(await otherTab.raw('drafts.get', { id: draft.id }));
    for (const answer of after) {
      expect(answer).toMatchObject({
        ok: false,
        error: { code: 'intake.draftSealed', params: { packetId: draft.id } },
      });
    }
    const { code, params } = (after[0] as { error: { code: 'intake.draftSealed'; params: Record<string, string> } })
      .error;
    expect(errorMessage(code, params)).toContain(`已封装为收件包 ${draft.id}`);
    // Another clerk is not told that the draft ever existed.
    const stranger = await clerkOn(core, 'clerk02');
    expect(await stranger.fail('drafts.get', { id: draft.id })).toMatchObject({ code: 'intake.draftNotFound' });
  });

  it('answers an addFile after a discard with intake.draftNotFound and keeps no trace of the file', async () => {
    const { tab, otherTab, draft, dataDir } = await readyDraft();
    const { blobs } = openCoreStore(dataDir);
    const before = [...blobs.listFileNames()].sort();
    const uploadId = await uploadBytes(tab.call, draft.id, '迟到.png', pngBytes(9, 9, 200));
    const discarded = otherTab.raw('drafts.discard', { id: draft.id });
    const adding = tab.raw('drafts.addFile', { id: draft.id, materialId: 'photo', uploadId });
    expect(await discarded).toMatchObject({ ok: true });
    expect(await adding).toMatchObject({ ok: false, error: { code: 'intake.draftNotFound' } });
    expect([...blobs.listFileNames()].sort()).toEqual(before);
    // And no new upload can begin for it.
    expect(
      await tab.fail('uploads.begin', { purpose: 'material', draftId: draft.id, name: 'x.png', size: 10 }),
    ).toMatchObject({
      code: 'intake.draftNotFound',
    });
  });

  it('removes at once a file whose record could not be written, and keeps the draft as it was', async () => {
    const { tab, draft, dataDir } = await readyDraft();
    const { db, blobs } = openCoreStore(dataDir);
    const before = [...blobs.listFileNames()].sort();
    // A real failure in the recording transaction, after the blob was written.
    db.exec(
      "CREATE TRIGGER test_refuse BEFORE INSERT ON draft_files BEGIN SELECT RAISE(ABORT, 'refused by test'); END",
    );
    const answer = await tab.raw('drafts.addFile', {
      id: draft.id,
      materialId: 'photo',
      uploadId: await uploadBytes(tab.call, draft.id, '新照片.png', pngBytes(11, 11, 120)),
    });
    expect(answer.ok).toBe(false);
    expect([...blobs.listFileNames()].sort()).toEqual(before);
    db.exec('DROP TRIGGER test_refuse');
    const still = await tab.call<DraftView>('drafts.get', { id: draft.id });
    expect(still.files.map((f) => f.name).sort()).toEqual(['照片.png', '身份证.png']);
    expect(await tab.call<SealedPacket>('drafts.seal', { id: draft.id })).toMatchObject({ outcome: 'receive' });
  });
});

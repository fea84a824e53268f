// A material's pages as the 高拍仪 takes them: in the clerk's order, moved, retaken in place,
// removed; how each page was taken goes into the session's log; at seal the material's
// pages become one PDF in that order, which a 补正 that leaves them alone carries unchanged,
// while picked files travel as they are. Real core, real SQLite, real uploads.
import { readFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DraftView, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { errorMessage } from '../../../src-main/common/i18n/index.ts';
import { PacketStore } from '../../../src-main/packets/packet-store.ts';
import { EventLog } from '../../../src-main/recording/event-log.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import { addFileBytes, uploadBytes } from '../../fixtures/uploads.ts';
import { bootTestCore, openCoreStore, TestClock } from '../helpers.ts';
import { clerkOn, completeSocialCardPatch, pngBytes, SOCIAL_CARD } from './fixtures.ts';

const pagesOf = (draft: DraftView, materialId: string) =>
  draft.files.filter((f) => f.materialId === materialId).map((f) => f.name);

const CAPTURE = {
  source: 'documentCamera',
  frame: { width: 3264, height: 2448 },
  corners: [
    { x: 210, y: 180 },
    { x: 3010, y: 260 },
    { x: 2950, y: 2300 },
    { x: 160, y: 2210 },
  ],
  mode: 'colour',
  rotation: 0,
  warnings: ['glare'],
} as const;

/** The applicant's photo (picked, not a camera page), then review: the draft is ready to seal. */
async function addPhotoAndReview(clerk: Awaited<ReturnType<typeof clerkOn>>, id: string): Promise<void> {
  await addFileBytes(clerk.call, { id, materialId: 'photo', name: '照片.png', bytes: pngBytes(12, 14, 180) });
  await clerk.call('drafts.review', { id });
}

describe('the pages of a material', () => {
  it('keep the clerk’s order: added at the end, moved, retaken in place, removed; the packet lists them so', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    await clerk.call('drafts.save', { id: draft.id, patch: completeSocialCardPatch() });
    const material = 'applicant-id-card';
    let view!: DraftView;
    for (const [i, name] of ['第1页.png', '第2页.png', '第3页.png'].entries()) {
      const uploadId = await uploadBytes(clerk.call, draft.id, name, pngBytes(20 + i, 12, 40 * (i + 1)));
      view = await clerk.call<DraftView>('drafts.addFile', {
        id: draft.id,
        materialId: material,
        uploadId,
        capture: CAPTURE,
      });
    }
    expect(pagesOf(view, material)).toEqual(['第1页.png', '第2页.png', '第3页.png']);

    const third = view.files.find((f) => f.name === '第3页.png')!;
    view = await clerk.call<DraftView>('drafts.moveFile', {
      id: draft.id,
      materialId: material,
      sha256: third.sha256,
      to: 0,
    });
    expect(pagesOf(view, material)).toEqual(['第3页.png', '第1页.png', '第2页.png']);

    // Retaken: the new page stands where the old one stood.
    const first = view.files.find((f) => f.name === '第1页.png')!;
    const retake = await uploadBytes(clerk.call, draft.id, '第1页重拍.png', pngBytes(30, 14, 77));
    view = await clerk.call<DraftView>('drafts.addFile', {
      id: draft.id,
      materialId: material,
      uploadId: retake,
      replacing: first.sha256,
      capture: { ...CAPTURE, adjusted: true, warnings: [] },
    });
    expect(pagesOf(view, material)).toEqual(['第3页.png', '第1页重拍.png', '第2页.png']);

    // A page that is no longer there: a clear refusal, nothing changed.
    const gone = await clerk.fail('drafts.moveFile', {
      id: draft.id,
      materialId: material,
      sha256: first.sha256,
      to: 2,
    });
    expect(gone.code).toBe('intake.fileNotFound');
    const staleRetake = await uploadBytes(clerk.call, draft.id, '又一张.png', pngBytes(31, 14, 78));
    const refused = await clerk.fail('drafts.addFile', {
      id: draft.id,
      materialId: material,
      uploadId: staleRetake,
      replacing: first.sha256,
    });
    expect(refused.code).toBe('intake.fileNotFound');
    expect(pagesOf(await clerk.call<DraftView>('drafts.get', { id: draft.id }), material)).toEqual([
      '第3页.png',
      '第1页重拍.png',
      '第2页.png',
    ]);

    // Moved past the end: last.
    const third2 = view.files.find((f) => f.name === '第3页.png')!;
    view = await clerk.call<DraftView>('drafts.moveFile', {
      id: draft.id,
      materialId: material,
      sha256: third2.sha256,
      to: 99,
    });
    expect(pagesOf(view, material)).toEqual(['第1页重拍.png', '第2页.png', '第3页.png']);
    await addFileBytes(clerk.call, {
      id: draft.id,
      materialId: 'photo',
      name: '照片.png',
      bytes: pngBytes(12, 14, 180),
    });

    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
    const { db, blobs } = openCoreStore(dataDir);
    const manifest = new PacketStore(db, Buffer.alloc(32, 1)).manifest(sealed.packetId, 1)!;
    // One PDF for the material, its pages in the clerk's order (told apart by their shapes).
    const bound = manifest.files.filter((f) => f.materialId === material);
    expect(bound.map((f) => [f.name, f.mediaType])).toEqual([['申请人居民身份证（3页）.pdf', 'application/pdf']]);
    const pdf = await PDFDocument.load(await blobs.read(bound[0]!.sha256));
    expect(pdf.getPages().map((page) => +(page.getWidth() / page.getHeight()).toFixed(2))).toEqual([
      +(30 / 14).toFixed(2),
      +(21 / 12).toFixed(2),
      +(22 / 12).toFixed(2),
    ]);
    expect(manifest.materials.find((m) => m.materialId === material)!.files).toEqual([bound[0]!.sha256]);

    // The log says how each page was taken, which was retaken and which moved.
    const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
    const log = new EventLog(db, new TestClock(), keys.evidenceKey);
    const events = [...log.read(`session:${draft.id}`)];
    const added = events.filter((e) => e.kind === 'intake.materialAdded' && e.payload['materialId'] === material);
    expect(added).toHaveLength(3);
    expect(added[0]!.payload['capture']).toEqual(CAPTURE);
    const retaken = events.find((e) => e.kind === 'intake.materialRetaken')!;
    expect(retaken.payload).toMatchObject({
      materialId: material,
      replaced: first.sha256,
      capture: { adjusted: true },
    });
    expect(events.filter((e) => e.kind === 'intake.materialMoved').map((e) => e.payload['to'])).toEqual([0, 2]);
    expect(log.verify(`session:${draft.id}`).ok).toBe(true);
  });

  it('refuses a capture record that is not one (three corners, an unknown mode)', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const uploadId = await uploadBytes(clerk.call, draft.id, 'p.png', pngBytes());
    const error = await clerk.fail('drafts.addFile', {
      id: draft.id,
      materialId: 'photo',
      uploadId,
      capture: { source: 'documentCamera', corners: CAPTURE.corners.slice(0, 3), mode: 'sepia' },
    });
    expect(error.code).toBe('request.invalidInput');
  });

  it('binds only camera pages: a picked PDF travels as it is, and a 补正 leaving the pages alone sends the same PDF', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    await clerk.call('drafts.save', { id: draft.id, patch: completeSocialCardPatch() });
    const material = 'applicant-id-card';
    for (const [i, name] of ['正面.png', '背面.png'].entries()) {
      const uploadId = await uploadBytes(clerk.call, draft.id, name, pngBytes(40, 25 + i, 90 + i));
      await clerk.call('drafts.addFile', { id: draft.id, materialId: material, uploadId, capture: CAPTURE });
    }
    const signed = await PDFDocument.create();
    signed.addPage([200, 100]);
    const signedBytes = await signed.save();
    await addFileBytes(clerk.call, { id: draft.id, materialId: material, name: '电子证照.pdf', bytes: signedBytes });
    // No photo: a 补正 at the window; the applicant brings it later.
    await clerk.call('drafts.review', { id: draft.id });
    const first = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });

    const { db, blobs } = openCoreStore(dataDir);
    const packets = new PacketStore(db, Buffer.alloc(32, 1));
    const v1 = packets.manifest(first.packetId, 1)!.files.filter((f) => f.materialId === material);
    expect(v1.map((f) => f.name)).toEqual(['申请人居民身份证（2页）.pdf', '电子证照.pdf']);
    // The picked PDF is byte for byte the applicant's.
    expect(Buffer.from(await blobs.read(v1[1]!.sha256)).equals(Buffer.from(signedBytes))).toBe(true);
    expect((await PDFDocument.load(await blobs.read(v1[0]!.sha256))).getPageCount()).toBe(2);

    const supplement = await clerk.call<DraftView>('drafts.supplement', { packetId: first.packetId });
    await addPhotoAndReview(clerk, supplement.id);
    await clerk.call<SealedPacket>('drafts.seal', { id: supplement.id });
    const v2 = packets.manifest(first.packetId, 2)!.files.filter((f) => f.materialId === material);
    expect(v2.map((f) => f.sha256)).toEqual(v1.map((f) => f.sha256));
  });

  it('a page that cannot be read refuses the seal with the reason, keeps the draft, and leaves no stray blob', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    await clerk.call('drafts.save', { id: draft.id, patch: completeSocialCardPatch() });
    // A PNG signature over a broken body: taken as a PNG, unreadable when bound.
    const broken = new Uint8Array(pngBytes(30, 20, 50));
    broken.fill(7, 40);
    const uploadId = await uploadBytes(clerk.call, draft.id, '坏页.png', broken);
    await clerk.call('drafts.addFile', { id: draft.id, materialId: 'applicant-id-card', uploadId, capture: CAPTURE });
    await addPhotoAndReview(clerk, draft.id);
    const { db } = openCoreStore(dataDir);
    const blobsBefore = db.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number };

    const error = await clerk.fail('drafts.seal', { id: draft.id });
    expect(error.code).toBe('intake.pageUnreadable');
    expect(errorMessage(error.code, error.params)).toBe(
      '“申请人居民身份证”的第1页（坏页.png）无法读取，未封装。请重拍或删除这一页后再封装。',
    );
    const kept = await clerk.call<DraftView>('drafts.get', { id: draft.id });
    expect(kept.files.map((f) => f.name).sort()).toEqual(['坏页.png', '照片.png']);
    expect(db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual(blobsBefore);
    expect(db.prepare('SELECT count(*) AS n FROM packets').get()).toEqual({ n: 0 });
  });
});

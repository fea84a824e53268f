// A page's thumbnail, stored beside it so the pages list never loads whole pages: taken
// with the page through the contract, answered by drafts.fileContent when asked for, the
// page itself where a file has none; anything but a small JPEG is refused and leaves
// nothing behind. Real core, real encrypted store.
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import type { DraftView } from '../../../src-main/api/contract/index.ts';
import { MAX_THUMBNAIL_BYTES } from '../../../src-main/common/thumbnails.ts';
import { errorMessage } from '../../../src-main/common/i18n/index.ts';
import { uploadBytes } from '../../fixtures/uploads.ts';
import { bootTestCore, openCoreStore } from '../helpers.ts';
import { clerkOn, pngBytes, SOCIAL_CARD } from './fixtures.ts';

/** A real JPEG of a grey gradient, width × height. */
function jpegOf(width: number, height: number): Uint8Array {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.fill((i % width) * 2, i * 4, i * 4 + 3).writeUInt8(255, i * 4 + 3);
  return new Uint8Array(jpeg.encode({ data, width, height }, 80).data);
}

type Content = { bytes: Uint8Array; mediaType: string; name: string };

describe('page thumbnails', () => {
  it('stores a page with its thumbnail and answers either; a file without one answers itself', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const page = jpegOf(320, 400);
    const small = jpegOf(64, 80);
    const view = await clerk.call<DraftView>('drafts.addFile', {
      id: draft.id,
      materialId: 'photo',
      uploadId: await uploadBytes(clerk.call, draft.id, '第1页.jpg', page),
      thumbnail: small,
    });
    const sha256 = view.files[0]!.sha256;
    const whole = await clerk.call<Content>('drafts.fileContent', { id: draft.id, sha256 });
    expect(Buffer.from(whole.bytes).equals(Buffer.from(page))).toBe(true);
    const thumbnail = await clerk.call<Content>('drafts.fileContent', { id: draft.id, sha256, thumbnail: true });
    expect(thumbnail).toMatchObject({ mediaType: 'image/jpeg', name: '第1页.jpg' });
    expect(Buffer.from(thumbnail.bytes).equals(Buffer.from(small))).toBe(true);

    // A file stored without one (a PDF, or a page from before thumbnails): the file itself.
    const plain = await clerk.call<DraftView>('drafts.addFile', {
      id: draft.id,
      materialId: 'photo',
      uploadId: await uploadBytes(clerk.call, draft.id, '照片.png', pngBytes()),
    });
    const png = plain.files.find((f) => f.name === '照片.png')!;
    const asked = await clerk.call<Content>('drafts.fileContent', {
      id: draft.id,
      sha256: png.sha256,
      thumbnail: true,
    });
    expect(asked.mediaType).toBe('image/png');
    expect(Buffer.from(asked.bytes).equals(Buffer.from(pngBytes()))).toBe(true);

    // The thumbnail is a recorded blob: the integrity check finds it on disk, encrypted.
    const { db, blobs } = openCoreStore(dataDir);
    const row = db
      .prepare<[string], { thumbnail_sha256: string }>('SELECT thumbnail_sha256 FROM draft_files WHERE sha256 = ?')
      .get(sha256)!;
    expect(db.prepare('SELECT 1 FROM blobs WHERE sha256 = ?').get(row.thumbnail_sha256)).toBeDefined();
    expect((await blobs.read(row.thumbnail_sha256)).equals(Buffer.from(small))).toBe(true);
  });

  it('refuses a thumbnail that is not a JPEG, or too large, and keeps neither the page nor a blob', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const { db } = openCoreStore(dataDir);
    const blobsBefore = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM blobs').get()!.n;

    const notJpeg = await clerk.fail('drafts.addFile', {
      id: draft.id,
      materialId: 'photo',
      uploadId: await uploadBytes(clerk.call, draft.id, '第1页.jpg', jpegOf(200, 260)),
      thumbnail: pngBytes(),
    });
    expect(notJpeg).toMatchObject({ code: 'intake.badThumbnail', params: { name: '第1页.jpg' } });
    expect(errorMessage(notJpeg.code, notJpeg.params)).toBe(
      '“第1页.jpg”的缩略图无法使用，此页未收取。请重拍或重新上传此页。',
    );

    const tooLarge = await clerk.fail('drafts.addFile', {
      id: draft.id,
      materialId: 'photo',
      uploadId: await uploadBytes(clerk.call, draft.id, '第1页.jpg', jpegOf(200, 260)),
      thumbnail: new Uint8Array(MAX_THUMBNAIL_BYTES + 1),
    });
    expect(tooLarge).toMatchObject({ code: 'request.invalidInput' });

    expect((await clerk.call<DraftView>('drafts.get', { id: draft.id })).files).toEqual([]);
    expect(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM blobs').get()!.n).toBe(blobsBefore);
  });
});

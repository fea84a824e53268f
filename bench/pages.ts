// A session of 100 pages from the document camera: what the core holds while a clerk
// captures a stack. Each page is a 3264×2448 JPEG (a generated page on a desk, made
// unique per page by a JPEG comment), sent as the UI sends it (chunked upload, then
// drafts.addFile) and stored encrypted on disk as it comes. Target: resident memory flat
// after the first pages — pages live on disk, not in memory.
import { rmSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encodeJpeg } from '../src-main/devices/doccam/image-file.ts';
import { renderScene } from '../tests/main/devices/doccam/scenes.ts';
import { uploadBytes } from '../tests/fixtures/uploads.ts';
import { openDesk, startDraft } from './desk.ts';
import { bootCore, MiB, record, workDir } from './support.ts';

const PAGES = 100;

/** The same JPEG with a comment segment (COM) after its start marker: other bytes, the same picture. */
function withComment(jpeg: Buffer, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const segment = Buffer.alloc(4 + body.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(body.length + 2, 2);
  body.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

export async function benchPages(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const settledRss = () => {
    gc();
    gc();
    return process.memoryUsage().rss;
  };
  const jpeg = encodeJpeg(renderScene(3264, 2448, { seed: 7 }), 85);
  const dir = workDir();
  const core = await bootCore(dir);
  const { call } = await openDesk(core);
  const draftId = await startDraft(call);

  const rss: number[] = [];
  const started = performance.now();
  for (let page = 1; page <= PAGES; page++) {
    const bytes = withComment(jpeg, `page ${page}`);
    const uploadId = await uploadBytes(call, draftId, `第${page}页.jpg`, bytes);
    await call('drafts.addFile', {
      id: draftId,
      materialId: 'applicant-id-card',
      uploadId,
      capture: { source: 'documentCamera', frame: { width: 3264, height: 2448 }, mode: 'colour', rotation: 0 },
    });
    if (page === 10 || page === 50 || page === PAGES) rss.push(settledRss());
  }
  const perPage = (performance.now() - started) / PAGES;
  record(
    'document camera session: resident memory after 10 → 50 → 100 pages (after GC)',
    rss.map((r) => `${(r / MiB).toFixed(0)}`).join(' → ') + ' MiB',
    `target flat; ${PAGES} pages of ${(jpeg.length / 1024).toFixed(0)} KiB JPEG (3264×2448) stored as they come, ${perPage.toFixed(0)} ms a page (upload + store, client and core in one process)`,
  );
  await core.close();
  rmSync(dir, { recursive: true, force: true });
}

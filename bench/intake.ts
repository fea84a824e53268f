// Intake figures: the time from the clerk pressing 封装 to the packet stored, for a
// packet of 50 scanned pages (real PNG scans, encrypted blobs, PDF notices).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import WebSocket from 'ws';
import { decodeMessage, encodeMessage, type EventMessage, type ResultMessage } from '../src-main/api/wire.ts';
import { startBrowserHost } from '../src-main/host/server.ts';
import { redeemOpenUrl } from '../tests/main/sync/process-harness.ts';
import type { HallCore } from '../src-main/core/hall-core.ts';
import { addScannedPages, openDesk, PASSWORD, scannedPage, startDraft } from './desk.ts';
import { bootCore, MiB, record, workDir } from './support.ts';

export { addScannedPages, caller, openDesk, scannedPage, startDraft, type Call } from './desk.ts';


export async function benchIntake(): Promise<void> {
  const dir = workDir();
  const core = await bootCore(dir);
  const { call } = await openDesk(core);

  const draftId = await startDraft(call);
  const pages = await addScannedPages(call, draftId);
  record('add a scanned page to a draft', `${(pages.ms / 50).toFixed(1)} ms/page`, `50 pages, ${(pages.bytes / 50 / 1024).toFixed(0)} KiB each`);

  // The clerk reviews (which starts the render worker, as in the wizard), reads the outcome and confirms.
  await call('drafts.review', { id: draftId });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const sealStarted = performance.now();
  const sealed = await call<{ outcome: string; documents: unknown[] }>('drafts.seal', { id: draftId });
  const sealMs = performance.now() - sealStarted;
  record(
    'seal → packet stored, 50-page packet, after review',
    `${sealMs.toFixed(0)} ms`,
    `outcome ${sealed.outcome}, ${sealed.documents.length} PDF notices rendered in the worker review started`,
  );

  // The same with no review before it: the seal starts a cold render worker itself.
  const coldDraft = await startDraft(call);
  await addScannedPages(call, coldDraft, 100);
  const coldStarted = performance.now();
  await call('drafts.seal', { id: coldDraft });
  record('the same, sealed without review first (cold render worker)', `${(performance.now() - coldStarted).toFixed(0)} ms`);

  await benchUploadOverHost(core);
  await core.close();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A 256 MiB scan through the browser host's WebSocket in `uploads.chunk` calls, one at a
 * time as the UI sends them, into a draft (encrypt, hash and fsync included).
 */
async function benchUploadOverHost(core: HallCore): Promise<void> {
  const host = await startBrowserHost({ core, rendererDir: workDir() });
  const { body } = await redeemOpenUrl(host.openUrl());
  const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/api?token=${body.token as string}`, { origin: host.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let id = 0;
  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const answer = new Promise<ResultMessage>((resolve) => {
      const onMessage = (data: Buffer) => {
        const message = decodeMessage(data) as ResultMessage | EventMessage;
        if (message.type !== 'result') return;
        ws.off('message', onMessage);
        resolve(message);
      };
      ws.on('message', onMessage);
    });
    ws.send(encodeMessage({ type: 'call', id: ++id, method, input }));
    const result = await answer;
    if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.detail}`);
    return result.value as T;
  };
  await call('auth.login', { username: 'clerk', password: PASSWORD });
  const { id: draftId } = await call<{ id: string }>('drafts.create', { itemCode: 'KSTB-RS-0001' });
  const size = 256 * MiB;
  const chunk = randomBytes(4 * MiB);
  chunk.set(scannedPage(9).subarray(0, 64), 0); // a PNG start, so it is taken as an image
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const started = performance.now();
  const { uploadId, chunkBytes } = await call<{ uploadId: string; chunkBytes: number }>('uploads.begin', {
    purpose: 'material',
    draftId,
    name: '长卷扫描.png',
    size,
  });
  for (let offset = 0; offset < size; offset += chunkBytes) {
    await call('uploads.chunk', { uploadId, offset, bytes: chunk.subarray(0, Math.min(chunkBytes, size - offset)) });
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }
  await call('drafts.addFile', { id: draftId, materialId: 'applicant-id-card', uploadId });
  const seconds = (performance.now() - started) / 1000;
  record(
    'upload a 256 MiB scan over the browser host WebSocket (4 MiB chunks)',
    `${(size / MiB / seconds).toFixed(0)} MiB/s`,
    `RSS +${((rssPeak - rssBefore) / MiB).toFixed(0)} MiB (client and core in one process)`,
  );
  // The host must see the socket go (and sign the clerk out) before the core closes.
  await new Promise((resolve) => (ws.once('close', resolve), ws.close()));
  await new Promise((resolve) => setTimeout(resolve, 100));
  await host.close();
}

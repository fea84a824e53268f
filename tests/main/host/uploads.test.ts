// Chunked uploads over the browser host's real WebSocket: a file far above the message
// limit arrives whole with bounded memory, every misuse is refused with its own code,
// and a connection that goes away takes its half-received file with it.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { DraftView } from '../../../src-main/api/contract/index.ts';
import { decodeMessage, encodeMessage, MAX_MESSAGE_BYTES, type ResultMessage } from '../../../src-main/api/wire.ts';
import type { WireError } from '../../../src-main/common/errors.ts';
import { errorMessage } from '../../../src-main/common/i18n/index.ts';
import { startBrowserHost, type BrowserHost } from '../../../src-main/host/server.ts';
import { redeemOpenUrl } from '../sync/process-harness.ts';
import { bootTestCore, tempDir } from '../helpers.ts';
import { clerkOn, pngBytes, SOCIAL_CARD, STRONG } from '../intake/fixtures.ts';

const MiB = 1024 * 1024;

interface Socket {
  raw(method: string, input: unknown): Promise<ResultMessage>;
  call<T>(method: string, input: unknown): Promise<T>;
  fail(method: string, input: unknown): Promise<WireError>;
  ws: WebSocket;
}

async function open(host: BrowserHost): Promise<Socket> {
  const { body } = await redeemOpenUrl(host.openUrl());
  const ws = await new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(`${host.origin.replace('http', 'ws')}/api?token=${body.token as string}`, { origin: host.origin });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
  let seq = 0;
  const waiting = new Map<number, (result: ResultMessage) => void>();
  ws.on('message', (data: Buffer) => {
    const message = decodeMessage(data) as ResultMessage | { type: 'event' };
    if (message.type !== 'result') return;
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  const raw = (method: string, input: unknown) =>
    new Promise<ResultMessage>((resolve) => {
      const id = ++seq;
      waiting.set(id, resolve);
      ws.send(encodeMessage({ type: 'call', id, method, input }));
    });
  return {
    ws,
    raw,
    async call<T>(method: string, input: unknown) {
      const result = await raw(method, input);
      if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.detail}`);
      return result.value as T;
    },
    async fail(method: string, input: unknown) {
      const result = await raw(method, input);
      expect(result.ok, `${method} should fail`).toBe(false);
      return (result as Extract<ResultMessage, { ok: false }>).error;
    },
  };
}

/** A host on a fresh core with clerk01 and clerk02; `signIn` opens a socket as one of them. */
async function hallWithHost() {
  const { core } = await bootTestCore();
  await clerkOn(core, 'clerk01');
  await clerkOn(core, 'clerk02');
  const rendererDir = join(tempDir(), 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>通办</title>');
  const host = await startBrowserHost({ core, rendererDir });
  const signIn = async (username = 'clerk01') => {
    const socket = await open(host);
    await socket.call('auth.login', { username, password: STRONG });
    return socket;
  };
  const tempFiles = () => {
    const dir = join(core.paths.blobs, 'tmp');
    return existsSync(dir) ? readdirSync(dir) : [];
  };
  return { core, host, signIn, tempFiles };
}

/** Closes the sockets and lets the host see them go before the core closes under it. */
async function closeAll(host: BrowserHost, ...sockets: Socket[]): Promise<void> {
  await Promise.all(
    sockets.map(({ ws }) => new Promise<void>((resolve) => (ws.once('close', () => resolve()), ws.close()))),
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  await host.close();
}

const until = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check(), what).toBe(true);
};

describe('chunked uploads over the browser host', () => {
  it('takes a 200 MiB scan in chunks, stores it with its SHA-256, and the core stays within bounded memory', async () => {
    const { host, signIn } = await hallWithHost();
    const clerk = await signIn();
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });

    const size = 200 * MiB;
    expect(size).toBeGreaterThan(2 * MAX_MESSAGE_BYTES); // more than the socket would take in one frame
    const begun = await clerk.call<{ uploadId: string; chunkBytes: number; maxBytes: number }>('uploads.begin', {
      purpose: 'material',
      draftId: draft.id,
      name: '户口簿全本.png',
      size,
    });
    expect(begun).toMatchObject({ chunkBytes: 4 * MiB, maxBytes: 1024 * MiB });

    // A real PNG at the start (so it is sniffed as an image), random bytes after it; made chunk by chunk.
    const head = pngBytes(16, 16, 90);
    const hash = createHash('sha256');
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    for (let offset = 0; offset < size; offset += begun.chunkBytes) {
      const bytes = randomBytes(Math.min(begun.chunkBytes, size - offset));
      if (offset === 0) bytes.set(head, 0);
      hash.update(bytes);
      const answer = await clerk.call<{ received: number; complete: boolean }>('uploads.chunk', {
        uploadId: begun.uploadId,
        offset,
        bytes,
      });
      expect(answer.received).toBe(offset + bytes.length);
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const view = await clerk.call<DraftView>('drafts.addFile', {
      id: draft.id,
      materialId: 'applicant-id-card',
      uploadId: begun.uploadId,
    });
    peak = Math.max(peak, process.memoryUsage().rss);
    const growth = (peak - baseline) / MiB;
    console.info(`200 MiB upload: RSS ${(baseline / MiB).toFixed(0)} MiB → peak ${(peak / MiB).toFixed(0)} MiB (+${growth.toFixed(0)} MiB)`);
    // Client and core share this process; either one holding the file would add 200 MiB or more.
    expect(growth).toBeLessThan(150);

    expect(view.files).toEqual([
      expect.objectContaining({ name: '户口簿全本.png', mediaType: 'image/png', size, sha256: hash.digest('hex') }),
    ]);
    const again = await clerk.fail('drafts.addFile', { id: draft.id, materialId: 'photo', uploadId: begun.uploadId });
    expect(again.code).toBe('upload.notFound'); // taken once, gone
    await closeAll(host, clerk);
  }, 180_000);

  it('refuses a gap, a chunk past the size, a chunk too large, another connection’s upload, an early take, and a file above the limit', async () => {
    const { host, signIn, tempFiles } = await hallWithHost();
    const clerk = await signIn('clerk01');
    const other = await signIn('clerk02');
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });

    const tooBig = await clerk.fail('uploads.begin', { purpose: 'material', draftId: draft.id, name: '全本.pdf', size: 1536 * MiB });
    expect(tooBig).toMatchObject({ code: 'upload.tooLarge', params: { name: '全本.pdf', limit: '1 GB' } });
    expect(errorMessage(tooBig.code, tooBig.params)).toBe(
      '文件“全本.pdf”大小为 1.5 GB，超过单个文件上限 1 GB，未上传。请分成多个文件或降低扫描分辨率后再上传。',
    );
    expect(tempFiles()).toEqual([]); // refused before anything was opened

    const file = Buffer.concat([pngBytes(), randomBytes(10_000)]);
    const { uploadId } = await clerk.call<{ uploadId: string }>('uploads.begin', {
      purpose: 'material',
      draftId: draft.id,
      name: '照片.png',
      size: file.length,
    });
    const first = file.subarray(0, 4000);
    expect(await clerk.call('uploads.chunk', { uploadId, offset: 0, bytes: first })).toEqual({ received: 4000, complete: false });
    // The same chunk again (an answer lost on the way): harmless, nothing added.
    expect(await clerk.call('uploads.chunk', { uploadId, offset: 0, bytes: first })).toEqual({ received: 4000, complete: false });

    const gap = await clerk.fail('uploads.chunk', { uploadId, offset: 5000, bytes: file.subarray(5000, 6000) });
    expect(gap).toMatchObject({ code: 'upload.wrongOffset', params: { expected: 4000 } });
    const past = await clerk.fail('uploads.chunk', { uploadId, offset: 4000, bytes: Buffer.alloc(file.length) });
    expect(past).toMatchObject({ code: 'upload.wrongOffset', params: { expected: 4000 } });
    const huge = await clerk.fail('uploads.chunk', { uploadId, offset: 4000, bytes: Buffer.alloc(4 * MiB + 1) });
    expect(huge).toMatchObject({ code: 'request.invalidInput', params: { fields: 'bytes' } });

    const foreign = await other.fail('uploads.chunk', { uploadId, offset: 4000, bytes: file.subarray(4000) });
    expect(foreign.code).toBe('upload.notFound');
    expect((await other.fail('uploads.abort', { uploadId })).code).toBe('upload.notFound');
    const otherDraft = await other.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    expect((await other.fail('drafts.addFile', { id: otherDraft.id, materialId: 'photo', uploadId })).code).toBe(
      'upload.notFound',
    );

    expect((await clerk.fail('drafts.addFile', { id: draft.id, materialId: 'photo', uploadId })).code).toBe(
      'upload.incomplete',
    );
    // An early take does not consume the upload: the rest still completes it.
    const { uploadId: second } = await clerk.call<{ uploadId: string }>('uploads.begin', {
      purpose: 'material',
      draftId: draft.id,
      name: '照片.png',
      size: file.length,
    });
    await clerk.call('uploads.chunk', { uploadId: second, offset: 0, bytes: file });
    const view = await clerk.call<DraftView>('drafts.addFile', { id: draft.id, materialId: 'photo', uploadId: second });
    expect(view.files).toEqual([
      expect.objectContaining({ sha256: createHash('sha256').update(file).digest('hex'), size: file.length }),
    ]);
    expect(await clerk.call('uploads.abort', { uploadId })).toEqual({});
    await until(() => tempFiles().length === 0, 'the aborted upload left its temp file');
    await closeAll(host, clerk, other);
  });

  it('refuses a file that is not an image or PDF at the take, leaving no blob and no temp file', async () => {
    const { core, host, signIn, tempFiles } = await hallWithHost();
    const clerk = await signIn();
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const text = Buffer.from('这不是图片'.repeat(1000));
    const { uploadId } = await clerk.call<{ uploadId: string }>('uploads.begin', {
      purpose: 'material',
      draftId: draft.id,
      name: '说明.txt',
      size: text.length,
    });
    await clerk.call('uploads.chunk', { uploadId, offset: 0, bytes: text });
    const refused = await clerk.fail('drafts.addFile', { id: draft.id, materialId: 'photo', uploadId });
    expect(refused).toMatchObject({ code: 'intake.unsupportedFile', params: { name: '说明.txt' } });
    await until(() => tempFiles().length === 0, 'the refused upload left its temp file');
    const stored = readdirSync(core.paths.blobs).filter((name) => /^[0-9a-f]{2}$/.test(name));
    expect(stored).toEqual([]);
    await closeAll(host, clerk);
  });

  it('removes the half-received file when the connection closes mid-upload', async () => {
    const { host, signIn, tempFiles } = await hallWithHost();
    const clerk = await signIn();
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const { uploadId } = await clerk.call<{ uploadId: string }>('uploads.begin', {
      purpose: 'material',
      draftId: draft.id,
      name: '扫描件.pdf',
      size: 40 * MiB,
    });
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(4 * MiB - 9)]);
    await clerk.call('uploads.chunk', { uploadId, offset: 0, bytes: pdf });
    await clerk.call('uploads.chunk', { uploadId, offset: pdf.length, bytes: randomBytes(4 * MiB) });
    expect(tempFiles()).toHaveLength(1); // the encrypted part file, while it arrives

    clerk.ws.close();
    await until(() => tempFiles().length === 0, 'the closed connection left its temp file');

    // A new connection of the same clerk does not find it either.
    const again = await signIn();
    expect((await again.fail('uploads.chunk', { uploadId, offset: 8 * MiB, bytes: randomBytes(16) })).code).toBe(
      'upload.notFound',
    );
    await closeAll(host, again);
  });
});

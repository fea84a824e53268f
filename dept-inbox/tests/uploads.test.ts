// Files over tus: the inbox hashes what it stored (as it arrives, or read back when a
// write came from elsewhere or the file changed since) and refuses a mismatch, resumes a
// cut upload from its offset, answers 410 for an expired one, and lets only the
// window that listed a file upload it.
import { readdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Upload } from 'tus-js-client';
import { describe, expect, it } from 'vitest';
import {
  bytes,
  createUpload,
  commit,
  enrol,
  head,
  packet,
  putPacket,
  resumeUpload,
  sha256,
  startInbox,
  tempDir,
  tusFailure,
  tusOptions,
  upload,
  uploadCutMidPatch,
  type TestWindow,
} from './helpers.ts';
import type { Inbox } from '../src/server.ts';

const CHUNK = 64 * 1024;

function headJson(url: string, token: string) {
  // HEAD answers carry no body; a PATCH of zero bytes shows the JSON error instead.
  return fetch(url, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${token}`,
      'tus-resumable': '1.0.0',
      'upload-offset': '0',
      'content-type': 'application/offset+octet-stream',
    },
    body: Buffer.alloc(0),
  }).then(async (r) => ({ status: r.status, body: JSON.parse(await r.text()) as { error: { code: string } } }));
}

/** Starts a chunked upload and cuts it once `cutAt` bytes are acknowledged. */
function startAndCut(
  inbox: Inbox,
  window: TestWindow,
  data: Buffer,
  packetId: string,
  options: { chunkSize: number; cutAt: number },
) {
  return new Promise<string>((resolve, reject) => {
    let cut = false;
    const cutNow = () => {
      if (cut) return;
      cut = true;
      void u.abort().then(() => resolve(u.url as string));
    };
    const u: Upload = new Upload(
      data,
      tusOptions(inbox, window.token, data, packetId, {
        chunkSize: options.chunkSize,
        onChunkComplete: (_size, accepted) => {
          if (accepted >= options.cutAt) cutNow();
        },
        onSuccess: () => reject(new Error('upload finished before the cut')),
        onError: reject,
      }),
    );
    u.start();
  });
}

describe('tus uploads', () => {
  it('refuses bytes that do not hash to the declared sha256, and keeps none of them', async () => {
    const dataDir = tempDir();
    const inbox = await startInbox({ dataDir });
    const window = await enrol(inbox);
    const real = bytes(50_000);
    const p = packet(window, [real]);
    await putPacket(inbox, window, p);

    const impostor = bytes(50_000); // same size, other content
    const error = await upload(inbox, window.token, impostor, p.manifest.packetId, {
      metadata: { sha256: sha256(real), packetId: p.manifest.packetId },
    }).catch((e: unknown) => e);
    expect(tusFailure(error)).toEqual({ status: 460, code: 'upload.hashMismatch' });
    expect(await inbox.db.file(sha256(real))).toBeUndefined();
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]);
    expect((await putPacket(inbox, window, p)).body.missingFiles).toEqual([sha256(real)]);

    // The right bytes then go through.
    await upload(inbox, window.token, real, p.manifest.packetId);
    expect(await inbox.db.file(sha256(real))).toMatchObject({ size: real.length });
  });

  it('resumes an upload cut after its first chunk from the stored offset', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const data = bytes(5 * CHUNK - 1000);
    const p = packet(window, [data]);
    await putPacket(inbox, window, p);

    const url = await startAndCut(inbox, window, data, p.manifest.packetId, { chunkSize: CHUNK, cutAt: CHUNK });
    expect((await head(url, window.token)).headers.get('upload-offset')).toBe(String(CHUNK));

    const accepted: number[] = [];
    await upload(inbox, window.token, data, p.manifest.packetId, {
      uploadUrl: url,
      chunkSize: CHUNK,
      onChunkComplete: (_size, total) => accepted.push(total),
    });
    // Only the chunks after the cut were sent again.
    expect(accepted).toEqual([2 * CHUNK, 3 * CHUNK, 4 * CHUNK, data.length]);
    expect(await inbox.db.file(sha256(data))).toMatchObject({ size: data.length });
    expect((await inbox.storage.digest((await inbox.db.file(sha256(data)))!.path)).sha256).toBe(sha256(data));
    expect((await commit(inbox, window, p)).body.state).toBe('delivered');
  });

  it('hashes bytes as they arrive, yet a stored file altered between two PATCHes is refused at the finish', async () => {
    const dataDir = tempDir();
    const inbox = await startInbox({ dataDir });
    const window = await enrol(inbox);
    const data = bytes(3 * CHUNK);
    const p = packet(window, [data]);
    await putPacket(inbox, window, p);
    const url = await startAndCut(inbox, window, data, p.manifest.packetId, { chunkSize: CHUNK, cutAt: CHUNK });
    // The disk loses a byte of the first chunk after the inbox hashed it on arrival.
    const stored = join(dataDir, 'uploads', decodeURIComponent(url.split('/').at(-1)!));
    const handle = await open(stored, 'r+');
    await handle.write(Buffer.from([data[100]! ^ 0xff]), 0, 1, 100);
    await handle.close();
    const error = await upload(inbox, window.token, data, p.manifest.packetId, {
      uploadUrl: url,
      chunkSize: CHUNK,
    }).catch((e: unknown) => e);
    expect(tusFailure(error)).toEqual({ status: 460, code: 'upload.hashMismatch' });
    expect(await inbox.db.file(sha256(data))).toBeUndefined();
    // Sent again whole (a new upload, every byte through this process), it is kept.
    await upload(inbox, window.token, data, p.manifest.packetId, { chunkSize: CHUNK });
    expect(await inbox.db.file(sha256(data))).toMatchObject({ size: data.length });
    expect((await commit(inbox, window, p)).body.state).toBe('delivered');
  });

  it('resumes an upload whose connection was cut in the middle of a request', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const data = bytes(1024 * 1024);
    const p = packet(window, [data]);
    await putPacket(inbox, window, p);

    const { url, offset } = await uploadCutMidPatch(inbox, window, p, data, 300 * 1024, 100);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(300 * 1024);

    const resentFrom = await resumeUpload(inbox, window, p, data, url);
    expect(resentFrom).toBe(offset);
    const stored = (await inbox.db.file(sha256(data)))!;
    expect(stored.size).toBe(data.length);
    expect((await inbox.storage.digest(stored.path)).sha256).toBe(sha256(data));
  });

  it('answers 410 for an expired upload, before and after it is swept', async () => {
    const dataDir = tempDir();
    const inbox = await startInbox({ dataDir, uploadExpiryMs: 400 });
    const window = await enrol(inbox);
    const data = bytes(3 * CHUNK);
    const p = packet(window, [data]);
    await putPacket(inbox, window, p);
    const url = await startAndCut(inbox, window, data, p.manifest.packetId, { chunkSize: CHUNK, cutAt: CHUNK });
    await new Promise((r) => setTimeout(r, 500));

    expect((await head(url, window.token)).status).toBe(410);
    expect(await headJson(url, window.token)).toEqual({
      status: 410,
      body: { error: expect.objectContaining({ code: 'upload.expired' }) },
    });
    expect(await inbox.sweepExpired()).toBe(1);
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]);
    expect((await head(url, window.token)).status).toBe(410);

    // The client restarts the file with a new upload.
    await upload(inbox, window.token, data, p.manifest.packetId, { chunkSize: CHUNK });
    expect(await inbox.db.file(sha256(data))).toBeDefined();
  });

  it('only an enrolled window may upload, only files its manifest lists, only to its own uploads', async () => {
    const inbox = await startInbox();
    const w1 = await enrol(inbox, 'W01');
    const w2 = await enrol(inbox, 'W02');
    const data = bytes(3 * CHUNK);
    const p = packet(w1, [data]);
    await putPacket(inbox, w1, p);

    const anonymous = await upload(inbox, 'tbw_nobody', data, p.manifest.packetId).catch((e: unknown) => e);
    expect(tusFailure(anonymous)).toEqual({ status: 401, code: 'auth.invalidToken' });
    const foreign = await upload(inbox, w2.token, data, p.manifest.packetId).catch((e: unknown) => e);
    expect(tusFailure(foreign)).toEqual({ status: 422, code: 'upload.notInManifest' });
    const unlisted = bytes(100);
    const stray = await upload(inbox, w1.token, unlisted, p.manifest.packetId).catch((e: unknown) => e);
    expect(tusFailure(stray)).toEqual({ status: 422, code: 'upload.notInManifest' });
    const wrongSize = await upload(inbox, w1.token, data.subarray(0, 100), p.manifest.packetId, {
      metadata: { sha256: sha256(data), packetId: p.manifest.packetId },
    }).catch((e: unknown) => e);
    expect(tusFailure(wrongSize)).toEqual({ status: 422, code: 'upload.sizeMismatch' });
    const noMeta = await upload(inbox, w1.token, data, p.manifest.packetId, { metadata: {} }).catch((e: unknown) => e);
    expect(tusFailure(noMeta)).toEqual({ status: 400, code: 'upload.invalid' });

    const url = await startAndCut(inbox, w1, data, p.manifest.packetId, { chunkSize: CHUNK, cutAt: CHUNK });
    expect((await head(url, w2.token)).status).toBe(403);
    expect((await headJson(url, w2.token)).body.error.code).toBe('auth.windowMismatch');
    expect((await head(url, w1.token)).status).toBe(200);
  });
});

describe('storage choice', () => {
  it('builds an S3-compatible store (MinIO) from configuration', async () => {
    // Nothing listens there: only the wiring is checked here, no request reaches S3.
    const inbox = await startInbox({
      storage: { s3: { bucket: 'tongban', endpoint: 'http://127.0.0.1:9', accessKeyId: 'k', secretAccessKey: 's' } },
    });
    expect(inbox.storage.kind).toBe('s3');
    expect((await fetch(`${inbox.url}/v1/health`)).status).toBe(200);
  });

  it('does not serve uploads back over the protocol', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const answer = await fetch(`${inbox.url}/v1/files/abc`, { headers: { authorization: `Bearer ${window.token}` } });
    expect(answer.status).toBe(405);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('route.methodNotAllowed');
  });
});

describe('open uploads per window', () => {
  it('are capped at 16: the next creation answers 429 upload.tooManyOpen; finished and expired ones do not count', async () => {
    let now = Date.now();
    const inbox = await startInbox({ uploadExpiryMs: 60_000, now: () => now });
    const w1 = await enrol(inbox, 'W01');
    const w2 = await enrol(inbox, 'W02');
    const files = Array.from({ length: 20 }, () => bytes(100));
    const p = packet(w1, files);
    await putPacket(inbox, w1, p);
    const urls: string[] = [];
    for (const data of files.slice(0, 16)) {
      const created = await createUpload(inbox, w1, p.manifest.packetId, data);
      expect(created.status).toBe(201);
      urls.push(created.headers.get('location')!);
    }

    const refused = await createUpload(inbox, w1, p.manifest.packetId, files[16]!);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('upload.tooManyOpen');
    expect(inbox.db.sqlite.prepare('SELECT count(*) FROM uploads').pluck().get()).toBe(16);

    // Another window has its own allowance.
    const q = packet(w2, [files[16]!]);
    await putPacket(inbox, w2, q);
    expect((await createUpload(inbox, w2, q.manifest.packetId, files[16]!)).status).toBe(201);

    // A finished upload frees its place.
    await resumeUpload(inbox, w1, p, files[0]!, urls[0]!);
    expect((await createUpload(inbox, w1, p.manifest.packetId, files[16]!)).status).toBe(201);
    expect((await createUpload(inbox, w1, p.manifest.packetId, files[17]!)).status).toBe(429);

    // Expired ones free theirs at once, before any sweep.
    now += 61_000;
    expect((await createUpload(inbox, w1, p.manifest.packetId, files[17]!)).status).toBe(201);
  });
});

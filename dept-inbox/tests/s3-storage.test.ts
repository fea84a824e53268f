// The inbox on S3-compatible storage, against a real server: OpenStack Swift with its S3
// API (Debian's python3-swift), run by swift-s3-server.py on 127.0.0.1 for this file.
// What the file-store tests prove, proven here through S3: tus uploads larger than a part
// (so the store really uses multipart uploads), resumed after a cut, hashed server-side
// with a wrong hash refused and nothing of it kept, and a commit that re-hashes what the
// bucket holds. Skipped, with a warning, only when the server cannot be started.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { S3 } from '@aws-sdk/client-s3';
import { Upload } from 'tus-js-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { Inbox } from '../src/server.ts';
import {
  bytes,
  commit,
  enrol,
  head,
  packet,
  putPacket,
  resumeUpload,
  sha256,
  startInbox,
  tusFailure,
  tusOptions,
  upload,
  uploadCutMidPatch,
  type TestWindow,
} from './helpers.ts';

const MiB = 1024 * 1024;
/** The smallest part S3 allows, and the store's part size here: files above it go multipart. */
const PART = 5 * MiB;

interface S3Server {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  client: S3;
  stop(): Promise<void>;
}

const server = await startS3Server();
afterAll(async () => {
  await server?.stop();
});

/** Starts swift-s3-server.py (bounded: 30 s), or answers undefined and says why. */
async function startS3Server(): Promise<S3Server | undefined> {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const script = fileURLToPath(new URL('./swift-s3-server.py', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'tongban-swift-'));
  let child: ChildProcessByStdio<Writable, Readable, Readable> | undefined;
  let stderr = '';
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      const force = setTimeout(() => child!.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    child = spawn(python, [script, dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const ready = await new Promise<{ port: number; region: string; accessKeyId: string; secretAccessKey: string }>(
      (resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error('no answer within 30 s')), 30_000);
        child!.once('error', reject);
        child!.once('exit', (code) => reject(new Error(`exited with ${code}`)));
        child!.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const line = out.split('\n')[0];
          if (out.includes('\n') && line) {
            clearTimeout(timer);
            resolve(JSON.parse(line) as never);
          }
        });
      },
    );
    const endpoint = `http://127.0.0.1:${ready.port}`;
    const { S3: S3Client } = await import('@aws-sdk/client-s3');
    const client = new S3Client({
      endpoint,
      region: ready.region,
      forcePathStyle: true,
      credentials: { accessKeyId: ready.accessKeyId, secretAccessKey: ready.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await client.listBuckets({}); // answers, and takes these credentials
    return { endpoint, ...ready, client, stop };
  } catch (error) {
    console.warn(
      `S3 storage tests skipped: could not start OpenStack Swift's S3 API (apt-get install python3-swift): ${
        (error as Error).message
      }\n${stderr}`,
    );
    await stop();
    return undefined;
  }
}

let buckets = 0;

/** A fresh bucket and a real inbox storing its uploads there. */
async function s3Inbox(
  options: { uploadExpiryMs?: number; now?: () => number } = {},
): Promise<{ inbox: Inbox; bucket: string }> {
  const s3 = server!;
  const bucket = `tongban-inbox-${process.pid}-${++buckets}`;
  await s3.client.createBucket({ Bucket: bucket });
  const inbox = await startInbox({
    ...options,
    storage: {
      s3: {
        bucket,
        endpoint: s3.endpoint,
        region: s3.region,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        partSize: PART,
      },
    },
  });
  expect(inbox.storage.kind).toBe('s3');
  return { inbox, bucket };
}

/** Every object key in the bucket, sorted. */
async function keys(bucket: string): Promise<string[]> {
  const listed = await server!.client.listObjectsV2({ Bucket: bucket });
  return (listed.Contents ?? []).map((object) => object.Key!).sort();
}

/** Multipart uploads still open in the bucket. */
async function openMultipartUploads(bucket: string): Promise<string[]> {
  const listed = await server!.client.listMultipartUploads({ Bucket: bucket });
  return (listed.Uploads ?? []).map((u) => u.Key!);
}

/** Starts a chunked upload and stops it once `cutAt` bytes are acknowledged. */
function startAndCut(
  inbox: Inbox,
  window: TestWindow,
  data: Buffer,
  packetId: string,
  options: { chunkSize: number; cutAt: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    let cut = false;
    const u: Upload = new Upload(
      data,
      tusOptions(inbox, window.token, data, packetId, {
        chunkSize: options.chunkSize,
        onChunkComplete: (_size, accepted) => {
          if (accepted < options.cutAt || cut) return;
          cut = true;
          void u.abort().then(() => resolve(u.url as string));
        },
        onSuccess: () => reject(new Error('upload finished before the cut')),
        onError: reject,
      }),
    );
    u.start();
  });
}

describe.skipIf(!server)('S3-compatible storage (OpenStack Swift s3api)', () => {
  it('stores a multi-part tus upload, resumed after a cut, as exactly its bytes', async () => {
    const { inbox, bucket } = await s3Inbox();
    const window = await enrol(inbox);
    const data = bytes(12 * MiB + 4321); // parts of 5 + 5 + 2 MiB
    const p = packet(window, [data]);
    await putPacket(inbox, window, p);

    // 3 MiB acknowledged: less than a part, so S3 holds it as the store's `.part` object.
    const url = await startAndCut(inbox, window, data, p.manifest.packetId, { chunkSize: 3 * MiB, cutAt: 3 * MiB });
    const id = decodeURIComponent(url.split('/').pop()!);
    expect((await head(url, window.token)).headers.get('upload-offset')).toBe(String(3 * MiB));
    expect(await keys(bucket)).toEqual([`${id}.info`, `${id}.part`]);
    expect(await openMultipartUploads(bucket)).toEqual([id]);

    const accepted: number[] = [];
    await upload(inbox, window.token, data, p.manifest.packetId, {
      uploadUrl: url,
      chunkSize: 3 * MiB,
      onChunkComplete: (_size, total) => accepted.push(total),
    });
    // Only what came after the cut was sent again.
    expect(accepted).toEqual([6 * MiB, 9 * MiB, 12 * MiB, data.length]);

    const stored = (await inbox.db.file(sha256(data)))!;
    expect(stored).toMatchObject({ size: data.length, path: id });
    // One object assembled from several parts (S3's multipart ETag ends in -<parts>).
    const object = await server!.client.headObject({ Bucket: bucket, Key: id });
    expect(object.ContentLength).toBe(data.length);
    expect(object.ETag).toMatch(/-3"?$/);
    expect(await keys(bucket)).toEqual([id, `${id}.info`]);
    expect(await openMultipartUploads(bucket)).toEqual([]);
    expect(await inbox.storage.digest(id)).toEqual({ sha256: sha256(data), size: data.length });
    // A HEAD on the finished upload says complete.
    expect((await head(url, window.token)).headers.get('upload-offset')).toBe(String(data.length));
    expect((await commit(inbox, window, p)).body.state).toBe('delivered');
  });

  it('resumes an upload whose connection was cut in the middle of a PATCH', async () => {
    const { inbox, bucket } = await s3Inbox();
    const window = await enrol(inbox);
    const data = bytes(11 * MiB + 77);
    const p = packet(window, [data]);
    await putPacket(inbox, window, p);

    const { url, offset } = await uploadCutMidPatch(inbox, window, p, data, 7 * MiB, 500);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(7 * MiB);

    const resentFrom = await resumeUpload(inbox, window, p, data, url);
    expect(resentFrom).toBe(offset);
    const stored = (await inbox.db.file(sha256(data)))!;
    expect(await inbox.storage.digest(stored.path)).toEqual({ sha256: sha256(data), size: data.length });
    expect(await keys(bucket)).toEqual([stored.path, `${stored.path}.info`]);
  });

  it('refuses bytes that do not hash to the declared sha256 and leaves nothing of them in the bucket', async () => {
    const { inbox, bucket } = await s3Inbox();
    const window = await enrol(inbox);
    const real = bytes(PART + 1000);
    const p = packet(window, [real]);
    await putPacket(inbox, window, p);

    const impostor = bytes(real.length); // same size, other content, also two parts
    const error = await upload(inbox, window.token, impostor, p.manifest.packetId, {
      metadata: { sha256: sha256(real), packetId: p.manifest.packetId },
    }).catch((e: unknown) => e);
    expect(tusFailure(error)).toEqual({ status: 460, code: 'upload.hashMismatch' });
    expect(await inbox.db.file(sha256(real))).toBeUndefined();
    expect(await keys(bucket)).toEqual([]);
    expect(await openMultipartUploads(bucket)).toEqual([]);
    expect((await putPacket(inbox, window, p)).body.missingFiles).toEqual([sha256(real)]);

    // The right bytes then go through.
    await upload(inbox, window.token, real, p.manifest.packetId);
    const stored = (await inbox.db.file(sha256(real)))!;
    expect(await inbox.storage.digest(stored.path)).toEqual({ sha256: sha256(real), size: real.length });
  });

  it('commit re-hashes what the bucket holds: an altered or lost object is asked for again', async () => {
    const { inbox, bucket } = await s3Inbox();
    const window = await enrol(inbox);
    const p = packet(window, [bytes(PART + 12_345), bytes(40_000), bytes(1_000)]);
    const put = await putPacket(inbox, window, p);
    expect(put.body.missingFiles).toEqual(p.files.map(sha256));
    for (const data of p.files) await upload(inbox, window.token, data, p.manifest.packetId);
    expect((await putPacket(inbox, window, p)).body.missingFiles).toEqual([]);

    const [altered, lost] = (await Promise.all(
      p.files.slice(0, 2).map(async (data) => (await inbox.db.file(sha256(data)))!.path),
    )) as [string, string];
    await server!.client.putObject({ Bucket: bucket, Key: altered, Body: bytes(PART + 12_345) });
    await server!.client.deleteObject({ Bucket: bucket, Key: lost });

    const answer = await commit(inbox, window, p);
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('packet.filesMissing');
    expect(answer.body.error.missingFiles).toEqual([sha256(p.files[0]!), sha256(p.files[1]!)]);
    // The altered object is gone from the bucket with its tus record; the intact file stays.
    const left = await keys(bucket);
    expect(left.filter((k) => k.startsWith(altered))).toEqual([]);
    expect(await inbox.db.file(sha256(p.files[2]!))).toBeDefined();
    expect(left).toContain((await inbox.db.file(sha256(p.files[2]!)))!.path);

    expect((await putPacket(inbox, window, p)).body.missingFiles).toEqual([sha256(p.files[0]!), sha256(p.files[1]!)]);
    for (const data of p.files.slice(0, 2)) await upload(inbox, window.token, data, p.manifest.packetId);
    const delivered = await commit(inbox, window, p);
    expect([delivered.status, delivered.body.state]).toEqual([200, 'delivered']);
    for (const data of p.files) {
      expect(await inbox.storage.digest((await inbox.db.file(sha256(data)))!.path)).toEqual({
        sha256: sha256(data),
        size: data.length,
      });
    }
  });

  it('sweeps an expired unfinished upload out of the bucket: multipart aborted, .part and .info deleted', async () => {
    // The inbox's clock jumps past the expiry; the sweep timer (every 30 s here) stays out of the way.
    let skew = 0;
    const { inbox, bucket } = await s3Inbox({ uploadExpiryMs: 60_000, now: () => Date.now() + skew });
    const window = await enrol(inbox);
    const data = bytes(PART + 3 * MiB);
    const p = packet(window, [data]);
    await putPacket(inbox, window, p);
    // One whole part and 1 MiB as `.part`.
    const url = await startAndCut(inbox, window, data, p.manifest.packetId, { chunkSize: 6 * MiB, cutAt: 6 * MiB });
    const id = decodeURIComponent(url.split('/').pop()!);
    expect(await keys(bucket)).toEqual([`${id}.info`, `${id}.part`]);
    expect(await openMultipartUploads(bucket)).toEqual([id]);

    skew = 61_000;
    expect((await head(url, window.token)).status).toBe(410);
    expect(await inbox.sweepExpired()).toBe(1);
    expect(await keys(bucket)).toEqual([]);
    expect(await openMultipartUploads(bucket)).toEqual([]);
    expect((await head(url, window.token)).status).toBe(410);
  });
});

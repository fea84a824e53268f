// An inbox given a key keeps its database and every stored upload encrypted — resumable
// uploads included, cut anywhere — and finds bytes altered on its disk. The key opens
// nothing else, and no key opens it. The CLI takes the key from a 0600 file.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../src-main/sync/signing.ts';
import { InboxAtRestError } from '../src/db.ts';
import { createInbox } from '../src/server.ts';
import {
  bytes,
  call,
  commit,
  enrol,
  head,
  packet,
  putPacket,
  resumeUpload,
  sha256,
  startInbox,
  tempDir,
  upload,
  uploadAll,
  uploadCutMidPatch,
} from './helpers.ts';

const run = promisify(execFile);
/** The sealed upload file's layout (sealed-file-store.ts): header, then records of a 64 KiB chunk + 28 bytes. */
const HEADER = 24;
const CHUNK = 64 * 1024;

/** Every file under `dir` (recursively) holding `needle`. */
function holding(dir: string, needle: Buffer): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (readFileSync(path).includes(needle)) found.push(path);
  }
  return found;
}

describe('an inbox with a key', () => {
  it('stores sealed chunks, resumes uploads cut anywhere, and gives the exact bytes back', async () => {
    const dataDir = tempDir();
    const inbox = await startInbox({ dataDir, atRest: { key: randomBytes(32) } });
    const window = await enrol(inbox);
    const big = bytes(300_000); // several 64 KiB chunks, the last one short
    const odd = bytes(150_001); // sent in PATCHes that never end on a chunk boundary
    const exact = bytes(64 * 1024);
    const p = packet(window, [big, odd, exact], { extra: { applicant: { name: '王小二' } } });
    await putPacket(inbox, window, p);

    const cut = await uploadCutMidPatch(inbox, window, p, big, 100_000, 150);
    expect(cut.offset).toBeGreaterThan(0);
    expect(cut.offset).toBeLessThanOrEqual(100_000);
    expect(await resumeUpload(inbox, window, p, big, cut.url)).toBe(cut.offset);
    await upload(inbox, window.token, odd, p.manifest.packetId, { chunkSize: 50_000 });
    await upload(inbox, window.token, exact, p.manifest.packetId);
    expect((await commit(inbox, window, p)).body.state).toBe('delivered');

    for (const data of [big, odd, exact]) {
      const stored = (await inbox.db.file(sha256(data)))!;
      expect(await inbox.storage.digest(stored.path)).toEqual({ sha256: sha256(data), size: data.length });
      expect(holding(dataDir, data.subarray(70_000 % data.length, (70_000 % data.length) + 32))).toEqual([]);
      expect(holding(dataDir, data.subarray(data.length - 32))).toEqual([]);
    }
    for (const secret of [p.manifest.packetId, '王小二', sha256(big)])
      expect(holding(dataDir, Buffer.from(secret))).toEqual([]);
    expect(readFileSync(join(dataDir, 'inbox.db')).subarray(0, 15).toString()).not.toBe('SQLite format 3');
    for (const entry of readdirSync(dataDir, { withFileTypes: true, recursive: true })) {
      const mode = statSync(join(entry.parentPath, entry.name)).mode & 0o777;
      expect(mode, entry.name).toBe(entry.isDirectory() ? 0o700 : 0o600);
    }
  });

  it('a record torn by a crash does not count: HEAD reports what was sealed whole, and the upload resumes from there', async () => {
    const dataDir = tempDir();
    const inbox = await startInbox({ dataDir, atRest: { key: randomBytes(32) } });
    const window = await enrol(inbox);
    const data = bytes(200_000);
    const p = packet(window, [data]);
    await putPacket(inbox, window, p);
    const cut = await uploadCutMidPatch(inbox, window, p, data, 130_000, 150);
    expect(cut.offset).toBeGreaterThan(CHUNK);
    // The power fails while the second record is written: only part of it reached the disk.
    const id = decodeURIComponent(cut.url.split('/').pop()!);
    truncateSync(join(dataDir, 'uploads', id), HEADER + CHUNK + 28 + 10_000);
    const answer = await head(cut.url, window.token);
    expect(Number(answer.headers.get('upload-offset'))).toBe(CHUNK);
    expect(await resumeUpload(inbox, window, p, data, cut.url)).toBe(CHUNK);
    expect((await commit(inbox, window, p)).body.state).toBe('delivered');
  });

  it('finds a stored file altered on its disk at commit and asks for it again', async () => {
    const dataDir = tempDir();
    const inbox = await startInbox({ dataDir, atRest: { key: randomBytes(32) } });
    const window = await enrol(inbox);
    const p = packet(window, [bytes(100_000)]);
    await putPacket(inbox, window, p);
    await uploadAll(inbox, window, p);
    const path = join(dataDir, 'uploads', (await inbox.db.file(sha256(p.files[0]!)))!.path);
    const sealed = readFileSync(path);
    sealed[70_000]! ^= 0x01;
    writeFileSync(path, sealed);
    const answer = await commit(inbox, window, p);
    expect(answer.status).toBe(409);
    expect(answer.body.error.missingFiles).toEqual([sha256(p.files[0]!)]);
    await uploadAll(inbox, window, p);
    expect((await commit(inbox, window, p)).body.state).toBe('delivered');
  });

  it('opens only with its key: not in the clear, not with another key; and a key does not open a plain inbox', async () => {
    const key = randomBytes(32);
    const sealedDir = tempDir();
    await (await createInbox({ dataDir: sealedDir, logger: false, atRest: { key } })).close();
    const plainDir = tempDir();
    await (await createInbox({ dataDir: plainDir, logger: false })).close();

    const refused = (dataDir: string, atRest?: { key: Buffer }) =>
      createInbox({ dataDir, logger: false, ...(atRest ? { atRest } : {}) }).then(
        async (inbox) => {
          await inbox.close();
          return undefined;
        },
        (error: unknown) => (error instanceof InboxAtRestError ? error.reason : error),
      );
    expect(await refused(sealedDir)).toBe('encrypted');
    expect(await refused(sealedDir, { key: randomBytes(32) })).toBe('unreadable');
    expect(await refused(plainDir, { key })).toBe('plaintext');
    expect(await refused(sealedDir, { key })).toBeUndefined();
  });

  it('CLI: --key-file opens it for every command, and a key file others can read is refused', async () => {
    const dataDir = tempDir();
    const keyFile = join(tempDir(), 'inbox.key');
    writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    const cli = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'dept-inbox/src/cli.ts', ...args, '--data-dir', dataDir], {
        cwd: process.cwd(),
      }).catch((error: { stderr: string; code: number }) => error);
    const key = generateSigningKey('ed25519');
    const enrolled = (await cli(
      'enroll-window',
      '--window-id',
      'W09',
      '--public-key',
      key.publicKey,
      '--key-file',
      keyFile,
    )) as {
      stdout: string;
    };
    const token = enrolled.stdout.trim().split('\n').at(-1)!;
    expect(readFileSync(join(dataDir, 'inbox.db')).subarray(0, 15).toString()).not.toBe('SQLite format 3');
    expect(((await cli('list')) as { stderr: string }).stderr).toContain('atRest.encrypted');

    const inbox = await startInbox({
      dataDir,
      atRest: { key: Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex') },
    });
    expect((await call(inbox, 'GET', '/v1/windows/me', { token })).body).toMatchObject({ windowId: 'W09' });
    await inbox.close();

    chmodSync(keyFile, 0o644);
    expect(((await cli('list', '--key-file', keyFile)) as { stderr: string }).stderr).toContain('readable by others');
  });
});

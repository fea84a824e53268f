// The inbox on PostgreSQL, as a department with several inbox processes runs it: a real
// PostgreSQL server (Debian's packages, a temporary cluster on 127.0.0.1, postgres-server.ts)
// and two inbox replicas sharing it and one file store. What one process did alone must
// hold across two: idempotent register and commit under concurrent retries on both, a
// long poll on one woken by a commit on the other (LISTEN/NOTIFY), one upload PATCHed
// through both (the advisory-lock locker), expiry swept once, and a database restart
// answered 503 with Retry-After and recovered from without a hand. Skipped, with a
// warning, only when PostgreSQL cannot be started (apt-get install postgresql).
import pg from 'pg';
import { Upload } from 'tus-js-client';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANGES_PATH } from '../../src-main/common/sync-protocol.ts';
import { decide } from '../src/admin.ts';
import type { Inbox } from '../src/server.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';
import {
  bytes,
  call,
  commit,
  createUpload,
  enrol,
  packet,
  putPacket,
  sha256,
  startInbox,
  tempDir,
  tusOptions,
  upload,
  uploadAll,
  type TestWindow,
} from './helpers.ts';

const started = await startPostgres();
const server: PostgresServer | undefined = typeof started === 'string' ? undefined : started;
if (typeof started === 'string') console.warn(`PostgreSQL tests skipped: ${started}`);
afterAll(async () => {
  await server?.stop();
});

/** Two inbox processes' worth of inbox on one database and one file store. */
async function replicas(count = 2, extra: Parameters<typeof startInbox>[0] = {}): Promise<Inbox[]> {
  const url = await server!.createDatabase();
  const dataDir = tempDir();
  const inboxes: Inbox[] = [];
  for (let i = 0; i < count; i += 1) inboxes.push(await startInbox({ dataDir, postgres: { url }, ...extra }));
  return inboxes;
}

describe.skipIf(!server)('the inbox on PostgreSQL, two replicas', () => {
  it('registers, uploads, commits and decides across replicas; the feed answers on either', async () => {
    const [a, b] = (await replicas()) as [Inbox, Inbox];
    const window = await enrol(a);
    const p = packet(window, [bytes(200_000), bytes(3_000)]);
    expect((await putPacket(a, window, p)).body.missingFiles).toEqual(p.files.map(sha256));
    await upload(b, window.token, p.files[0]!, p.manifest.packetId);
    await upload(a, window.token, p.files[1]!, p.manifest.packetId);
    expect((await putPacket(b, window, p)).body.missingFiles).toEqual([]);
    expect((await commit(b, window, p)).body.state).toBe('delivered');
    await decide(a.db, { packetId: p.manifest.packetId, decision: { kind: 'accept' }, decidedBy: '王审批' });
    const feed = await call(a, 'GET', `${CHANGES_PATH}?after=0`, { token: window.token });
    expect(feed.body.changes.map((c) => c.state)).toEqual(['delivered', 'accepted']);
    expect((await call(b, 'GET', `${CHANGES_PATH}?after=0`, { token: window.token })).body.changes).toEqual(
      feed.body.changes,
    );
  });

  it('commits an upload’s records without waiting for the WAL flush, and everything else with it', async () => {
    // The test cluster turns synchronous commits off for speed; this database turns them on.
    const url = await server!.createDatabase();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET synchronous_commit = on`);
    await admin.end();
    const inbox = await startInbox({ dataDir: tempDir(), postgres: { url } });
    const setting = async () =>
      (await inbox.db.driver.get<{ synchronous_commit: string }>('SHOW synchronous_commit'))?.synchronous_commit;
    expect(await inbox.db.write(setting, { durable: false })).toBe('off');
    expect(await inbox.db.write(setting)).toBe('on');
    expect(await setting()).toBe('on'); // SET LOCAL ended with its transaction
  });

  it('stays idempotent when a window retries register and commit on both replicas at once', async () => {
    const [a, b] = (await replicas()) as [Inbox, Inbox];
    const window = await enrol(a);
    const p = packet(window, [bytes(50_000)]);
    const puts = await Promise.all([a, b, a, b].map((inbox) => putPacket(inbox, window, p)));
    expect(puts.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    await uploadAll(a, window, p);
    const commits = await Promise.all([a, b, a, b, a, b].map((inbox) => commit(inbox, window, p)));
    expect(new Set(commits.map((answer) => answer.status))).toEqual(new Set([200]));
    expect(new Set(commits.map((answer) => answer.body.departmentReference))).toHaveProperty('size', 1);
    expect(await a.db.versionsOf(p.manifest.packetId)).toHaveLength(1);
    const delivered = (await a.db.changesOfPacket(p.manifest.packetId)).filter((c) => c.state === 'delivered');
    expect(delivered).toHaveLength(1);
  });

  it("caps a window's unfinished uploads across replicas, however many it creates at once", async () => {
    const [a, b] = (await replicas(2, { maxOpenUploadsPerWindow: 3 })) as [Inbox, Inbox];
    const window = await enrol(a);
    const other = await enrol(a, 'W02');
    const files = Array.from({ length: 6 }, () => bytes(1_000));
    const p = packet(window, files);
    const q = packet(other, [bytes(1_000)]);
    await putPacket(a, window, p);
    await putPacket(a, other, q);
    const created = await Promise.all(
      files.map((data, i) => createUpload(i % 2 === 0 ? a : b, window, p.manifest.packetId, data)),
    );
    expect(created.map((answer) => answer.status).sort()).toEqual([201, 201, 201, 429, 429, 429]);
    // Another window's room is its own.
    expect((await createUpload(b, other, q.manifest.packetId, q.files[0]!)).status).toBe(201);
  });

  it('wakes a long poll on one replica when the other commits (LISTEN/NOTIFY)', async () => {
    const [a, b] = (await replicas()) as [Inbox, Inbox];
    const window = await enrol(a);
    const p = packet(window, [bytes(10_000)]);
    await putPacket(a, window, p);
    await uploadAll(a, window, p);
    const started = Date.now();
    const poll = call(b, 'GET', `${CHANGES_PATH}?after=0&wait=20`, { token: window.token });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the poll is waiting on b
    await commit(a, window, p);
    const answer = await poll;
    expect(answer.body.changes.map((c) => c.state)).toEqual(['delivered']);
    expect(Date.now() - started).toBeLessThan(10_000); // woken, not answered at its 20 s deadline
  });

  it('lets one PATCH write an upload at a time across replicas, and the upload completes intact', async () => {
    const [a, b] = (await replicas()) as [Inbox, Inbox];
    const window = await enrol(a);
    const data = bytes(3 * 1024 * 1024);
    const p = packet(window, [data]);
    await putPacket(a, window, p);
    // Started on a, resumed on b while a's PATCH may still be writing: b's asks a's to let go.
    const url = await new Promise<string>((resolve, reject) => {
      const first = new Upload(
        data,
        tusOptions(a, window.token, data, p.manifest.packetId, {
          chunkSize: 64 * 1024,
          onProgress: (sent) => {
            if (sent >= 256 * 1024 && first.url) resolve(first.url);
          },
          onError: reject,
        }),
      );
      first.start();
    });
    const onB = url.replace(a.url, b.url);
    await new Promise<void>((resolve, reject) => {
      const second = new Upload(
        data,
        tusOptions(b, window.token, data, p.manifest.packetId, {
          uploadUrl: onB,
          retryDelays: [50, 100, 200, 400, 800],
          onSuccess: () => resolve(),
          onError: reject,
        }),
      );
      second.start();
    });
    expect((await commit(b, window, p)).body.state).toBe('delivered');
    const stored = await a.db.file(sha256(data));
    expect(stored?.size).toBe(data.length);
  });

  it('sweeps an expired upload once, whichever replicas sweep at the same moment', async () => {
    let clock = Date.UTC(2026, 11, 7);
    const [a, b, c] = (await replicas(3, { now: () => clock, uploadExpiryMs: 60_000 })) as [Inbox, Inbox, Inbox];
    const window: TestWindow = await enrol(a);
    const data = bytes(200_000);
    const p = packet(window, [data]);
    await putPacket(a, window, p);
    await new Promise<void>((resolve, reject) => {
      const u = new Upload(
        data,
        tusOptions(a, window.token, data, p.manifest.packetId, {
          chunkSize: 64 * 1024,
          onProgress: (sent) => {
            if (sent >= 64 * 1024) {
              void u.abort();
              resolve();
            }
          },
          onError: reject,
        }),
      );
      u.start();
    });
    clock += 120_000;
    const swept = await Promise.all([a.sweepExpired(), b.sweepExpired(), c.sweepExpired()]);
    expect(swept.reduce((sum, n) => sum + n, 0)).toBe(1);
  });

  it('answers 503 with Retry-After while PostgreSQL restarts, and recovers by itself', async () => {
    const [a] = (await replicas(1)) as [Inbox];
    const window = await enrol(a);
    const p = packet(window, [bytes(20_000)]);
    await server!.stopServer();
    try {
      const refused = await putPacket(a, window, p);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(refused.body.error.code).toBe('unavailable');
    } finally {
      await server!.start();
    }
    // The pool reconnects: the same request now goes through, nothing lost.
    const deadline = Date.now() + 15_000;
    let answer = await putPacket(a, window, p);
    while (answer.status === 503 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      answer = await putPacket(a, window, p);
    }
    expect(answer.status).toBe(200);
    await uploadAll(a, window, p);
    expect((await commit(a, window, p)).body.state).toBe('delivered');
  });
});

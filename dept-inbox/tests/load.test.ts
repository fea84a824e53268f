// The load generator, small, against the reference inbox as its own process (the SQLite
// deployment): 20 windows on their feeds, 5 of them sending packets for a few seconds.
// No error, every packet delivered exactly once with its bytes intact (verify.ts) — and
// verify.ts really looks: a stored file altered behind the inbox's back is reported.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSqliteDeployment, type SqliteDeployment } from '../load/deployment.ts';
import { runLoad, type LoadResult } from '../load/generator.ts';
import { PayloadPool } from '../load/payload.ts';
import { verifyDelivered } from '../load/verify.ts';
import { sha256 } from './helpers.ts';
import { FAULT_LOAD } from './fault-load.ts';

describe('inbox load generator', () => {
  let deployment: SqliteDeployment;
  let result: LoadResult;
  let windowIds: string[];

  beforeAll(async () => {
    deployment = await startSqliteDeployment();
    const windows = await deployment.enrolWindows(20);
    windowIds = windows.map((w) => w.windowId);
    result = await runLoad(deployment.url, windows, {
      uploaders: 5,
      durationMs: 3000,
      pages: 8,
      pageBytes: 20 * 1024,
      // Every 4th packet carries a file of several PATCHes (chunks of 256 KiB).
      largeEvery: 4,
      largeBytes: 1024 * 1024 + 77,
      chunkBytes: 256 * 1024,
      waitSeconds: 5,
      drainMs: 10_000,
    });
  }, 60_000);

  afterAll(async () => {
    await deployment?.stop();
  });

  it('sends packets through the protocol without an error, each delivered change reaching its window once', () => {
    expect(result.errors).toEqual({});
    expect(result.failedPackets).toBe(0);
    expect(result.packets).toBeGreaterThanOrEqual(5);
    expect(result.largePackets).toBeGreaterThan(0);
    expect(result.feedProblems).toEqual([]);
    expect(result.latency.register.count).toBe(result.packets);
    expect(result.latency.commit.count).toBe(result.packets);
    expect(result.latency.feed.count).toBe(result.packets);
    expect(result.polls).toBeGreaterThan(0);
  });

  it('finds every committed packet on the inbox exactly once, its stored files hashing as the manifest says', async () => {
    const records = await deployment.openRecords();
    try {
      expect(await verifyDelivered(records, result.committed, { windowIds })).toEqual([]);
    } finally {
      await records.close();
    }
  });

  it('reports a stored file altered behind the inbox, and a delivered packet the run was never told of', async () => {
    const records = await deployment.openRecords();
    try {
      const victim = result.committed[0]!;
      const file = victim.files[2]!;
      const path = (await records.db.fileSentBy(victim.windowId, file.sha256))!.path;
      const stored = join(deployment.dataDir, 'uploads', path);
      const bytes = readFileSync(stored);
      bytes[100] = bytes[100]! ^ 0xff;
      writeFileSync(stored, bytes);
      const problems = await verifyDelivered(records, result.committed, { windowIds });
      expect(problems).toContainEqual(expect.stringContaining(`stored file ${path} hashes to`));
      expect(problems.filter((p) => p.includes(file.sha256))).toHaveLength(1);
      // The inbox's side is checked, not the run's: a packet missing from the run's list is found too.
      const missing = await verifyDelivered(records, result.committed.slice(1), { windowIds });
      expect(missing).toContainEqual(
        `${victim.windowId} ${victim.packetId} v1: delivered on the inbox, never confirmed to the window`,
      );
    } finally {
      await records.close();
    }
  });
});

describe('load payload pool', () => {
  it('lends file bytes whose SHA-256 is the one it announces, salted per file', () => {
    const pool = new PayloadPool(4096);
    const a = pool.file(10_000, 'p/1');
    const b = pool.file(10_000, 'p/2');
    expect(a.sha256).not.toBe(b.sha256);
    expect(sha256(pool.bytes(a))).toBe(a.sha256);
    expect(sha256(Buffer.concat(pool.slices(a, 0, 5000).concat(pool.slices(a, 5000, a.size))))).toBe(a.sha256);
    expect(sha256(pool.bytes(pool.file(40, 'tiny')))).toBe(pool.file(40, 'tiny').sha256);
  });
});

describe('inbox load generator through a crash of the inbox', () => {
  let deployment: SqliteDeployment;

  afterAll(async () => {
    await deployment?.stop();
  });

  it('retries as windows do: after a kill -9 and restart mid-run every packet is delivered once, hashes equal', async () => {
    deployment = await startSqliteDeployment();
    const windows = await deployment.enrolWindows(10);
    const run = runLoad(deployment.url, windows, FAULT_LOAD);
    await new Promise((done) => setTimeout(done, 2000));
    await deployment.crashAndRestart(300);
    const result = await run;

    expect(result.errorCount).toBeGreaterThan(0); // the crash was felt…
    expect(result.failedPackets).toBe(0); // …and got over
    expect(result.packets).toBeGreaterThanOrEqual(4);
    expect(result.feedProblems).toEqual([]);
    const records = await deployment.openRecords();
    try {
      expect(await verifyDelivered(records, result.committed, { windowIds: windows.map((w) => w.windowId) })).toEqual(
        [],
      );
    } finally {
      await records.close();
    }
  }, 90_000);
});

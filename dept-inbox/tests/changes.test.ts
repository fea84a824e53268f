// The change feed: decisions appear in order with a growing cursor, a long poll answers
// as soon as one lands (also when the CLI decides from another process), the cursor
// resumes, and a restart on the same data directory keeps everything.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CHANGES_PATH, ChangesAnswer, packetVersionPath } from '../../src-main/common/sync-protocol.ts';
import { decide, enrolApprover } from '../src/admin.ts';
import type { Inbox } from '../src/server.ts';
import {
  bytes,
  call,
  commit,
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
import { Upload } from 'tus-js-client';

const run = promisify(execFile);

async function delivered(inbox: Inbox, window: TestWindow) {
  const p = packet(window, [bytes(2_000)]);
  await putPacket(inbox, window, p);
  await uploadAll(inbox, window, p);
  await commit(inbox, window, p);
  return p;
}

async function changes(inbox: Inbox, window: TestWindow, query = '') {
  const answer = await call<ChangesAnswer>(inbox, 'GET', `${CHANGES_PATH}${query}`, { token: window.token });
  expect(answer.status).toBe(200);
  return ChangesAnswer.parse(answer.body);
}

describe('change feed', () => {
  it('lists a window’s changes in order, decisions included, and resumes from a cursor', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox, 'W01');
    const other = await enrol(inbox, 'W02');
    const p = await delivered(inbox, window);
    await delivered(inbox, other);
    const id = p.manifest.packetId;

    await decide(inbox.db, { packetId: id, decision: { kind: 'accept' }, decidedBy: '王审批' });
    await decide(inbox.db, {
      packetId: id,
      decision: { kind: 'approve', waybill: 'EA123456789CN' },
      decidedBy: '王审批',
    });
    await decide(inbox.db, { packetId: id, decision: { kind: 'close' }, decidedBy: '王审批' });

    const all = await changes(inbox, window);
    expect(all.changes.map((c) => c.state)).toEqual(['delivered', 'accepted', 'approved', 'closed']);
    expect(all.changes.every((c) => c.packetId === id && c.version === 1)).toBe(true);
    const cursors = all.changes.map((c) => c.cursor);
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
    expect(new Set(cursors).size).toBe(cursors.length);
    expect(all.changes[2]).toMatchObject({
      waybill: 'EA123456789CN',
      decidedBy: '王审批',
      at: expect.stringMatching(/Z$/),
    });
    expect(all.cursor).toBe(cursors.at(-1));

    const page = await changes(inbox, window, '?limit=2');
    expect([page.changes.length, page.more]).toEqual([2, true]);
    const rest = await changes(inbox, window, `?after=${page.cursor}`);
    expect(rest.changes.map((c) => c.state)).toEqual(['approved', 'closed']);
    expect((await changes(inbox, window, `?after=${all.cursor}`)).changes).toEqual([]);
    expect((await changes(inbox, window, `?after=${all.cursor}`)).cursor).toBe(all.cursor);
  });

  it('refuses decisions out of order and keeps the feed unchanged', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const p = await delivered(inbox, window);
    const id = p.manifest.packetId;
    await expect(decide(inbox.db, { packetId: id, decision: { kind: 'approve' }, decidedBy: 'x' })).rejects.toThrow(
      expect.objectContaining({ code: 'decision.notAllowed' }),
    );
    await expect(
      decide(inbox.db, { packetId: id, decision: { kind: 'correction', items: [] }, decidedBy: 'x' }),
    ).rejects.toThrow(expect.objectContaining({ code: 'decision.invalid' }));
    await expect(
      decide(inbox.db, { packetId: id, decision: { kind: 'refuse', reason: ' ' }, decidedBy: 'x' }),
    ).rejects.toThrow(expect.objectContaining({ code: 'decision.invalid' }));
    // A 补正's own last day must be a real date, not before the day it is decided on (China time).
    const decidedAt = Date.UTC(2026, 11, 6, 17, 0); // 2026-12-07 01:00 in China
    for (const supplyBy of ['2026-12-06', '2026-02-30', '12/20/2026']) {
      await expect(
        decide(
          inbox.db,
          { packetId: id, decision: { kind: 'correction', items: ['户口簿首页'], supplyBy }, decidedBy: 'x' },
          decidedAt,
        ),
      ).rejects.toThrow(expect.objectContaining({ code: 'decision.invalid' }));
    }
    await decide(
      inbox.db,
      {
        packetId: id,
        decision: { kind: 'correction', items: ['户口簿首页', '近期免冠照片'], supplyBy: '2026-12-14' },
        decidedBy: 'x',
      },
      decidedAt,
    );
    await expect(decide(inbox.db, { packetId: id, decision: { kind: 'accept' }, decidedBy: 'x' })).rejects.toThrow(
      expect.objectContaining({ code: 'decision.notAllowed' }),
    );
    const feed = await changes(inbox, window);
    expect(feed.changes.map((c) => c.state)).toEqual(['delivered', 'correction_required']);
    expect(feed.changes[1]!.correctionItems).toEqual(['户口簿首页', '近期免冠照片']);
    expect(feed.changes[1]!.supplyBy).toBe('2026-12-14');
    expect(feed.changes[0]!.supplyBy).toBeUndefined();
  });

  it('a long poll answers as soon as a change lands, and empty at its deadline', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const p = await delivered(inbox, window);
    const { cursor } = await changes(inbox, window);

    const started = Date.now();
    const empty = await changes(inbox, window, `?after=${cursor}&wait=0.5`);
    expect(empty.changes).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);

    const polling = changes(inbox, window, `?after=${cursor}&wait=20`);
    await new Promise((r) => setTimeout(r, 200));
    const decidedAt = Date.now();
    await decide(inbox.db, { packetId: p.manifest.packetId, decision: { kind: 'accept' }, decidedBy: '王审批' });
    const woke = await polling;
    expect(woke.changes.map((c) => c.state)).toEqual(['accepted']);
    expect(Date.now() - decidedAt).toBeLessThan(1_000);

    const tooLong = await call(inbox, 'GET', `${CHANGES_PATH}?wait=31`, { token: window.token });
    expect([tooLong.status, tooLong.body.error.code]).toEqual([400, 'request.invalid']);
    const junk = await call(inbox, 'GET', `${CHANGES_PATH}?after=abc`, { token: window.token });
    expect([junk.status, junk.body.error.code]).toEqual([400, 'request.invalid']);
  });

  it('a long poll wakes for a decision made by the CLI in another process', async () => {
    const dataDir = tempDir();
    const inbox = await startInbox({ dataDir });
    const window = await enrol(inbox);
    const p = await delivered(inbox, window);
    const { cursor } = await changes(inbox, window);

    const polling = changes(inbox, window, `?after=${cursor}&wait=25`);
    const cli = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'dept-inbox/src/cli.ts',
        'decide',
        p.manifest.packetId,
        'correction',
        '--item',
        '申请表签字',
        '--by',
        '李审批',
        '--data-dir',
        dataDir,
      ],
      { cwd: process.cwd() },
    );
    expect(cli.stdout).toContain('correction_required');
    const woke = await polling;
    expect(woke.changes).toEqual([
      expect.objectContaining({ state: 'correction_required', correctionItems: ['申请表签字'], decidedBy: '李审批' }),
    ]);
  });

  it('restarts on the same data directory with packets, files, uploads, changes and tokens kept', async () => {
    const dataDir = tempDir();
    const first = await startInbox({ dataDir });
    const window = await enrol(first);
    const p = await delivered(first, window);
    await decide(first.db, { packetId: p.manifest.packetId, decision: { kind: 'accept' }, decidedBy: '王审批' });
    const { token: approverToken } = await enrolApprover(first.db, '王审批');
    // A second packet with an upload cut half-way.
    const big = bytes(3 * 64 * 1024);
    const q = packet(window, [big]);
    await putPacket(first, window, q);
    const url = await new Promise<string>((resolve, reject) => {
      const u: Upload = new Upload(
        big,
        tusOptions(first, window.token, big, q.manifest.packetId, {
          chunkSize: 64 * 1024,
          onChunkComplete: () => void u.abort().then(() => resolve(u.url as string)),
          onError: reject,
        }),
      );
      u.start();
    });
    const feedBefore = await changes(first, window);
    const putBefore = await putPacket(first, window, p);
    await first.close();
    // Let the client's keep-alive pool see the old connections close before the same port returns.
    await new Promise((r) => setTimeout(r, 200));

    const second = await startInbox({ dataDir, port: first.port });
    expect(await changes(second, window)).toEqual(feedBefore);
    expect(await putPacket(second, window, p)).toMatchObject({ status: 200, body: putBefore.body });
    expect(
      (await call(second, 'GET', packetVersionPath(q.manifest.packetId, 1), { token: window.token })).body.missingFiles,
    ).toEqual([sha256(big)]);
    await upload(second, window.token, big, q.manifest.packetId, { uploadUrl: url, chunkSize: 64 * 1024 });
    expect((await commit(second, window, q)).body.state).toBe('delivered');
    const login = await fetch(`${second.url}/approver/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: approverToken }),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
  });
});

// 好差评 on their way to the department: the same outbox as packets (leases, backoff,
// Retry-After, holds), a real inbox on 127.0.0.1 behind a proxy that misbehaves on
// purpose. After each fault: the rating arrives, once, with the bytes the window kept.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { enrolWindow } from '../../../dept-inbox/src/admin.ts';
import { main as inboxCli } from '../../../dept-inbox/src/cli.ts';
import type { Inbox } from '../../../dept-inbox/src/server.ts';
import type { RatingReport } from '../../../src-main/common/rating-report.ts';
import type { RatingInput } from '../../../src-main/common/rating.ts';
import { Hall, inboxBehind, startInbox, tempDir, until } from './helpers.ts';
import { answer, startFaultProxy } from './peers.ts';
import { STRONG } from '../intake/fixtures.ts';
import { writeHallConfig } from './process-harness.ts';

const RATINGS = /^\/v1\/ratings$/;
const BAD: RatingInput = { overall: 1, efficiency: 2, skill: 3, attitude: 1, category: 'attitude', text: '态度生硬' };

async function ratingsAt(inbox: Inbox): Promise<RatingReport[]> {
  return (await inbox.db.listRatings()).map((row) => JSON.parse(row.report) as RatingReport);
}

/** Waits until the rating's sending reached `state` with `attempts` tries, and returns its sync view. */
async function ratingSync(hall: Hall, ratingId: string, state: string, attempts?: number) {
  return until(
    () => {
      const sync = hall.core.ratings.get(ratingId)?.sync;
      return sync?.state === state && (attempts === undefined || sync.attempts === attempts) ? sync : undefined;
    },
    15_000,
    `rating ${state}${attempts === undefined ? '' : ` after ${attempts}`}`,
  );
}

/** Lets the worker settle, then moves the clock to the rating's next attempt. */
async function toNextAttempt(hall: Hall, ratingId: string): Promise<void> {
  await hall.core.sync.idle();
  const next = hall.core.ratings.get(ratingId)?.sync?.nextAttemptAt ?? hall.clock.now();
  hall.timers.advance(Math.max(0, next - hall.clock.now()));
}

describe('ratings travel through the outbox', () => {
  it('retries 500, garbage, 503 Retry-After and an inbox that is down, then delivers one rating', async () => {
    let up = true;
    const [inbox, proxy] = await inboxBehind((target) => startFaultProxy(() => (up ? target() : 'http://127.0.0.1:9')));
    const hall = await Hall.open({ endpoint: proxy.url, sync: { requestTimeoutMs: 500 } });
    await hall.enrolAt(inbox);
    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');

    proxy.rules.push({
      method: 'POST',
      path: RATINGS,
      act: answer.status(500, { error: { code: 'internal', message: 'boom' } }),
    });
    const rating = hall.core.ratings.record(BAD, { packetId: sealed.packetId, sessionStream: null });
    let sync = await ratingSync(hall, rating.ratingId, 'waiting', 1);
    expect(sync.lastErrorCode).toBe('sync.departmentError');
    expect(sync.nextAttemptAt).toBe(hall.clock.now() + 500); // full jitter: 0.5 × 1 s, as packets

    proxy.rules.push({ method: 'POST', path: RATINGS, act: answer.garbage() });
    await toNextAttempt(hall, rating.ratingId);
    sync = await ratingSync(hall, rating.ratingId, 'waiting', 2);
    expect(sync.lastErrorCode).toBe('sync.departmentError');

    proxy.rules.push({
      method: 'POST',
      path: RATINGS,
      act: answer.status(503, { error: { code: 'unavailable', message: 'busy' } }, { 'retry-after': '7' }),
    });
    await toNextAttempt(hall, rating.ratingId);
    sync = await ratingSync(hall, rating.ratingId, 'waiting', 3);
    expect(sync.nextAttemptAt).toBe(hall.clock.now() + 7000); // Retry-After, not the backoff

    up = false; // the department's inbox is down: connections refused
    await toNextAttempt(hall, rating.ratingId);
    sync = await ratingSync(hall, rating.ratingId, 'waiting', 4);
    expect(sync.lastErrorCode).toBe('sync.unreachable');
    expect(await ratingsAt(inbox)).toEqual([]);

    up = true;
    await toNextAttempt(hall, rating.ratingId);
    sync = await ratingSync(hall, rating.ratingId, 'sent');
    expect(sync).toMatchObject({ attempts: 0, lastErrorCode: null, sentAt: hall.clock.now() });

    // One rating at the department, exactly as the window kept it.
    const [kept, ...more] = await ratingsAt(inbox);
    expect(more).toEqual([]);
    expect(kept).toMatchObject({
      ratingId: rating.ratingId,
      windowId: 'W01',
      packetId: sealed.packetId,
      version: 1,
      trackingCode: sealed.trackingCode,
      itemCode: rating.itemCode,
      departmentId: 'demo-dept',
      departmentName: '成都市人社局',
      regionCode: '110105',
      clerk: { username: 'clerk01', displayName: '张窗口' },
      overall: 1,
      efficiency: 2,
      skill: 3,
      attitude: 1,
      category: 'attitude',
      text: '态度生硬',
      bad: true,
      givenAt: new Date(rating.givenAt).toISOString(),
    });
    // Forwarded: the one refused while the inbox was down, and the one delivered; the rest were the faults.
    expect(proxy.count('POST', RATINGS)).toBe(2);
  });

  it('a crash after the inbox answered and before the window recorded it sends again: still one rating', async () => {
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);
    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');
    hall.hooks.at = (point) => {
      if (point === 'rating.answered') throw new Error('power cut after the answer');
    };
    const rating = hall.core.ratings.record(BAD, { packetId: sealed.packetId, sessionStream: null });
    await until(() => hall.core.sync.halted, 15_000, 'halt at rating.answered');
    expect((await ratingsAt(inbox)).map((r) => r.ratingId)).toEqual([rating.ratingId]);
    expect(hall.core.ratings.get(rating.ratingId)?.sync?.state).toBe('waiting');

    hall.hooks.at = undefined;
    await hall.restart();
    await ratingSync(hall, rating.ratingId, 'sent');
    expect(await inbox.db.listRatings()).toHaveLength(1);
    expect((await ratingsAt(inbox))[0]!.ratingId).toBe(rating.ratingId);
  });

  it('a token the department refuses (401) holds the rating for a person; a new token releases it', async () => {
    const [inbox, proxy] = await inboxBehind(startFaultProxy);
    const hall = await Hall.open({ endpoint: proxy.url });
    const { token } = await hall.enrolAt(inbox);
    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');
    proxy.rules.push({
      method: 'POST',
      path: RATINGS,
      act: answer.status(401, { error: { code: 'auth.invalidToken', message: 'unknown or revoked window token' } }),
    });
    const rating = hall.core.ratings.record(BAD, { packetId: sealed.packetId, sessionStream: null });
    const held = await ratingSync(hall, rating.ratingId, 'held');
    expect(held).toMatchObject({ lastErrorCode: 'sync.tokenRejected', nextAttemptAt: null });
    // Held means held: time passing sends nothing.
    hall.timers.advance(3_600_000);
    await hall.core.sync.idle();
    expect(await ratingsAt(inbox)).toEqual([]);

    await hall.installer.call('auth.unlock', { password: STRONG }); // the idle lock closed the screen meanwhile
    await hall.installer.call('sync.setDepartmentToken', { departmentId: 'demo-dept', token });
    await ratingSync(hall, rating.ratingId, 'sent');
    expect((await ratingsAt(inbox)).map((r) => r.ratingId)).toEqual([rating.ratingId]);
  });
});

describe('a configured ratings endpoint', () => {
  it('sends every rating to the department named by ratings.endpoint, packets to their own', async () => {
    const departmentInbox = await startInbox();
    const ratingsInbox = await startInbox();
    const dataDir = tempDir();
    writeHallConfig(dataDir, departmentInbox.url);
    const config = JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8')) as {
      departments: Array<Record<string, unknown>>;
    };
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify({
        ...config,
        departments: [
          ...config.departments,
          // The region's 好差评 system, enrolled as a department that no item routes to.
          { id: 'haochaping', name: '北京市西城区政务服务管理局', regionCodes: ['99'], endpoint: ratingsInbox.url },
        ],
        ratings: { endpoint: 'haochaping' },
      }),
    );
    const hall = await Hall.open({}, dataDir);
    const { publicKey } = await hall.enrolAt(departmentInbox);
    const { token } = await enrolWindow(ratingsInbox.db, { windowId: 'W01', scheme: 'ed25519', publicKey });
    await hall.installer.call('sync.setDepartmentToken', { departmentId: 'haochaping', token });

    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');
    const rating = hall.core.ratings.record(BAD, { packetId: sealed.packetId, sessionStream: null });
    await ratingSync(hall, rating.ratingId, 'sent');
    expect((await ratingsAt(ratingsInbox)).map((r) => [r.ratingId, r.departmentId])).toEqual([
      [rating.ratingId, 'demo-dept'],
    ]);
    expect(await ratingsAt(departmentInbox)).toEqual([]);
    expect(ratingsInbox.db.sqlite.prepare('SELECT count(*) AS n FROM packets').get()).toEqual({ n: 0 });
  });
});

describe('the inbox takes ratings', () => {
  it('authenticates the window, checks the report, keeps one per visit, and lists them', async () => {
    const dataDir = tempDir('tongban-inbox-');
    const inbox = await startInbox({ dataDir });
    const hall = await Hall.open({ endpoint: inbox.url });
    const { token } = await hall.enrolAt(inbox);
    const sealed = await hall.sealReceived();
    const rating = hall.core.ratings.record(BAD, { packetId: sealed.packetId, sessionStream: null });
    await ratingSync(hall, rating.ratingId, 'sent');
    const report = (await ratingsAt(inbox))[0]!;
    const post = (body: unknown, auth: string | null = `Bearer ${token}`) =>
      fetch(`${inbox.url}/v1/ratings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify(body),
      });

    expect((await post(report, null)).status).toBe(401);
    expect((await post(report, 'Bearer nonsense')).status).toBe(401);
    const invalid = await post({ ...report, overall: 6 });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { code: string } }).error.code).toBe('request.invalid');
    const noCategory = await post({ ...report, text: 'x'.repeat(501) });
    expect(noCategory.status).toBe(400);
    const otherWindow = await post({ ...report, windowId: 'W99' });
    expect(otherWindow.status).toBe(403);

    // A retried send: the same receipt. Another rating of the same visit: the first one's receipt.
    const again = (await (await post(report)).json()) as { ratingId: string; receivedAt: string };
    expect(again.ratingId).toBe(report.ratingId);
    const second = (await (await post({ ...report, ratingId: crypto.randomUUID(), overall: 5 })).json()) as {
      ratingId: string;
    };
    expect(second.ratingId).toBe(report.ratingId);
    expect(await inbox.db.listRatings()).toHaveLength(1);
    expect((await ratingsAt(inbox))[0]!.overall).toBe(1);

    // The department's CLI lists them.
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      expect(await inboxCli(['ratings', '--bad', '--data-dir', dataDir])).toBe(0);
    } finally {
      log.mockRestore();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(sealed.trackingCode!);
    expect(lines[0]).toContain('差评:attitude');
    expect(lines[0]).toContain('"态度生硬"');
  });
});

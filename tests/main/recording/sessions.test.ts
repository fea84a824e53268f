// The session index on a real encrypted database and event log: each row folded as its
// events are appended, each flag raised by the record it reads (a gap the recorder
// reported, a hole between camera segments, a session never recorded, a missing step,
// an override, a session far longer than its item's usual), the list's filters and
// keyset pages, and the index rebuilt from the log alone.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../src-main/common/errors.ts';
import { EventLog } from '../../../src-main/recording/event-log.ts';
import { SessionIndex, type SessionQuery } from '../../../src-main/recording/sessions.ts';
import { openDatabase } from '../../../src-main/store/database.ts';
import { appendSession, type SessionPlan } from '../../fixtures/session-history.ts';
import { TestClock, tempDir } from '../helpers.ts';

const MIN = 60_000;
const KEY = Buffer.alloc(32, 7);
const HEAD_KEY = Buffer.alloc(32, 8);

function openIndex(dir = tempDir()) {
  const db = openDatabase({ file: join(dir, 'test.db'), key: KEY, backupDir: join(dir, 'backups') });
  const clock = new TestClock();
  const log = new EventLog(db, clock, HEAD_KEY);
  const index = new SessionIndex(db, log, {
    clerk: (username) => ({ clerk01: '张窗口', clerk02: '王窗口' })[username],
    item: (code) => ({ SBK: '社会保障卡申领' })[code],
  });
  const session = (plan: Partial<SessionPlan> = {}) => {
    const id = appendSession(log, clock, {
      clerk: 'clerk01',
      itemCode: 'SBK',
      durationMs: 8 * MIN,
      outcome: 'sealed',
      // Long segments keep the tests quick: each is one append (and one fsync).
      recording: { segmentMs: 30_000 },
      ...plan,
    });
    clock.advance(2 * MIN);
    return id;
  };
  const row = (draftId: string) => index.list({ limit: 200 }).sessions.find((s) => s.draftId === draftId)!;
  return { db, clock, log, index, session, row, dir };
}

describe('session index', () => {
  it('keeps one row per session, up to date as its events are appended', () => {
    const { index, session, row, clock } = openIndex();
    const startedAt = clock.now();
    const sealed = session({ durationMs: 7 * MIN });
    expect(row(sealed)).toMatchObject({
      clerk: 'clerk01',
      clerkName: '张窗口',
      itemCode: 'SBK',
      itemName: '社会保障卡申领',
      startedAt,
      endedAt: startedAt + 7 * MIN,
      durationMs: 7 * MIN,
      outcome: 'sealed',
      packetId: sealed,
      flags: [],
      comments: 0,
      signOff: null,
    });
    const open = session({ outcome: 'open' });
    expect(row(open)).toMatchObject({ outcome: 'open', endedAt: null, durationMs: null, flags: [] });
    expect(row(session({ outcome: 'abandoned' })).outcome).toBe('abandoned');
    expect(row(session({ outcome: 'correction' })).outcome).toBe('correction');
    expect(index.list({ limit: 10 }).total).toBe(4);
  });

  it('flags gaps in the video: reported by the recorder, a hole between segments, a sealed session never recorded', () => {
    const { session, row, index } = openIndex();
    const whole = session();
    const reported = session({ recording: { segmentMs: 4000, gap: true } });
    const hole = session({ recording: { segmentMs: 4000, holeAfterSegment: 10, holeMs: 1500 } });
    const shortHole = session({ recording: { segmentMs: 4000, holeAfterSegment: 10, holeMs: 800 } });
    const unrecorded = session({ recording: false });
    const unrecordedOpen = session({ recording: false, outcome: 'open' });
    expect(row(whole).flags).toEqual([]);
    expect(row(reported).flags).toEqual(['videoGap']);
    expect(row(hole).flags).toEqual(['videoGap']);
    expect(row(shortHole).flags).toEqual([]); // under a second is the recorder's restart, not a gap
    expect(row(unrecorded).flags).toEqual(['videoGap']);
    expect(row(unrecordedOpen).flags).toEqual([]); // still at the window: not judged yet
    // The detail says what raised it.
    expect(index.get(hole).gaps).toEqual([
      expect.objectContaining({ track: 'camera', reason: 'hole', fromMs: 44_000, toMs: 45_500 }),
    ]);
    expect(index.get(reported).gaps).toEqual([
      expect.objectContaining({ track: 'camera', reason: 'cameraLost', fromMs: 8000, toMs: 11_000 }),
    ]);
    expect(index.get(unrecorded)).toMatchObject({ recorded: false, gaps: [] });
    expect(
      index
        .list({ flag: 'videoGap', limit: 50 })
        .sessions.map((s) => s.draftId)
        .sort(),
    ).toEqual([reported, hole, unrecorded].sort());
  });

  it('flags a finished session missing an expected step, and an override of a review rule', () => {
    const { session, row, index } = openIndex();
    const noCard = session({ skip: ['identity'] });
    const noReceipt = session({ receipt: false });
    const overridden = session({ override: true });
    const openWithoutCard = session({ skip: ['identity'], outcome: 'open' });
    expect(row(noCard).flags).toEqual(['missingSteps']);
    expect(index.get(noCard).missing).toEqual(['identity']);
    expect(row(noReceipt).flags).toEqual(['missingSteps']);
    expect(index.get(noReceipt).missing).toEqual(['receipt']);
    expect(row(overridden).flags).toEqual(['override']);
    expect(index.get(overridden).overrides).toEqual(['material.missing:photo']);
    expect(row(openWithoutCard).flags).toEqual([]);
    expect(index.list({ flag: 'any', limit: 50 }).total).toBe(3);
    expect(index.list({ flag: 'override', limit: 50 }).sessions.map((s) => s.draftId)).toEqual([overridden]);
  });

  it('flags a session over three times its item’s median, once the item has five finished sessions before it', () => {
    const { session, row, index } = openIndex();
    // Too few to judge: a long one among the first sessions of an item is not flagged.
    const early = session({ durationMs: 60 * MIN });
    expect(row(early).flags).toEqual([]);
    for (let i = 0; i < 5; i++) session({ durationMs: (8 + i) * MIN });
    const usual = session({ durationMs: 20 * MIN });
    const long = session({ durationMs: 40 * MIN });
    // Another item keeps its own median.
    const other = session({ itemCode: 'OTHER', durationMs: 40 * MIN });
    expect(row(usual).flags).toEqual([]);
    expect(row(long).flags).toEqual(['long']);
    // Judged against 8, 9, 10, 11, 12, 20 and 60 minutes: a median of 11.
    expect(index.get(long).usualMs).toBe(11 * MIN);
    expect(row(other).flags).toEqual([]);
    // An abandoned session is not judged, and a later one never changes an earlier verdict.
    expect(row(session({ durationMs: 90 * MIN, outcome: 'abandoned' })).flags).toEqual([]);
    for (let i = 0; i < 10; i++) session({ durationMs: 50 * MIN });
    expect(row(long).flags).toEqual(['long']);
  });

  it('filters by day, clerk, item, outcome, flag and review, and pages by key without skipping or repeating', () => {
    const { session, index, clock } = openIndex();
    const made: Array<{ id: string; clerk: string; day: number }> = [];
    for (let day = 0; day < 6; day++) {
      for (let i = 0; i < 23; i++) {
        const clerk = i % 3 === 0 ? 'clerk02' : 'clerk01';
        made.push({
          id: session({ clerk, durationMs: 5 * MIN, outcome: i % 5 === 0 ? 'abandoned' : 'sealed' }),
          clerk,
          day,
        });
      }
      clock.advance(24 * 60 * MIN - 23 * 7 * MIN); // the next day
    }
    const all = (query: Omit<SessionQuery, 'limit' | 'after'>, limit = 7) => {
      const ids: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = index.list({ ...query, limit, ...(after ? { after } : {}) });
        ids.push(...page.sessions.map((s) => s.draftId));
        after = page.nextCursor ?? undefined;
        pages++;
      } while (after);
      return { ids, pages };
    };
    const newestFirst = [...made].reverse();
    const everything = all({});
    expect(everything.ids).toEqual(newestFirst.map((m) => m.id));
    expect(everything.pages).toBe(Math.ceil(made.length / 7));
    const clerk02 = all({ clerk: 'clerk02' });
    expect(clerk02.ids).toEqual(newestFirst.filter((m) => m.clerk === 'clerk02').map((m) => m.id));
    expect(index.list({ clerk: 'clerk02', limit: 5 }).total).toBe(clerk02.ids.length);
    expect(all({ outcome: 'abandoned' }).ids).toHaveLength(6 * 5);
    expect(all({ itemCode: 'NONE' }).ids).toEqual([]);
    // A hall day, from its midnight (UTC+8) to the next.
    const day = (offset: number) =>
      new Date(clockStart() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    expect(all({ from: day(0), to: day(0) }).ids).toEqual(newestFirst.filter((m) => m.day === 0).map((m) => m.id));
    expect(all({ from: day(2), to: day(3) }).ids).toHaveLength(46);
    expect(all({ reviewed: false }).ids).toHaveLength(made.length);
    expect(all({ reviewed: true }).ids).toEqual([]);

    // A page's cursor stays good while new sessions arrive: they are newer than every page.
    const first = index.list({ limit: 10 });
    session();
    const second = index.list({ limit: 10, after: first.nextCursor! });
    expect(second.sessions[0]!.draftId).toBe(newestFirst[10]!.id);

    expect(() => index.list({ limit: 10, after: 'not-a-cursor' })).toThrow(
      expect.objectContaining({ code: 'request.invalidInput' }),
    );
  });

  it('is rebuilt from the event log alone: sessions logged before the index, or left behind by a failed fold', () => {
    const { db, session, index, dir } = openIndex();
    session({ override: true });
    session({ recording: false, durationMs: 3 * MIN });
    session({ outcome: 'open' });
    for (let i = 0; i < 5; i++) session({ durationMs: 6 * MIN });
    const long = session({ durationMs: 30 * MIN });
    index.comment('super01', long, '时长异常，请说明');
    index.signOff('super01', long, 'issues', '已约谈');
    const before = index.list({ limit: 200 });
    expect(before.sessions.find((s) => s.draftId === long)!.flags).toEqual(['long']);
    db.prepare('DELETE FROM counter_sessions').run();
    db.close();
    // A later start: a new index on the same file folds every stream from the log.
    const reopened = openDatabase({ file: join(dir, 'test.db'), key: KEY, backupDir: join(dir, 'backups') });
    const again = new SessionIndex(reopened, new EventLog(reopened, new TestClock(), HEAD_KEY), {
      clerk: (username) => ({ clerk01: '张窗口', clerk02: '王窗口' })[username],
      item: (code) => ({ SBK: '社会保障卡申领' })[code],
    });
    expect(again.catchUp()).toBe(before.total);
    expect(again.list({ limit: 200 })).toEqual(before);
    expect(again.catchUp()).toBe(0);
    reopened.close();
  });

  it('a fold that fails rolls back alone: the step is logged, the row catches up later', () => {
    const errors: string[] = [];
    const dir = tempDir();
    const db = openDatabase({ file: join(dir, 'test.db'), key: KEY, backupDir: join(dir, 'backups') });
    const clock = new TestClock();
    const log = new EventLog(db, clock, HEAD_KEY);
    const index = new SessionIndex(db, log, undefined, (error, stream) => errors.push(`${stream}: ${String(error)}`));
    const id = appendSession(log, clock, { clerk: 'clerk01', itemCode: 'SBK', durationMs: MIN, outcome: 'open' });
    // The index's table refuses writes for a moment (a full disk, a bug): the counter goes on.
    db.exec(`CREATE TRIGGER refuse BEFORE UPDATE ON counter_sessions BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    log.append({ stream: `session:${id}`, actor: 'clerk01', kind: 'intake.discarded', payload: {} });
    expect(errors).toHaveLength(1);
    expect(log.last(`session:${id}`)!.kind).toBe('intake.discarded');
    expect(index.list({ limit: 5 }).sessions[0]!.outcome).toBe('open');
    db.exec('DROP TRIGGER refuse');
    expect(index.catchUp()).toBe(1);
    expect(index.list({ limit: 5 }).sessions[0]!.outcome).toBe('abandoned');
  });

  it('refuses what a sign-off may not be: twice, on an open session, “ok” on a broken chain', () => {
    const { db, session, index } = openIndex();
    const open = session({ outcome: 'open' });
    const done = session();
    const tampered = session();
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return isAppError(error) ? { code: error.code, params: error.params } : String(error);
      }
      return 'no error';
    };
    expect(code(() => index.signOff('super01', open, 'ok'))).toMatchObject({ code: 'supervision.sessionOpen' });
    expect(code(() => index.signOff('super01', 'no-such-draft', 'ok'))).toMatchObject({
      code: 'supervision.sessionNotFound',
    });
    index.signOff('super01', done, 'ok');
    expect(code(() => index.signOff('super02', done, 'issues'))).toMatchObject({
      code: 'supervision.alreadySignedOff',
      params: { by: 'super01' },
    });
    // Someone with the file changes a step of the session.
    db.exec('DROP TRIGGER event_log_append_only_update');
    db.prepare(`UPDATE event_log SET payload = '{"who":"agent"}' WHERE stream = ? AND kind = 'identity.cardRead'`).run(
      `session:${tampered}`,
    );
    const detail = index.get(tampered);
    expect(detail.chain).toMatchObject({ ok: false, reason: 'hash_mismatch' });
    expect(detail.session.flags).toContain('chainBroken');
    expect(index.list({ flag: 'chainBroken', limit: 5 }).sessions.map((s) => s.draftId)).toEqual([tampered]);
    expect(code(() => index.signOff('super01', tampered, 'ok'))).toMatchObject({ code: 'supervision.chainBroken' });
    const signed = index.signOff('super01', tampered, 'issues', '记录被改动，已报告运维');
    expect(signed.session.signOff).toMatchObject({ verdict: 'issues', by: 'super01' });
    expect(signed.notes.at(-1)).toMatchObject({ kind: 'signOff', verdict: 'issues', text: '记录被改动，已报告运维' });
  });
});

/** The TestClock's start (helpers.ts): 2026-11-25 01:00 UTC, 09:00 in the hall. */
function clockStart(): number {
  return new TestClock().now();
}

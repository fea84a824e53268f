// 好差评 at the window: one rating per visit, what it is about taken from the sealed
// packet, logged without the applicant's words, a 差评's 15-working-day follow-up clock,
// the supervisor's follow-up records, and the contract's list and filters. A real core
// (encrypted SQLite, intake, sealing) sending to a real inbox on 127.0.0.1.
import { describe, expect, it } from 'vitest';
import type { RatingView } from '../../../src-main/api/contract/index.ts';
import { isAppError } from '../../../src-main/common/errors.ts';
import type { RatingInput } from '../../../src-main/common/rating.ts';
import { client, STRONG } from '../intake/fixtures.ts';
import { Hall, startInbox, until } from '../sync/helpers.ts';

const GOOD: RatingInput = { overall: 5, efficiency: 5, skill: 4, attitude: 5 };
const BAD: RatingInput = {
  overall: 2,
  efficiency: 1,
  skill: 3,
  attitude: 2,
  category: 'repeatedVisits',
  text: '材料交了三次，电话 13800000000',
};

async function hallWithInbox() {
  const inbox = await startInbox();
  const hall = await Hall.open({ endpoint: inbox.url });
  await hall.enrolAt(inbox);
  await hall.installer.call('users.create', {
    username: 'super01',
    displayName: '李督查',
    role: 'supervisor',
    password: STRONG,
  });
  const supervisor = client(hall.core.openConnection(() => undefined));
  await supervisor.call('auth.login', { username: 'super01', password: STRONG });
  /** Moves the hall's clock; both staff unlock the screens the idle lock closed meanwhile. */
  const later = async (ms: number) => {
    hall.clock.advance(ms);
    for (const user of [hall.clerk, supervisor]) {
      const answer = await user.raw('auth.unlock', { password: STRONG });
      expect(answer.ok || (answer as { error: { code: string } }).error.code !== 'auth.locked').toBe(true);
    }
  };
  return { inbox, hall, supervisor, later };
}

function refusal(fn: () => unknown): { code: string } {
  try {
    fn();
  } catch (error) {
    if (isAppError(error)) return { code: error.code };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('ratings: one per visit, about the sealed packet', () => {
  it('stores a rating with the case, item, department, region and clerk of the packet, once', async () => {
    const { hall } = await hallWithInbox();
    const sealed = await hall.sealReceived();

    const view = hall.core.ratings.record(GOOD, { packetId: sealed.packetId, sessionStream: null });
    expect(view).toMatchObject({
      packetId: sealed.packetId,
      version: 1,
      trackingCode: sealed.trackingCode,
      itemName: expect.any(String),
      departmentId: 'demo-dept',
      departmentName: '成都市人社局',
      regionCode: '110105',
      clerk: { username: 'clerk01', displayName: '张窗口' },
      overall: 5,
      bad: false,
      category: null,
      text: null,
      givenAt: hall.clock.now(),
      followUp: null,
    });

    // 一次一评: the second rating of the same visit is refused, the first stands.
    expect(refusal(() => hall.core.ratings.record(BAD, { packetId: sealed.packetId, sessionStream: null }))).toEqual({
      code: 'rating.alreadyGiven',
    });
    const db = hall.openDb();
    expect(db.prepare('SELECT overall FROM ratings WHERE packet_id = ?').all(sealed.packetId)).toEqual([
      { overall: 5 },
    ]);
  });

  it('refuses a rating for a packet this window never sealed, storing nothing', async () => {
    const { hall } = await hallWithInbox();
    const unknown = '01900000-0000-7000-8000-000000000000';
    expect(refusal(() => hall.core.ratings.record(GOOD, { packetId: unknown, sessionStream: null }))).toEqual({
      code: 'rating.packetNotFound',
    });
    expect(hall.openDb().prepare('SELECT count(*) AS n FROM ratings').get()).toEqual({ n: 0 });
  });

  it('refuses a 差评 without a category (the form asks for one)', async () => {
    const { hall } = await hallWithInbox();
    const sealed = await hall.sealReceived();
    const { category: _category, ...noCategory } = BAD;
    expect(() => hall.core.ratings.record(noCategory, { packetId: sealed.packetId, sessionStream: null })).toThrow(
      /category/,
    );
    expect(hall.openDb().prepare('SELECT count(*) AS n FROM ratings').get()).toEqual({ n: 0 });
  });

  it("logs rating.given in the session's stream with the levels, never the applicant's words", async () => {
    const { hall } = await hallWithInbox();
    const sealed = await hall.sealReceived();
    const view = hall.core.ratings.record(BAD, { packetId: sealed.packetId, sessionStream: null });
    const db = hall.openDb();
    const manifest = JSON.parse(
      (db.prepare('SELECT manifest FROM packets WHERE packet_id = ?').get(sealed.packetId) as { manifest: string })
        .manifest,
    ) as { session: { stream: string } };
    const logged = db
      .prepare(`SELECT stream, actor, payload FROM event_log WHERE kind = 'rating.given'`)
      .all() as Array<{ stream: string; actor: string; payload: string }>;
    expect(logged).toHaveLength(1);
    expect(logged[0]!.stream).toBe(manifest.session.stream);
    expect(logged[0]!.actor).toBe('applicant');
    expect(JSON.parse(logged[0]!.payload)).toEqual({
      ratingId: view.ratingId,
      packetId: sealed.packetId,
      version: 1,
      overall: 2,
      efficiency: 1,
      skill: 3,
      attitude: 2,
      bad: true,
      category: 'repeatedVisits',
      followUpDue: '2026-12-16',
    });
    expect(logged[0]!.payload).not.toContain('13800000000');
    // The supervisors read the words in the rating itself.
    expect(view.text).toBe(BAD.text);
  });
});

describe('ratings: the 差评 follow-up clock', () => {
  it('gives a 差评 15 working days, counts them down, and shows it overdue after', async () => {
    const { hall, supervisor, later } = await hallWithInbox();
    const sealed = await hall.sealReceived();
    // Wednesday 2026-11-25: 15 working days later is Wednesday 2026-12-16.
    const view = hall.core.ratings.record(BAD, { packetId: sealed.packetId, sessionStream: null });
    expect(view.followUp).toMatchObject({ due: '2026-12-16', workingDaysLeft: 15, overdue: false, closedAt: null });

    await later(7 * 86_400_000); // 2026-12-02
    let listed = await supervisor.call<{ ratings: RatingView[] }>('ratings.list', { filter: 'bad' });
    expect(listed.ratings[0]!.followUp).toMatchObject({ workingDaysLeft: 10, overdue: false });

    await later(16 * 86_400_000); // 2026-12-18, two working days past
    listed = await supervisor.call<{ ratings: RatingView[] }>('ratings.list', { filter: 'followUpOpen' });
    expect(listed.ratings[0]!.followUp).toMatchObject({ workingDaysLeft: -2, overdue: true });
  });

  it(
    'records what supervisors did; closing stops the clock and leaves the open list',
    { timeout: 60_000 },
    async () => {
      const { hall, supervisor, later } = await hallWithInbox();
      const bad = hall.core.ratings.record(BAD, {
        packetId: (await hall.sealReceived()).packetId,
        sessionStream: null,
      });
      const good = hall.core.ratings.record(GOOD, {
        packetId: (await hall.sealReceived({ idCardExtra: 3000 })).packetId,
        sessionStream: null,
      });

      await supervisor.call('ratings.followUp', {
        ratingId: bad.ratingId,
        action: '已电话回访申请人，说明补正要求',
        closes: false,
      });
      await later(3_600_000);
      const closed = await supervisor.call<RatingView>('ratings.followUp', {
        ratingId: bad.ratingId,
        action: '已整改：材料清单一次性告知，并答复申请人',
        closes: true,
      });
      expect(closed.followUp).toMatchObject({ closedAt: hall.clock.now(), workingDaysLeft: null, overdue: false });
      expect(closed.followUp!.records).toEqual([
        {
          by: { username: 'super01', displayName: '李督查' },
          at: hall.clock.now() - 3_600_000,
          action: '已电话回访申请人，说明补正要求',
          closes: false,
        },
        {
          by: { username: 'super01', displayName: '李督查' },
          at: hall.clock.now(),
          action: '已整改：材料清单一次性告知，并答复申请人',
          closes: true,
        },
      ]);

      const open = await supervisor.call<{ ratings: RatingView[] }>('ratings.list', { filter: 'followUpOpen' });
      expect(open.ratings).toEqual([]);
      const all = await supervisor.call<{ ratings: RatingView[] }>('ratings.list', {});
      expect(all.ratings.map((r) => r.ratingId).sort()).toEqual([bad.ratingId, good.ratingId].sort());

      // Only a 差评 is followed up; an empty record is refused at the contract.
      expect(
        await supervisor.fail('ratings.followUp', { ratingId: good.ratingId, action: '回访', closes: true }),
      ).toMatchObject({
        code: 'rating.notBad',
      });
      expect(
        await supervisor.fail('ratings.followUp', { ratingId: bad.ratingId, action: '  ', closes: false }),
      ).toMatchObject({
        code: 'request.invalidInput',
      });
      expect(
        await supervisor.fail('ratings.followUp', {
          ratingId: '00000000-0000-4000-8000-000000000000',
          action: '回访',
          closes: false,
        }),
      ).toMatchObject({ code: 'rating.notFound' });
      // Clerks do not see the supervisors' list.
      expect(await hall.clerk.fail('ratings.list', {})).toMatchObject({ code: 'auth.forbidden' });
    },
  );

  it('lists open 差评 first, soonest due first, then the rest newest first', { timeout: 60_000 }, async () => {
    const { hall, supervisor, later } = await hallWithInbox();
    const good = hall.core.ratings.record(GOOD, {
      packetId: (await hall.sealReceived()).packetId,
      sessionStream: null,
    });
    await later(86_400_000);
    const older = hall.core.ratings.record(BAD, {
      packetId: (await hall.sealReceived({ idCardExtra: 3001 })).packetId,
      sessionStream: null,
    });
    await later(86_400_000);
    const newer = hall.core.ratings.record(BAD, {
      packetId: (await hall.sealReceived({ idCardExtra: 3002 })).packetId,
      sessionStream: null,
    });
    const { ratings } = await supervisor.call<{ ratings: RatingView[] }>('ratings.list', {});
    expect(ratings.map((r) => r.ratingId)).toEqual([older.ratingId, newer.ratingId, good.ratingId]);
    const bad = await supervisor.call<{ ratings: RatingView[] }>('ratings.list', { filter: 'bad' });
    expect(bad.ratings.map((r) => r.ratingId)).toEqual([older.ratingId, newer.ratingId]);
  });

  it('shows whether each rating reached the department', async () => {
    const { hall, supervisor, inbox } = await hallWithInbox();
    const view = hall.core.ratings.record(GOOD, {
      packetId: (await hall.sealReceived()).packetId,
      sessionStream: null,
    });
    await until(async () => {
      const { ratings } = await supervisor.call<{ ratings: RatingView[] }>('ratings.list', {});
      return ratings[0]?.sync?.state === 'sent';
    });
    expect((await inbox.db.listRatings()).map((row) => row.rating_id)).toEqual([view.ratingId]);
  });
});

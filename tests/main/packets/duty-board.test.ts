// 时限看板 on a real core: the window's duty to push a sealed packet within 1 working day
// and post its originals within 2 turns yellow on the day and red after, clerk by clerk;
// each warning is recorded once in the audit log; a lapsed window 补正 is nobody's overrun.
import { describe, expect, it } from 'vitest';
import type { DraftView, ReviewResult, SealedPacket } from '../../../src-main/api/contract/index.ts';
import type { DutyBoard } from '../../../src-main/common/duty-board.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootTestCore, openCoreStore, tempDir } from '../helpers.ts';
import { SOCIAL_CARD, STRONG, clerkOn, completeSocialCardPatch, idNumber, pngBytes } from '../intake/fixtures.ts';

type Clerk = Awaited<ReturnType<typeof clerkOn>>;
const DAY = 86_400_000;

/** Seals a 社会保障卡申领 applied for by an agent: its 授权委托书 is posted to the department. */
async function sealByAgent(clerk: Clerk): Promise<SealedPacket> {
  const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
  const patch = completeSocialCardPatch();
  await clerk.call('drafts.save', {
    id: draft.id,
    patch: {
      ...patch,
      agent: { name: '王建国', idNumber: idNumber('510104', '19700101', '013'), source: 'manual' },
      counts: {
        ...patch.counts,
        'authorisation-letter': { original: 1, copy: 0, electronic: 1 },
        'agent-id-card': { original: 1, copy: 0, electronic: 1 },
      },
    },
  });
  const files = [
    ['applicant-id-card', 90],
    ['photo', 180],
    ['authorisation-letter', 30],
    ['agent-id-card', 60],
  ] as const;
  for (const [materialId, seed] of files) {
    await addFileBytes(clerk.call, {
      id: draft.id,
      materialId,
      name: `${materialId}.png`,
      bytes: pngBytes(16, 10, seed),
    });
  }
  await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
  return clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
}

describe('the duty board', () => {
  it('shows the window’s push and posting duties yellow on their day and red after, and records each warning once', async () => {
    // The department's inbox does not answer: the sealed packet cannot leave, so its push duty runs.
    const dataDir = tempDir();
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify({
        hall: { id: 'hz-xh', name: '西湖区政务服务中心' },
        window: { id: 'W01', name: '跨省通办专窗' },
        regionCode: '330106',
        departments: [{ id: 'demo-dept', name: '演示审批部门', regionCodes: ['51'], endpoint: 'http://127.0.0.1:9' }],
      }),
    );
    const { core, clock } = await bootTestCore({ dataDir }); // Wednesday 2026-11-25
    const clerk = await clerkOn(core);
    const sealed = await sealByAgent(clerk);
    const supervisor = await clerkOn(core, 'super01', 'supervisor');
    // A day on, the idle lock has closed the session: unlock it as the supervisor would.
    const board = async () => {
      await supervisor.call('auth.unlock', { password: STRONG }).catch(() => undefined);
      return supervisor.call<DutyBoard>('duties.board', {});
    };

    const wednesday = await board();
    expect(wednesday).toEqual({ today: '2026-11-25', clerks: [] });

    clock.advance(DAY); // Thursday: the push is due today
    const thursday = await board();

    expect(thursday.clerks).toHaveLength(1);
    expect(thursday.clerks[0]).toMatchObject({ username: 'clerk01', displayName: '张窗口', yellow: 1, red: 0 });
    expect(thursday.clerks[0]!.items.map((i) => [i.duty, i.level, i.due])).toEqual([['push', 'yellow', '2026-11-26']]);
    expect(thursday.clerks[0]!.items[0]).toMatchObject({
      packetId: sealed.packetId,
      trackingCode: sealed.trackingCode,
      applicantName: '李小梅',
    });

    clock.advance(DAY); // Friday: the push overran, the originals are due
    const friday = await board();
    expect(friday.clerks[0]!.items.map((i) => [i.duty, i.level, i.due])).toEqual([
      ['push', 'red', '2026-11-26'],
      ['post', 'yellow', '2026-11-27'],
    ]);

    clock.advance(3 * DAY); // Monday: both red; the weekend did not count
    await board();
    await clerk.call('auth.unlock', { password: STRONG });
    await clerk.call('mailing.recordWaybill', { packetId: sealed.packetId, version: 1, waybill: 'EA123456785CN' });
    const afterPosting = await board();
    expect(afterPosting.clerks[0]!.items.map((i) => [i.duty, i.level])).toEqual([['push', 'red']]);

    // Each warning once in the audit log, in the order they appeared.
    const { db } = openCoreStore(dataDir);
    const warnings = db
      .prepare<[], { payload: string }>("SELECT payload FROM event_log WHERE kind = 'duty.warning' ORDER BY seq")
      .all()
      .map((e) => JSON.parse(e.payload) as { duty: string; level: string });
    expect(warnings.map((w) => `${w.duty}:${w.level}`)).toEqual(['push:yellow', 'push:red', 'post:yellow', 'post:red']);
  }, 120_000); // four sign-ins (password hashing) and a seal: slow on a loaded 2-core machine

  it('is for supervisors only', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    expect((await clerk.fail('duties.board', {})).code).toBe('auth.forbidden');
  });
});

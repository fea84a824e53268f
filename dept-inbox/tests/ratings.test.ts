// 好差评 at the department: POST /v1/ratings from an enrolled window, one kept per visit
// (a retry and a second rating answer the first one's receipt), and the approver page's
// list of them, 差评 on their own, the applicant's words escaped.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RatingReport } from '../../src-main/common/rating-report.ts';
import { enrolApprover } from '../src/admin.ts';
import type { Inbox } from '../src/server.ts';
import { call, enrol, newPacketId, startInbox } from './helpers.ts';

function report(windowId: string, patch: Partial<RatingReport> = {}): RatingReport {
  return {
    ratingId: randomUUID(),
    windowId,
    packetId: newPacketId(),
    version: 1,
    trackingCode: null,
    itemCode: 'SB-0001',
    itemName: '社会保障卡申领',
    departmentId: 'cd-rsj',
    departmentName: '成都市人社局',
    regionCode: '110105',
    clerk: { username: 'clerk01', displayName: '张窗口' },
    overall: 5,
    efficiency: 5,
    skill: 4,
    attitude: 5,
    category: null,
    text: null,
    bad: false,
    givenAt: '2026-11-25T01:00:00.000Z',
    ...patch,
  };
}

async function signIn(inbox: Inbox): Promise<string> {
  const { token } = await enrolApprover(inbox.db, '王审批');
  const answer = await fetch(`${inbox.url}/approver/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
    redirect: 'manual',
  });
  return (answer.headers.get('set-cookie') ?? '').split(';')[0]!;
}

describe('ratings at the department inbox', () => {
  it('keeps one rating per visit: a retry and a second rating answer the first one’s receipt', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const first = report(window.windowId);
    const answer = await call<{ ratingId: string; receivedAt: string }>(inbox, 'POST', '/v1/ratings', {
      token: window.token,
      body: first,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.ratingId).toBe(first.ratingId);
    const retry = await call(inbox, 'POST', '/v1/ratings', { token: window.token, body: first });
    expect(retry.body).toEqual(answer.body);
    const second = await call(inbox, 'POST', '/v1/ratings', {
      token: window.token,
      body: { ...first, ratingId: randomUUID(), overall: 1 },
    });
    expect(second.body).toEqual(answer.body);
    expect((await inbox.db.listRatings()).map((row) => row.overall)).toEqual([5]);
  });

  it('refuses what is not a rating report, and a rating in another window’s name', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const other = await enrol(inbox, 'W02');
    expect((await call(inbox, 'POST', '/v1/ratings', { body: report('W01') })).status).toBe(401);
    const noCategory = await call(inbox, 'POST', '/v1/ratings', {
      token: window.token,
      body: { ...report('W01'), unknown: true },
    });
    expect([noCategory.status, noCategory.body.error.code]).toEqual([400, 'request.invalid']);
    const garbage = await call(inbox, 'POST', '/v1/ratings', { token: window.token, raw: '{"overall": ' });
    expect(garbage.status).toBe(400);
    const impostor = await call(inbox, 'POST', '/v1/ratings', { token: other.token, body: report('W01') });
    expect([impostor.status, impostor.body.error.code]).toEqual([403, 'auth.windowMismatch']);
    expect(await inbox.db.listRatings()).toEqual([]);
  });

  it('shows the approver every rating, 差评 on their own, the applicant’s words escaped', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const good = report(window.windowId);
    const bad = report(window.windowId, {
      overall: 2,
      efficiency: 1,
      bad: true,
      category: 'repeatedVisits',
      text: '<b>材料交了三次</b>',
      givenAt: '2026-11-25T02:00:00.000Z',
    });
    for (const body of [good, bad]) await call(inbox, 'POST', '/v1/ratings', { token: window.token, body });

    expect((await fetch(`${inbox.url}/approver/ratings`)).status).toBe(401);
    const cookie = await signIn(inbox);
    expect(await (await fetch(`${inbox.url}/approver/`, { headers: { cookie } })).text()).toContain(
      'href="/approver/ratings"',
    );
    const all = await (await fetch(`${inbox.url}/approver/ratings`, { headers: { cookie } })).text();
    expect(all).toContain(good.packetId);
    expect(all).toContain(bad.packetId);
    expect(all).toContain('2026-11-25 10:00');
    expect(all).toContain('不满意 / 非常不满意 / 满意 / 非常满意');
    expect(all).toContain('多次跑动、反复提交材料');
    expect(all).toContain('&#60;b&#62;材料交了三次');
    expect(all).not.toContain('<b>材料');

    const badOnly = await (await fetch(`${inbox.url}/approver/ratings?bad=1`, { headers: { cookie } })).text();
    expect(badOnly).toContain(bad.packetId);
    expect(badOnly).not.toContain(good.packetId);
  });
});

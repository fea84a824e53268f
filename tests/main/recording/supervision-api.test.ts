// The supervisor's review through the real core and its contract: sessions a clerk
// really sealed, gave up and left open are listed as they happen; a supervisor opens
// one (chapters, flags, its chain verified), comments and signs it off — each logged in
// the session's own chain — and a clerk may do none of it. After a restart the index
// is whole again from the log alone, and a session changed behind the app's back
// shows as such.
import { describe, expect, it } from 'vitest';
import type { DraftView, SessionDetail, SessionSummary } from '../../../src-main/api/contract/index.ts';
import { EventLog } from '../../../src-main/recording/event-log.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootTestCore, openCoreStore, TestClock } from '../helpers.ts';
import { clerkOn, readyDraft, SOCIAL_CARD } from '../intake/fixtures.ts';

interface Page {
  sessions: SessionSummary[];
  nextCursor: string | null;
  total: number;
  totalCapped: boolean;
}

async function counterDay() {
  const booted = await bootTestCore();
  const clerk = await clerkOn(booted.core);
  const supervisor = await clerkOn(booted.core, 'super01', 'supervisor');
  const sealed = await readyDraft(clerk);
  booted.clock.advance(60_000);
  await clerk.call('drafts.review', { id: sealed });
  await clerk.call('drafts.seal', { id: sealed });
  booted.clock.advance(60_000);
  const given = (await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD })).id;
  await clerk.call('drafts.discard', { id: given });
  booted.clock.advance(60_000);
  const open = (await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD })).id;
  return { ...booted, clerk, supervisor, sealed, given, open };
}

describe('session review through the contract', () => {
  it('lists real sessions; a supervisor opens, comments on and signs one off, all logged in its chain', async () => {
    const { core, dataDir, clerk, supervisor, sealed, given, open } = await counterDay();

    const page = await supervisor.call<Page>('sessions.list', {});
    expect(page.sessions.map((s) => [s.draftId, s.outcome])).toEqual([
      [open, 'open'],
      [given, 'abandoned'],
      [sealed, 'sealed'],
    ]);
    expect(page).toMatchObject({ total: 3, totalCapped: false, nextCursor: null });
    expect(page.sessions[2]).toMatchObject({
      clerk: 'clerk01',
      clerkName: '张窗口',
      itemCode: SOCIAL_CARD,
      itemName: '社会保障卡申领',
      durationMs: 60_000,
      signOff: null,
      // Nothing recorded it (no recorder in this core), no card was read and the test core prints no receipt.
      flags: ['videoGap', 'missingSteps'],
    });
    expect((await supervisor.call<Page>('sessions.list', { outcome: 'sealed' })).sessions).toHaveLength(1);
    expect((await supervisor.call<Page>('sessions.list', { flag: 'any' })).total).toBe(1);
    expect((await supervisor.call<Page>('sessions.list', { clerk: 'nobody' })).total).toBe(0);
    const facets = await supervisor.call('sessions.facets');
    expect(facets).toEqual({
      clerks: [{ username: 'clerk01', name: '张窗口' }],
      items: [{ code: SOCIAL_CARD, name: '社会保障卡申领' }],
    });

    const opened = await supervisor.call<SessionDetail>('sessions.get', { draftId: sealed });
    expect(opened.chapters.map((c) => c.kind)).toEqual(['started', 'material', 'material', 'review', 'seal']);
    expect(opened.missing).toEqual(['identity', 'form', 'receipt']);
    expect(opened).toMatchObject({ recorded: false, gaps: [], overrides: [], notes: [] });
    expect(opened.chain).toMatchObject({ ok: true, stream: `session:${sealed}` });

    // The clerk whose session it is may not read the review, nor write in it.
    for (const [method, input] of [
      ['sessions.list', {}],
      ['sessions.get', { draftId: sealed }],
      ['sessions.comment', { draftId: sealed, text: '自己看看' }],
      ['sessions.signOff', { draftId: sealed, verdict: 'ok' }],
    ] as const) {
      expect((await clerk.fail(method, input)).code).toBe('auth.forbidden');
    }

    const commented = await supervisor.call<SessionDetail>('sessions.comment', {
      draftId: sealed,
      text: '  未读取身份证，请说明原因  ',
    });
    expect(commented.notes).toEqual([
      expect.objectContaining({ kind: 'comment', by: 'super01', text: '未读取身份证，请说明原因' }),
    ]);
    expect((await supervisor.fail('sessions.comment', { draftId: sealed, text: '   ' })).code).toBe(
      'request.invalidInput',
    );
    expect((await supervisor.fail('sessions.signOff', { draftId: open, verdict: 'ok' })).code).toBe(
      'supervision.sessionOpen',
    );
    expect((await supervisor.fail('sessions.get', { draftId: '00000000-0000-4000-8000-000000000000' })).code).toBe(
      'supervision.sessionNotFound',
    );

    const signed = await supervisor.call<SessionDetail>('sessions.signOff', {
      draftId: sealed,
      verdict: 'issues',
      comment: '身份核验步骤缺失',
    });
    expect(signed.session.signOff).toMatchObject({ verdict: 'issues', by: 'super01' });
    expect(signed.notes.map((n) => n.kind)).toEqual(['comment', 'signOff']);
    const twice = await supervisor.fail('sessions.signOff', { draftId: sealed, verdict: 'ok' });
    expect(twice.code).toBe('supervision.alreadySignedOff');
    expect(twice.params).toMatchObject({ by: '刘督查' });

    const reviewed = await supervisor.call<Page>('sessions.list', { reviewed: true });
    expect(reviewed.sessions).toEqual([
      expect.objectContaining({ draftId: sealed, comments: 2, lastReviewer: 'super01' }),
    ]);
    expect((await supervisor.call<Page>('sessions.list', { reviewed: false })).total).toBe(2);

    // Both are links of the session's chain, which still verifies whole.
    await core.close();
    const { db } = openCoreStore(dataDir);
    const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
    const log = new EventLog(db, new TestClock(), keys.evidenceKey);
    const tail = [...log.read(`session:${sealed}`)].slice(-2);
    expect(tail.map((e) => [e.kind, e.actor, e.payload])).toEqual([
      ['supervision.commented', 'super01', { text: '未读取身份证，请说明原因' }],
      ['supervision.signedOff', 'super01', { verdict: 'issues', comment: '身份核验步骤缺失', chain: 'intact' }],
    ]);
    expect(log.verify(`session:${sealed}`)).toMatchObject({ ok: true });
  });

  it('rebuilds the list from the log at start, and shows a session changed behind the app’s back', async () => {
    const { core, dataDir, clock, supervisor, sealed } = await counterDay();
    const before = await supervisor.call<Page>('sessions.list', {});
    await core.close();
    {
      const { db } = openCoreStore(dataDir);
      db.prepare('DELETE FROM counter_sessions').run();
      db.exec('DROP TRIGGER event_log_append_only_update');
      db.prepare(`UPDATE event_log SET actor = 'clerk02' WHERE stream = ? AND kind = 'intake.reviewed'`).run(
        `session:${sealed}`,
      );
      db.close();
    }
    const again = await bootTestCore({ dataDir, clock });
    const reader = await clerkOn(again.core, 'super01', 'supervisor');
    const after = await reader.call<Page>('sessions.list', {});
    expect(after).toEqual(before);
    const opened = await reader.call<SessionDetail>('sessions.get', { draftId: sealed });
    expect(opened.chain).toMatchObject({ ok: false, reason: 'hash_mismatch' });
    expect(opened.session.flags).toContain('chainBroken');
    expect((await reader.call<Page>('sessions.list', { flag: 'chainBroken' })).sessions.map((s) => s.draftId)).toEqual([
      sealed,
    ]);
    expect((await reader.fail('sessions.signOff', { draftId: sealed, verdict: 'ok' })).code).toBe(
      'supervision.chainBroken',
    );
  });
});

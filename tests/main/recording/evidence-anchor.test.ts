// The counter session's record is anchored at the department: the signed manifest of a
// sealed packet carries the session chain's head, so the department holds proof of the
// window's record as it stood at sealing, and a session rewritten or deleted later at the
// window no longer matches it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DraftView } from '../../../src-main/api/contract/index.ts';
import type { HealthSnapshot } from '../../../src-main/common/health.ts';
import { type MessageKey, t } from '../../../src-main/common/i18n/index.ts';
import type { Manifest } from '../../../src-main/common/manifest.ts';
import { openDatabase } from '../../../src-main/store/database.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import { bootTestCore, tempDir } from '../helpers.ts';
import { clerkOn, SOCIAL_CARD } from '../intake/fixtures.ts';
import { Hall, startInbox } from '../sync/helpers.ts';

describe('evidence anchored at the department', () => {
  it('puts the session chain head into the sealed manifest; a deleted session is then refused by verify', async () => {
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);
    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');

    const atDepartment = JSON.parse((await inbox.db.packet(sealed.packetId, 1))!.manifest) as Manifest;
    const anchor = atDepartment.session!;
    expect(anchor.stream).toMatch(/^session:/);

    // The anchor names an event of the window's chain, and the seal itself follows it.
    const db = hall.openDb();
    const events = db
      .prepare<[string], { seq: number; kind: string; prev_hash: string; hash: string }>(
        'SELECT seq, kind, prev_hash, hash FROM event_log WHERE stream = ? ORDER BY seq',
      )
      .all(anchor.stream);
    expect(events.find((e) => e.seq === anchor.seq)?.hash).toBe(anchor.hash);
    const next = events.find((e) => e.seq === anchor.seq + 1)!;
    expect(next).toMatchObject({ kind: 'intake.sealed', prev_hash: anchor.hash });
    expect(await hall.installer.call('eventLog.verify', { stream: anchor.stream })).toMatchObject({ ok: true });

    // Someone with the database deletes the whole session: it no longer passes as "empty and fine".
    db.exec(
      'DROP TRIGGER IF EXISTS event_log_append_only_update; DROP TRIGGER IF EXISTS event_log_append_only_delete;',
    );
    db.prepare('DELETE FROM event_log WHERE stream = ?').run(anchor.stream);
    db.prepare('DELETE FROM event_streams WHERE stream = ?').run(anchor.stream);
    db.close();
    expect(await hall.installer.fail('eventLog.verify', { stream: anchor.stream })).toMatchObject({
      code: 'eventLog.streamUnknown',
    });
  });
});

describe('a session deleted whole, found at the next start', () => {
  it('shows the store in error on the health board, naming why in Chinese', async () => {
    const dataDir = tempDir();
    const first = await bootTestCore({ dataDir });
    const clerk = await clerkOn(first.core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    await first.core.close();

    const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
    const db = openDatabase({ file: join(dataDir, 'db', 'tongban.db'), key: keys.databaseKey, backupDir: tempDir() });
    db.exec('DROP TRIGGER event_log_append_only_update; DROP TRIGGER event_log_append_only_delete;');
    db.prepare('DELETE FROM event_log WHERE stream = ?').run(`session:${draft.id}`);
    db.prepare('DELETE FROM event_streams WHERE stream = ?').run(`session:${draft.id}`);
    db.close();

    const second = await bootTestCore({ dataDir });
    const supervisor = await clerkOn(second.core);
    const { entries } = await supervisor.call<HealthSnapshot>('health.snapshot');
    const store = entries.find((e) => e.id === 'store')!;
    expect(store).toMatchObject({ state: 'error', reason: 'evidenceMissing' });
    expect(t(`health.reasons.${store.reason}` as MessageKey)).toBe('部分办件记录被删除，请立即报告督查人员');
  });
});

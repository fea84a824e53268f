// Sealing to delivered, end to end: a real hall core and a real department inbox on
// 127.0.0.1, the window enrolled by its installer, packets signed, uploaded over tus
// and committed — and the same bytes, by hash, on both sides.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DraftView, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { errorMessage } from '../../../src-main/common/i18n/index.ts';
import { completeSocialCardPatch, SOCIAL_CARD } from '../intake/fixtures.ts';
import { departmentCopy, Hall, startInbox, uniquePng, until } from './helpers.ts';
import type { EmbeddedInbox } from '../../../src-main/demo/embedded-inbox.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';

describe('sync: sealed packets reach the department', () => {
  it.each(['ed25519', 'sm2'] as const)('seals → delivered with equal hashes on both sides (%s)', async (scheme) => {
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url, scheme });
    await hall.enrolAt(inbox);
    await until(async () => {
      const { entries } = await hall.clerk.call<{ entries: Array<{ id: string; state: string }> }>('health.snapshot');
      return entries.find((e) => e.id === 'sync')?.state === 'ready';
    });

    const sealed = await hall.sealReceived({ idCardExtra: 300_000 });
    const delivered = await hall.reach(sealed.packetId, 'delivered');
    expect(delivered.sync).toMatchObject({ step: 'done', blocked: false, lastError: null });
    expect(delivered.sync!.departmentReference).toMatch(/^TB\d{8}\d{6}$/);
    expect(delivered.sync!.bytesSent).toBe(delivered.sync!.bytesTotal);

    const copy = await departmentCopy(inbox, sealed.packetId);
    expect(copy?.row.state).toBe('delivered');
    expect(copy?.row.manifest_hash).toBe(sealed.manifestHash);
    expect(copy?.files.length).toBeGreaterThanOrEqual(3); // two materials and the receipt (受理 is the department's)
    for (const digest of copy!.digests) expect(digest.sha256).toBe(digest.listed);

    // The queue heard every step, and progress on the way.
    const states = hall.events
      .filter((e) => e.name === 'packets.changed')
      .flatMap((e) => (e.payload as { packets: Array<{ state: string }> }).packets.map((p) => p.state));
    expect(states).toEqual(expect.arrayContaining(['uploading', 'submitted', 'delivered']));
    expect(hall.events.some((e) => e.name === 'sync.progress')).toBe(true);
    expect(hall.transitions(sealed.packetId)).toEqual(['sealed', 'uploading', 'submitted', 'delivered']);
  });
});

describe('sync: decisions come back', () => {
  it('applies decisions in order, once, with the cursor stored; a restart reads on from there', async () => {
    const { decide } = await import('../../../dept-inbox/src/admin.ts');
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);
    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');

    await decide(inbox.db, { packetId: sealed.packetId, decision: { kind: 'accept' }, decidedBy: '王审批' });
    await decide(inbox.db, {
      packetId: sealed.packetId,
      decision: { kind: 'approve', waybill: 'EA123456789CN' },
      decidedBy: '王审批',
    });
    const approved = await hall.reach(sealed.packetId, 'approved');
    expect(approved.sync?.decision).toMatchObject({ state: 'approved', waybill: 'EA123456789CN', decidedBy: '王审批' });
    expect(hall.transitions(sealed.packetId)).toEqual([
      'sealed',
      'uploading',
      'submitted',
      'delivered',
      'accepted',
      'approved',
    ]);

    const lastCursor = (await inbox.db.changesFor('W01', 0, 100)).at(-1)!.cursor;
    const stored = () => {
      const db = hall.openDb();
      const row = db
        .prepare<[], { cursor: number }>("SELECT cursor FROM sync_cursors WHERE department_id = 'demo-dept'")
        .get();
      const applied = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sync_changes').get()!.n;
      db.close();
      return { cursor: row?.cursor, applied };
    };
    expect(stored()).toEqual({ cursor: lastCursor, applied: 3 });

    await hall.restart();
    await decide(inbox.db, {
      packetId: sealed.packetId,
      decision: { kind: 'close', reason: '已邮寄' },
      decidedBy: '王审批',
    });
    const closed = await hall.reach(sealed.packetId, 'closed');
    expect(closed.reason).toBe('已邮寄');
    // Nothing applied twice across the restart.
    expect(hall.transitions(sealed.packetId)).toEqual([
      'sealed',
      'uploading',
      'submitted',
      'delivered',
      'accepted',
      'approved',
      'closed',
    ]);
    expect(stored().applied).toBe(4);
  });

  it('a department 补正 opens the supplement path; version 2 travels and is delivered', async () => {
    const { decide } = await import('../../../dept-inbox/src/admin.ts');
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);
    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');

    await decide(inbox.db, {
      packetId: sealed.packetId,
      decision: { kind: 'correction', items: ['户口簿首页', '近期免冠照片'], reason: '照片不清晰' },
      decidedBy: '王审批',
    });
    const asked = await hall.reach(sealed.packetId, 'correction_required');
    expect(asked.sync?.decision).toMatchObject({
      correctionItems: ['户口簿首页', '近期免冠照片'],
      reason: '照片不清晰',
    });

    const { draft, sealed: v2 } = await supplementWithPhoto(hall, sealed.packetId, '新照片.png', 3000);
    expect(draft.previous).toEqual({ packetId: sealed.packetId, version: 1 });
    expect(v2).toMatchObject({ packetId: sealed.packetId, version: 2, outcome: 'receive', state: 'sealed' });

    await hall.reach(sealed.packetId, 'delivered', 2);
    const copy = await departmentCopy(inbox, sealed.packetId, 2);
    expect(copy?.row).toMatchObject({ state: 'delivered', previous_version: 1, manifest_hash: v2.manifestHash });
    for (const digest of copy!.digests) expect(digest.sha256).toBe(digest.listed);
    // Version 1 is answered at the department by version 2.
    expect((await inbox.db.packet(sealed.packetId, 1))?.state).toBe('correction_required');
  });

  it('after a 补正 issued at the window, the resubmission is the department’s first sight of the packet', async () => {
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);
    const { v1 } = await correctionThenResubmission(hall);

    await hall.reach(v1.packetId, 'delivered', 2);
    expect(await inbox.db.packet(v1.packetId, 1)).toBeUndefined();
    const row = (await inbox.db.packet(v1.packetId, 2))!;
    expect(row.previous_version).toBeNull();
    expect(JSON.parse(row.manifest)).toMatchObject({ version: 2, windowCorrectionOf: 1 });
    expect(JSON.parse(row.manifest).previousVersion).toBeUndefined();
  });

  it('that resubmission is held with the reason when the department already holds another version', async () => {
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);
    await hall.installer.call('sync.pause');
    const { v1 } = await correctionThenResubmission(hall);
    // Version 1 reached the department all the same (sent by a restored copy of this window, say).
    const db = hall.openDb();
    const sealed = db
      .prepare<[string], { manifest: string; manifest_hash: string }>(
        'SELECT manifest, manifest_hash FROM packets WHERE packet_id = ? AND version = 1',
      )
      .get(v1.packetId)!;
    db.close();
    const at = Date.now();
    await inbox.db.insertPacket(
      {
        packet_id: v1.packetId,
        version: 1,
        previous_version: null,
        window_id: 'W01',
        item_code: SOCIAL_CARD,
        manifest_hash: sealed.manifest_hash,
        manifest: sealed.manifest,
        signature: '{}',
        state: 'receiving',
        registered_at: at,
        received_at: null,
        department_reference: null,
        updated_at: at,
        tracking_code: (JSON.parse(sealed.manifest) as { trackingCode?: string }).trackingCode ?? null,
      },
      [],
    );

    await hall.installer.call('sync.resume');
    const held = await hall.reach(v1.packetId, 'blocked', 2);
    expect(held.sync).toMatchObject({ blocked: true, lastError: { code: 'sync.correctionConflict' } });
    expect(held.sync!.lastError!.detail).toMatch(/409 packet\.windowCorrectionConflict/);
    const shown = errorMessage(held.sync!.lastError!.code, {
      ...held.sync!.lastError!.params,
      departmentId: held.sync!.departmentName!,
    });
    expect(shown).toContain('成都市人社局');
    expect(shown).toContain('已收到该件的其他版本');
    expect(await inbox.db.packet(v1.packetId, 2)).toBeUndefined();
    // Held for a person: no timer sends it again.
    await hall.core.sync.idle();
    hall.timers.advance(9 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await hall.packet(v1.packetId, 2)).state).toBe('blocked');
    expect(await inbox.db.packet(v1.packetId, 2)).toBeUndefined();
  });
});

/** Version 1 sealed as a 补正 at the window (photo missing, never sent), version 2 supplements it as 受理. */
async function correctionThenResubmission(hall: Hall): Promise<{ v1: SealedPacket; v2: SealedPacket }> {
  const draft = await hall.clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
  const patch = completeSocialCardPatch();
  await hall.clerk.call('drafts.save', {
    id: draft.id,
    patch: { ...patch, counts: { 'applicant-id-card': patch.counts['applicant-id-card'] } },
  });
  await addFileBytes(hall.clerk.call, {
    id: draft.id,
    materialId: 'applicant-id-card',
    name: '身份证.png',
    bytes: uniquePng(500),
  });
  const v1 = await hall.clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
  expect(v1).toMatchObject({ outcome: 'correction', state: 'correction_issued' });
  expect((await hall.packet(v1.packetId)).sync).toBeNull(); // never travels

  const { sealed: v2 } = await supplementWithPhoto(hall, v1.packetId, '照片.png', 600);
  expect(v2).toMatchObject({ version: 2, outcome: 'receive' });
  return { v1, v2 };
}

/** 补正续办: the next version of a packet with its counts and conditions complete and a new photo, sealed. */
async function supplementWithPhoto(
  hall: Hall,
  packetId: string,
  name: string,
  photoExtra: number,
): Promise<{ draft: DraftView; sealed: SealedPacket }> {
  const draft = await hall.clerk.call<DraftView>('drafts.supplement', { packetId });
  const patch = completeSocialCardPatch();
  await hall.clerk.call('drafts.save', {
    id: draft.id,
    patch: { counts: patch.counts, conditions: patch.conditions },
  });
  await addFileBytes(hall.clerk.call, { id: draft.id, materialId: 'photo', name, bytes: uniquePng(photoExtra) });
  return { draft, sealed: await hall.clerk.call<SealedPacket>('drafts.seal', { id: draft.id }) };
}

describe('sync: demo profile', () => {
  it('starts the reference inbox in-process, enrols the window itself, and keeps the token out of config and logs', async () => {
    const { decide } = await import('../../../dept-inbox/src/admin.ts');
    const hall = await Hall.open(); // no config.json: demo profile
    const embedded = hall.core.sync.embeddedInbox! as EmbeddedInbox;
    expect(embedded.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');
    const copy = await departmentCopy(embedded.inbox, sealed.packetId);
    for (const digest of copy!.digests) expect(digest.sha256).toBe(digest.listed);

    const info = await hall.installer.call<{ departments: Array<{ embedded: boolean; tokenSet: boolean }> }>(
      'sync.enrolment',
    );
    expect(info.departments[0]).toMatchObject({ embedded: true, tokenSet: true });
    expect(
      await hall.installer.fail('sync.setDepartmentToken', { departmentId: 'demo-dept', token: 'x'.repeat(20) }),
    ).toMatchObject({
      code: 'sync.departmentEmbedded',
    });

    const token = embedded.token;
    const port = embedded.port;
    await hall.restart();
    expect(existsSync(join(hall.dataDir, 'config.json'))).toBe(false);
    // The same enrolment and port after a restart: stored upload URLs keep working.
    expect(hall.core.sync.embeddedInbox!.token).toBe(token);
    expect(hall.core.sync.embeddedInbox!.port).toBe(port);
    await decide((hall.core.sync.embeddedInbox! as EmbeddedInbox).inbox.db, {
      packetId: sealed.packetId,
      decision: { kind: 'accept' },
      decidedBy: '演示审批',
    });
    await hall.reach(sealed.packetId, 'accepted');
    const logs = readdirSync(join(hall.dataDir, 'logs')).map((f) =>
      readFileSync(join(hall.dataDir, 'logs', f), 'utf8'),
    );
    expect([hall.log.text, ...logs].join('\n')).not.toContain(token);
  });
});

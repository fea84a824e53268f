// Retention of recordings: with the hall's clock moved past each kind's retention, a
// restart purges that kind's segments — their bytes and blob rows go, their events stay,
// each purge is an event on the session's chain and a line in the log — and a bundle made
// afterwards verifies intact, saying "purged under retention", never "missing". The
// recordings never travel to the department: a sealed packet's files are its documents.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChainVerification } from '../../../src-main/common/event-chain.ts';
import { demoConfig, HallConfig } from '../../../src-main/common/hall-config.ts';
import type { SealedPacket } from '../../../src-main/common/packets.ts';
import { EventLog } from '../../../src-main/recording/event-log.ts';
import { verdictLines } from '../../../src-main/recording/verdict-text.ts';
import { verifyBundle } from '../../../src-main/recording/verify-bundle.ts';
import { bufferAccess } from '../../../src-main/recording/zip-reader.ts';
import { isRecorded } from '../../../src-main/store/blob-records.ts';
import { bootTestCore, openCoreStore, tempDir, TestClock } from '../helpers.ts';
import { clerkOn, readyDraft } from '../intake/fixtures.ts';
import { readDownload, recordSession } from './bundle-fixtures.ts';

const DAY = 86_400_000;

describe('retention in the hall config', () => {
  it('keeps the event log at least six months, and at least as long as the segments', () => {
    const base = demoConfig();
    expect(base.retention).toEqual({ videoDays: 180, screenDays: 180, eventLogDays: 1095 });
    const withRetention = (retention: object) => HallConfig.safeParse({ ...base, retention });
    expect(withRetention({ videoDays: 30, screenDays: 90, eventLogDays: 183 }).success).toBe(true);
    expect(withRetention({ videoDays: 30, screenDays: 90, eventLogDays: 182 }).success).toBe(false);
    expect(withRetention({ videoDays: 400, screenDays: 90, eventLogDays: 365 }).success).toBe(false);
    expect(withRetention({ videoDays: 0 }).success).toBe(false);
  });
});

describe('the retention purge', () => {
  it('purges each kind past its days at start, keeps the events, and the bundle says purged', async () => {
    const dataDir = tempDir();
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify({ ...demoConfig(), retention: { videoDays: 30, screenDays: 90, eventLogDays: 365 } }),
    );
    const clock = new TestClock();
    let hall = await bootTestCore({ dataDir, clock });
    const clerk = await clerkOn(hall.core);
    const draftId = await readyDraft(clerk);
    const segments = await recordSession(dataDir, draftId, { camera: 2, screen: 2 }, clock);
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draftId });

    // Recordings are not packet files: nothing of them is in the manifest or the outbox.
    const { db, blobs } = openCoreStore(dataDir);
    const hashes = segments.map((s) => s.sha256);
    const manifest = db
      .prepare<[string], { manifest: string }>('SELECT manifest FROM packets WHERE packet_id = ?')
      .get(sealed.packetId)!.manifest;
    for (const hash of hashes) expect(manifest).not.toContain(hash);
    const outboxFiles = db.prepare<[], { sha256: string }>('SELECT sha256 FROM outbox_files').all();
    expect(outboxFiles.length).toBeGreaterThan(0);
    expect(outboxFiles.filter((f) => hashes.includes(f.sha256))).toEqual([]);
    await hall.core.close();

    const camera = segments.filter((s) => s.track === 'camera').map((s) => s.sha256);
    const screen = segments.filter((s) => s.track === 'screen').map((s) => s.sha256);
    const purgeEvents = () =>
      [...new EventLog(db, clock, Buffer.alloc(32)).read(`session:${draftId}`)].filter(
        (e) => e.kind === 'recording.purged',
      );

    // 29 days on: nothing is due.
    clock.advance(29 * DAY);
    hall = await bootTestCore({ dataDir, clock });
    await hall.core.close();
    expect(purgeEvents()).toEqual([]);
    expect(hashes.every((h) => blobs.has(h))).toBe(true);

    // 31 days on: the video goes, the screen stays; the events name what went and why.
    clock.advance(2 * DAY);
    hall = await bootTestCore({ dataDir, clock });
    expect(camera.map((h) => blobs.has(h) || isRecorded(db, h))).toEqual([false, false]);
    expect(screen.map((h) => blobs.has(h) && isRecorded(db, h))).toEqual([true, true]);
    expect(purgeEvents().map((e) => [e.actor, e.payload['track'], e.payload['index'], e.payload['reason']])).toEqual([
      ['system', 'camera', 0, 'retention'],
      ['system', 'camera', 1, 'retention'],
    ]);
    expect(purgeEvents()[0]!.payload).toMatchObject({ sha256: camera[0], retentionDays: 30 });
    expect(hall.log.text).toContain('recordings purged under retention');
    expect(hall.log.text).not.toContain('blob integrity');

    const supervisor = await clerkOn(hall.core, 'lead01', 'supervisor');
    expect(await supervisor.call<ChainVerification>('eventLog.verify', { stream: `session:${draftId}` })).toMatchObject(
      {
        ok: true,
      },
    );
    const opened = await supervisor.call<{ downloadId: string }>('recording.exportBundle', { draftId });
    const verdict = await verifyBundle(bufferAccess(await readDownload(supervisor.raw, opened.downloadId)));
    expect(verdict.status).toBe('intact');
    expect(verdict.findings.map((f) => [f.code, f.severity, f.params['path']])).toEqual([
      ['segment.purged', 'note', 'segments/camera/000000.webm'],
      ['segment.purged', 'note', 'segments/camera/000001.webm'],
    ]);
    expect(verdictLines(verdict, 'zh').join('\n')).toContain('已按保存期限清除');
    expect(verdictLines(verdict, 'en').join('\n')).toContain('purged under retention');
    await hall.core.close();

    // Again at the same time: nothing twice. Then past 90 days the screen goes too.
    hall = await bootTestCore({ dataDir, clock });
    await hall.core.close();
    expect(purgeEvents()).toHaveLength(2);
    clock.advance(60 * DAY);
    hall = await bootTestCore({ dataDir, clock });
    expect(hall.log.text).toContain('recordings purged under retention');
    expect(purgeEvents().map((e) => e.payload['track'])).toEqual(['camera', 'camera', 'screen', 'screen']);
    expect(hashes.some((h) => blobs.has(h))).toBe(false);
    // The packet's own documents are untouched by a recording's retention.
    const files = db.prepare<[], { sha256: string }>('SELECT sha256 FROM packet_files').all();
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => blobs.has(f.sha256))).toBe(true);
  });
});

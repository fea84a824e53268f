// The counter session's recording in the core: segments handed over through the contract
// (chunked uploads, then `recording.segment`) land as blobs and as `recording.segment`
// events with the core's own SHA-256 and the spans sent, indexes running on per track
// over the stream (across a restart), repeats stored once, a wrong hash refused, gaps
// logged and shown on the health board, and the segments kept by the store's clean-up at
// the next start. Real core, real encrypted SQLite file and blob store.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DraftView } from '../../../src-main/api/contract/index.ts';
import {
  RECORDING_GAP,
  RECORDING_SEGMENT,
  RECORDING_STARTED,
  RECORDING_STOPPED,
  RecordingSegmentPayload,
} from '../../../src-main/common/recording.ts';
import { EventLog, type LoggedEvent } from '../../../src-main/recording/event-log.ts';
import { checkBlobIntegrity } from '../../../src-main/store/integrity.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import { bootTestCore, openCoreStore, TestClock } from '../helpers.ts';
import { clerkOn, readyDraft, SOCIAL_CARD } from '../intake/fixtures.ts';
import { readFileSync } from 'node:fs';
import { sendSegment, VIDEO } from './recording-fixtures.ts';
import { join } from 'node:path';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function sessionEvents(dataDir: string, draftId: string): LoggedEvent[] {
  const { db } = openCoreStore(dataDir);
  const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
  const log = new EventLog(db, new TestClock(), keys.evidenceKey);
  return [...log.read(`session:${draftId}`)];
}

describe('recording a counter session', () => {
  it('stores segments as blobs and logs them in the session chain, with a gap, across a seal and a restart', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draftId = await readyDraft(clerk);

    // Nothing is taken before recording starts.
    expect(await clerk.fail('uploads.begin', { purpose: 'recording', draftId, name: 'x', size: 10 })).toMatchObject({
      code: 'recording.notStarted',
    });

    await clerk.call('recording.start', {
      draftId,
      segmentMs: 4000,
      camera: { mediaType: VIDEO, width: 1280, height: 720 },
      screen: true,
    });
    const health = await clerk.call<{ entries: Array<{ id: string; state: string; reason?: string }> }>(
      'health.snapshot',
    );
    expect(health.entries.find((e) => e.id === 'device.counterCamera')).toMatchObject({
      state: 'busy',
      reason: 'recording',
    });

    const t0 = Date.UTC(2026, 11, 6, 2, 0, 0);
    const camera = [0, 1, 2].map(() => randomBytes(50_000 + Math.floor(Math.random() * 1000)));
    const answers = [];
    for (const [i, bytes] of camera.entries()) {
      answers.push(
        await sendSegment(clerk, draftId, {
          track: 'camera',
          bytes,
          startMs: t0 + i * 4000,
          endMs: t0 + (i + 1) * 4000 + 30,
        }),
      );
    }
    expect(answers.map((a) => a.ok && a.value)).toEqual(
      camera.map((bytes, index) => ({ track: 'camera', index, sha256: sha256(bytes), bytes: bytes.byteLength })),
    );
    const screen = Buffer.from(JSON.stringify([{ type: 4, data: { href: 'app://x' }, timestamp: t0 }]), 'utf8');
    expect(
      await sendSegment(clerk, draftId, {
        track: 'screen',
        bytes: screen,
        startMs: t0,
        endMs: t0 + 4000,
        sha256: sha256(screen),
      }),
    ).toMatchObject({
      ok: true,
      value: { track: 'screen', index: 0, sha256: sha256(screen) },
    });

    // A repeat (the answer was lost) is answered again, stored and logged once.
    const repeatId = randomUUID();
    const fourth = randomBytes(20_000);
    const first = await sendSegment(clerk, draftId, {
      track: 'camera',
      bytes: fourth,
      startMs: t0 + 12_000,
      endMs: t0 + 16_000,
      segmentId: repeatId,
    });
    const again = await sendSegment(clerk, draftId, {
      track: 'camera',
      bytes: fourth,
      startMs: t0 + 12_000,
      endMs: t0 + 16_000,
      segmentId: repeatId,
    });
    expect(again).toEqual({ ...first, id: again.id });
    expect(first).toMatchObject({ ok: true, value: { index: 3 } });

    // The window's hash is checked against what arrived: refused, nothing stored.
    const damaged = randomBytes(10_000);
    const refused = await sendSegment(clerk, draftId, {
      track: 'camera',
      bytes: damaged,
      startMs: t0 + 16_000,
      endMs: t0 + 20_000,
      sha256: sha256(randomBytes(8)),
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'recording.hashMismatch' } });
    const { blobs } = openCoreStore(dataDir);
    expect(blobs.has(sha256(damaged))).toBe(false);

    // The camera fails: a gap, shown on the health board; recording goes on.
    await clerk.call('recording.gap', {
      draftId,
      track: 'camera',
      fromMs: t0 + 16_000,
      toMs: null,
      reason: 'cameraEnded',
    });
    const failed = await clerk.call<{ entries: Array<{ id: string; state: string; reason?: string }> }>(
      'health.snapshot',
    );
    expect(failed.entries.find((e) => e.id === 'device.counterCamera')).toMatchObject({
      state: 'error',
      reason: 'cameraEnded',
    });

    // Sealed: the recording takes the last segments until it is stopped.
    await clerk.call('drafts.seal', { id: draftId });
    const afterSeal = randomBytes(30_000);
    expect(
      await sendSegment(clerk, draftId, {
        track: 'camera',
        bytes: afterSeal,
        startMs: t0 + 30_000,
        endMs: t0 + 34_000,
      }),
    ).toMatchObject({
      ok: true,
      value: { index: 4 },
    });
    await clerk.call('recording.stop', { draftId, reason: 'sealed' });
    expect(await clerk.fail('uploads.begin', { purpose: 'recording', draftId, name: 'x', size: 10 })).toMatchObject({
      code: 'recording.notStarted',
    });

    await core.close();

    const events = sessionEvents(dataDir, draftId);
    const recording = events.filter((e) => e.kind.startsWith('recording.'));
    expect(recording.map((e) => e.kind)).toEqual([
      RECORDING_STARTED,
      ...Array(4).fill(RECORDING_SEGMENT),
      RECORDING_SEGMENT,
      RECORDING_GAP,
      RECORDING_SEGMENT,
      RECORDING_STOPPED,
    ]);
    expect(recording[0]!.payload).toEqual({
      segmentMs: 4000,
      camera: { mediaType: VIDEO, width: 1280, height: 720 },
      screen: true,
    });
    const segments = recording
      .filter((e) => e.kind === RECORDING_SEGMENT)
      .map((e) => RecordingSegmentPayload.parse(e.payload));
    expect(segments.map((s) => [s.track, s.index])).toEqual([
      ['camera', 0],
      ['camera', 1],
      ['camera', 2],
      ['screen', 0],
      ['camera', 3],
      ['camera', 4],
    ]);
    expect(segments[1]).toEqual({
      track: 'camera',
      index: 1,
      sha256: sha256(camera[1]!),
      bytes: camera[1]!.byteLength,
      mediaType: VIDEO,
      startMs: t0 + 4000,
      endMs: t0 + 8030,
    });
    expect(recording.find((e) => e.kind === RECORDING_GAP)!.payload).toEqual({
      track: 'camera',
      fromMs: t0 + 16_000,
      toMs: null,
      reason: 'cameraEnded',
    });
    expect(recording.at(-1)!.payload).toEqual({ reason: 'sealed' });
    // The seal lies between: the recording's events are links of the session's one chain.
    expect(events.findIndex((e) => e.kind === 'intake.sealed')).toBeGreaterThan(events.indexOf(recording[6]!));

    // The next start's clean-up keeps every segment: each is a recorded blob, whole.
    const restarted = await bootTestCore({ dataDir });
    const store = openCoreStore(dataDir);
    expect(checkBlobIntegrity(store.db, store.blobs, { repair: true })).toMatchObject({ missing: [], orphaned: [] });
    for (const segment of segments) {
      const bytes = await store.blobs.read(segment.sha256);
      expect(sha256(bytes)).toBe(segment.sha256);
      expect(bytes.byteLength).toBe(segment.bytes);
    }
    expect(Buffer.from(await store.blobs.read(segments[3]!.sha256)).equals(screen)).toBe(true);
    const verifier = await clerkOn(restarted.core, 'super01', 'supervisor');
    expect(await verifier.call('eventLog.verify', { stream: `session:${draftId}` })).toMatchObject({ ok: true });
  }, 60_000);

  it('goes on with the next index after the core restarted, and refuses what is no open draft of the clerk', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const start = { draftId: draft.id, segmentMs: 4000, camera: null, screen: true };
    await clerk.call('recording.start', start);
    const t0 = Date.UTC(2026, 11, 6, 3, 0, 0);
    await sendSegment(clerk, draft.id, { track: 'screen', bytes: Buffer.from('[1]'), startMs: t0, endMs: t0 + 4000 });
    // A span that ends before it starts is no segment.
    expect(
      await sendSegment(clerk, draft.id, { track: 'screen', bytes: Buffer.from('[2]'), startMs: t0 + 4000, endMs: t0 }),
    ).toMatchObject({ ok: false, error: { code: 'recording.badSpan' } });
    await core.close();

    const restarted = await bootTestCore({ dataDir });
    const again = await clerkOn(restarted.core);
    // The new core knows of no recording: the window starts it again.
    expect(
      await again.fail('uploads.begin', { purpose: 'recording', draftId: draft.id, name: 'x', size: 3 }),
    ).toMatchObject({
      code: 'recording.notStarted',
    });
    await again.call('recording.start', start);
    expect(
      await sendSegment(again, draft.id, {
        track: 'screen',
        bytes: Buffer.from('[3]'),
        startMs: t0 + 60_000,
        endMs: t0 + 64_000,
      }),
    ).toMatchObject({ ok: true, value: { track: 'screen', index: 1 } });

    // Another clerk's draft is not this clerk's to record.
    const other = await clerkOn(restarted.core, 'clerk02');
    expect(await other.fail('recording.start', start)).toMatchObject({ code: 'intake.draftNotFound' });
    expect(
      await other.fail('uploads.begin', { purpose: 'recording', draftId: draft.id, name: 'x', size: 3 }),
    ).toMatchObject({
      code: 'recording.notStarted',
    });
    // A recording's segment holds no seal back; a recording upload is no material.
    const { uploadId } = await again.call<{ uploadId: string }>('uploads.begin', {
      purpose: 'recording',
      draftId: draft.id,
      name: 'x',
      size: 3,
    });
    await again.call('uploads.chunk', { uploadId, offset: 0, bytes: Buffer.from('[4]') });
    expect(await again.fail('drafts.addFile', { id: draft.id, materialId: 'photo', uploadId })).toMatchObject({
      code: 'request.invalidInput',
    });
    await again.call('recording.stop', { draftId: draft.id, reason: 'left' });
    await restarted.core.close();
    const kinds = sessionEvents(dataDir, draft.id)
      .map((e) => e.kind)
      .filter((k) => k.startsWith('recording.'));
    expect(kinds).toEqual([
      RECORDING_STARTED,
      RECORDING_SEGMENT,
      RECORDING_STOPPED,
      RECORDING_STARTED,
      RECORDING_SEGMENT,
      RECORDING_STOPPED,
    ]);
  }, 60_000);

  it('is not the clerk’s activity: a session sending segments still locks when the clerk is idle', async () => {
    const { core, clock } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    await clerk.call('recording.start', { draftId: draft.id, segmentMs: 4000, camera: null, screen: true });
    // Nine and a half minutes of segments, every 30 s here, without a keystroke.
    for (let i = 0; i < 19; i++) {
      clock.advance(30_000);
      expect(
        await sendSegment(clerk, draft.id, {
          track: 'screen',
          bytes: Buffer.from(`[${i}]`),
          startMs: clock.wall - 30_000,
          endMs: clock.wall,
        }),
      ).toMatchObject({ ok: true });
    }
    clock.advance(31_000);
    // Ten minutes (the default idle lock) since the clerk last did anything.
    expect(await clerk.fail('drafts.get', { id: draft.id })).toMatchObject({ code: 'auth.locked' });
  }, 60_000);
});

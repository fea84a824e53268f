// The supervisor's player reads a recorded session through the real core: the timeline
// of its segments as the session's log names them, a segment's bytes in chunks exactly
// as the window sent them, and the check of every stored segment against its event —
// which names a segment whose file was swapped for another's and one whose file is gone,
// and nothing else. A clerk may do none of it. Real core, real encrypted store.
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SegmentProblem, TimelineSegment } from '../../../src-main/api/contract/index.ts';
import { DOWNLOAD_CHUNK_BYTES } from '../../../src-main/api/contract/recording.ts';
import { bootTestCore, openCoreStore } from '../helpers.ts';
import { clerkOn, readyDraft } from '../intake/fixtures.ts';
import { sendSegment, VIDEO, type Clerk } from './recording-fixtures.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const T0 = Date.UTC(2026, 11, 6, 2, 0, 0);

async function recordedSession() {
  const booted = await bootTestCore();
  const clerk = await clerkOn(booted.core);
  const supervisor = await clerkOn(booted.core, 'super01', 'supervisor');
  const draftId = await readyDraft(clerk);
  await clerk.call('recording.start', {
    draftId,
    segmentMs: 4000,
    camera: { mediaType: VIDEO, width: 1280, height: 720 },
    screen: true,
  });
  // One camera segment larger than a chunk, so the player reads it in pieces.
  const camera = [randomBytes(DOWNLOAD_CHUNK_BYTES + 123_457), randomBytes(40_000), randomBytes(41_000)];
  const screen = [0, 1, 2].map((i) =>
    Buffer.from(JSON.stringify([{ type: 3, data: { source: 2 }, timestamp: T0 + i * 4000 }])),
  );
  for (const [i, bytes] of camera.entries()) {
    await sendSegment(clerk, draftId, { track: 'camera', bytes, startMs: T0 + i * 4000, endMs: T0 + (i + 1) * 4000 });
    await sendSegment(clerk, draftId, {
      track: 'screen',
      bytes: screen[i]!,
      startMs: T0 + i * 4000,
      endMs: T0 + (i + 1) * 4000,
    });
  }
  return { ...booted, clerk, supervisor, draftId, camera, screen };
}

async function readSegment(supervisor: Clerk, draftId: string, track: 'camera' | 'screen', index: number) {
  const pieces: Uint8Array[] = [];
  for (let offset = 0; ;) {
    const chunk = await supervisor.call<{ bytes: Uint8Array; done: boolean }>('sessions.segment', {
      draftId,
      track,
      index,
      offset,
    });
    pieces.push(chunk.bytes);
    offset += chunk.bytes.byteLength;
    if (chunk.done) return { bytes: Buffer.concat(pieces), calls: pieces.length };
  }
}

async function checkAll(supervisor: Clerk, draftId: string) {
  const problems: SegmentProblem[] = [];
  let from: number | null = 0;
  let total = 0;
  while (from !== null) {
    const slice: { next: number | null; total: number; problems: SegmentProblem[] } = await supervisor.call(
      'sessions.checkSegments',
      { draftId, from },
    );
    problems.push(...slice.problems);
    total = slice.total;
    from = slice.next;
  }
  return { problems, total };
}

describe("the supervisor's player reads a recorded session", () => {
  it('lists the segments in order and hands each one over, in chunks, as the window sent it', async () => {
    const { supervisor, clerk, draftId, camera, screen } = await recordedSession();
    const { segments } = await supervisor.call<{ segments: TimelineSegment[] }>('sessions.timeline', { draftId });
    expect(segments.map((s) => `${s.track}/${s.index}`)).toEqual([
      'camera/0',
      'screen/0',
      'camera/1',
      'screen/1',
      'camera/2',
      'screen/2',
    ]);
    expect(segments[0]).toEqual({
      track: 'camera',
      index: 0,
      bytes: camera[0]!.byteLength,
      mediaType: VIDEO,
      startMs: T0,
      endMs: T0 + 4000,
      state: 'held',
    });

    const big = await readSegment(supervisor, draftId, 'camera', 0);
    expect(big.calls).toBe(2);
    expect(big.bytes.equals(camera[0]!)).toBe(true);
    expect((await readSegment(supervisor, draftId, 'screen', 2)).bytes.equals(screen[2]!)).toBe(true);

    // A segment the log does not name is none of the player's.
    expect(await supervisor.fail('sessions.segment', { draftId, track: 'camera', index: 9, offset: 0 })).toMatchObject({
      code: 'supervision.segmentNotFound',
    });
    // Segments added later are on the next timeline (the cached one grows with the stream).
    await sendSegment(clerk, draftId, {
      track: 'camera',
      bytes: randomBytes(30_000),
      startMs: T0 + 12_000,
      endMs: T0 + 16_000,
    });
    const later = await supervisor.call<{ segments: TimelineSegment[] }>('sessions.timeline', { draftId });
    expect(later.segments.at(-1)).toMatchObject({ track: 'camera', index: 3 });
    // The clerk who recorded it cannot replay it.
    expect(await clerk.fail('sessions.timeline', { draftId })).toMatchObject({ code: 'auth.forbidden' });
    expect(await clerk.fail('sessions.segment', { draftId, track: 'camera', index: 0, offset: 0 })).toMatchObject({
      code: 'auth.forbidden',
    });
  });

  it('checks every stored segment against its event: a swapped file is altered, a removed one missing', async () => {
    const { supervisor, draftId, camera, dataDir } = await recordedSession();
    expect(await checkAll(supervisor, draftId)).toEqual({ problems: [], total: 6 });

    // Behind the app's back: camera 1's file replaced by camera 2's, camera 0's removed.
    const { blobs } = openCoreStore(dataDir);
    copyFileSync(blobs.filePath(sha256(camera[2]!)), blobs.filePath(sha256(camera[1]!)));
    rmSync(blobs.filePath(sha256(camera[0]!)));

    const { problems } = await checkAll(supervisor, draftId);
    expect(problems).toEqual([
      { track: 'camera', index: 0, problem: 'missing' },
      { track: 'camera', index: 1, problem: 'altered' },
    ]);
    const { segments } = await supervisor.call<{ segments: TimelineSegment[] }>('sessions.timeline', { draftId });
    expect(segments.filter((s) => s.state === 'missing').map((s) => s.index)).toEqual([0]);
    // The player says so instead of playing what is not the session's.
    expect(await supervisor.fail('sessions.segment', { draftId, track: 'camera', index: 0, offset: 0 })).toMatchObject({
      code: 'store.blobMissing',
    });
  });
});

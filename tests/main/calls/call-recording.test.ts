// A recorded session with a 视频会商 call in it, from the supervisor's side: the call's two
// tracks (`callSent`, `callReceived`) beside the camera in the player's timeline, the call
// a chapter, and the evidence bundle exported with every track's segments and verified —
// by the verifier's code and by `npm run verify-bundle`'s CLI.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { UPLOAD_CHUNK_BYTES } from '../../../src-main/api/contract/index.ts';
import type { RecordingTrack } from '../../../src-main/common/recording.ts';
import { verifyBundle } from '../../../src-main/recording/verify-bundle.ts';
import { bufferAccess } from '../../../src-main/recording/zip-reader.ts';
import { client, STRONG } from '../intake/fixtures.ts';
import { cameraBytes, readDownload } from '../recording/bundle-fixtures.ts';
import { Hall, startInbox, tempDir } from '../sync/helpers.ts';
import { changedTo, consoleApi, openDraft, session, signInApprover } from './helpers.ts';

const VIDEO = 'video/webm;codecs=vp8,opus';

async function sendSegment(hall: Hall, draftId: string, track: RecordingTrack, index: number, atMs: number) {
  const bytes = cameraBytes(index + (track === 'camera' ? 0 : track === 'callSent' ? 100 : 200), 30_000);
  const { uploadId } = await hall.clerk.call<{ uploadId: string }>('uploads.begin', {
    purpose: 'recording',
    draftId,
    name: `${track}.seg`,
    size: bytes.byteLength,
  });
  for (let offset = 0; offset < bytes.byteLength; offset += UPLOAD_CHUNK_BYTES) {
    await hall.clerk.call('uploads.chunk', {
      uploadId,
      offset,
      bytes: bytes.subarray(offset, offset + UPLOAD_CHUNK_BYTES),
    });
  }
  return hall.clerk.call<{ track: string; index: number }>('recording.segment', {
    draftId,
    uploadId,
    segmentId: randomUUID(),
    track,
    mediaType: VIDEO,
    startMs: atMs,
    endMs: atMs + 4000,
  });
}

describe('a recorded session with a call', () => {
  it('shows the call tracks and chapter to the supervisor and exports a bundle that verifies', async () => {
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);
    const draftId = await openDraft(hall);
    const t0 = hall.clock.now();
    await hall.clerk.call('recording.start', {
      draftId,
      segmentMs: 4000,
      camera: { mediaType: VIDEO, width: 1280, height: 720 },
      screen: false,
    });
    await sendSegment(hall, draftId, 'camera', 0, t0);

    const callId = randomUUID();
    await hall.clerk.call('calls.place', { callId, draftId });
    const wang = await signInApprover(inbox, '王审批');
    await consoleApi(inbox, wang, 'POST', `${callId}/answer`, {});
    const active = await changedTo(hall, callId, 'active');
    await hall.clerk.call('calls.record', { callId, entry: { kind: 'connected', approver: active.call.approver } });
    // What the window sent and what came back, recorded as the call runs.
    expect(await sendSegment(hall, draftId, 'callSent', 0, t0 + 4000)).toMatchObject({ track: 'callSent', index: 0 });
    expect(await sendSegment(hall, draftId, 'callReceived', 0, t0 + 4000)).toMatchObject({
      track: 'callReceived',
      index: 0,
    });
    await sendSegment(hall, draftId, 'callSent', 1, t0 + 8000);
    await sendSegment(hall, draftId, 'callReceived', 1, t0 + 8000);
    await sendSegment(hall, draftId, 'camera', 1, t0 + 4000);
    await hall.clerk.call('calls.end', { callId, reason: 'hangup' });
    await hall.clerk.call('recording.stop', { draftId, reason: 'left' });
    expect(session(hall, draftId).verified.ok).toBe(true);

    await hall.installer.call('users.create', {
      username: 'lead01',
      displayName: '刘督查',
      role: 'supervisor',
      password: STRONG,
    });
    const supervisor = client(hall.core.openConnection(() => undefined));
    await supervisor.call('auth.login', { username: 'lead01', password: STRONG });

    // The player: each track's segments, the call's among them, all held and intact.
    const { segments } = await supervisor.call<{ segments: Array<{ track: string; index: number; state: string }> }>(
      'sessions.timeline',
      { draftId },
    );
    expect(segments.map((s) => `${s.track}/${s.index}`).sort()).toEqual(
      ['camera/0', 'camera/1', 'callSent/0', 'callSent/1', 'callReceived/0', 'callReceived/1'].sort(),
    );
    const checked = await supervisor.call<{ next: number | null; problems: unknown[] }>('sessions.checkSegments', {
      draftId,
      from: 0,
    });
    expect(checked.problems).toEqual([]);
    const received = await supervisor.call<{ bytes: Uint8Array }>('sessions.segment', {
      draftId,
      track: 'callReceived',
      index: 1,
      offset: 0,
    });
    expect(received.bytes.byteLength).toBeGreaterThan(0);
    // The call is a chapter, named by its approver.
    const detail = await supervisor.call<{ chapters: Array<{ kind: string; subject?: string }> }>('sessions.get', {
      draftId,
    });
    expect(detail.chapters).toContainEqual(expect.objectContaining({ kind: 'call', subject: '王审批' }));

    // The evidence bundle: every track's files, and it verifies.
    const opened = await supervisor.call<{ downloadId: string }>('recording.exportBundle', { draftId });
    const bundle = await readDownload(supervisor.raw, opened.downloadId);
    const names = Object.keys(unzipSync(bundle));
    expect(names).toEqual(
      expect.arrayContaining([
        'segments/camera/000000.webm',
        'segments/callSent/000000.webm',
        'segments/callSent/000001.webm',
        'segments/callReceived/000000.webm',
        'segments/callReceived/000001.webm',
      ]),
    );
    const verdict = await verifyBundle(bufferAccess(bundle));
    expect(verdict.findings.filter((f) => f.severity !== 'note')).toEqual([]);
    expect(verdict.status).toBe('intact');

    const file = join(tempDir(), 'evidence.zip');
    writeFileSync(file, bundle);
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/recording/verify-bundle-cli.ts', file], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(cli.status, cli.stdout + cli.stderr).toBe(0);
  });
});

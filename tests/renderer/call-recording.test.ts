// A 视频会商 call's two tracks in the session recording: what the window sends and what
// it receives go into the same queue as the camera's segments (uploaded, then
// `recording.segment` with their track), a new stream replaces the one recorded, a
// recorder that fails mid-call is a gap with both ends on that track only, and the
// session's stop stops the call's tracks. MediaRecorder is played (jsdom has none);
// the queue, the uploads and the calls to the core are the real SessionRecording's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../src-renderer/api/client.ts';
import { SessionRecording } from '../../src-renderer/recording/session-recording.ts';
import { installMediaStream, track } from './fake-media.ts';

/** Streams whose recorder refuses to start (a track gone). */
const broken = new WeakSet<object>();

class FakeRecorder {
  static isTypeSupported = () => true;
  state: 'inactive' | 'recording' = 'inactive';
  ondataavailable: ((event: { data: Blob }) => void) | null = null;
  onstop: (() => void) | null = null;
  onstart: (() => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(
    readonly stream: MediaStream,
    readonly options: { mimeType: string },
  ) {}
  get mimeType() {
    return this.options.mimeType;
  }
  start() {
    if (broken.has(this.stream)) throw new Error('the track has ended');
    this.state = 'recording';
    setTimeout(() => this.onstart?.(), 0);
  }
  stop() {
    this.state = 'inactive';
    setTimeout(() => {
      this.ondataavailable?.({ data: new Blob([new Uint8Array([1, 2, 3])], { type: 'video/webm' }) });
      this.onstop?.();
    }, 0);
  }
}

/** The core's side of recording as a list of what was asked; every call is answered as the core would. */
function recordingCore() {
  const calls: Array<{ method: string; input: Record<string, unknown> }> = [];
  let uploads = 0;
  const api = {
    call: async (method: string, input: Record<string, unknown>) => {
      calls.push({ method, input });
      if (method === 'uploads.begin') return { uploadId: `upload-${++uploads}`, chunkBytes: 1024, maxBytes: 1 << 20 };
      if (method === 'uploads.chunk') {
        const bytes = input['bytes'] as Uint8Array;
        return { received: (input['offset'] as number) + bytes.byteLength, complete: true };
      }
      if (method === 'recording.segment') return { track: input['track'], index: 0, sha256: '0'.repeat(64), bytes: 3 };
      return {};
    },
    on: () => () => {},
    onFailure: () => () => {},
    onConnection: () => () => {},
  } as unknown as ApiClient;
  return { api, calls };
}

const original = (globalThis as { MediaRecorder?: unknown }).MediaRecorder;
beforeAll(() => {
  installMediaStream();
  (globalThis as { MediaRecorder?: unknown }).MediaRecorder = FakeRecorder;
});
afterAll(() => {
  (globalThis as { MediaRecorder?: unknown }).MediaRecorder = original;
});

const settle = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

function session() {
  const core = recordingCore();
  let clock = 1_800_000_000_000;
  const recording = new SessionRecording({
    api: core.api,
    draftId: '0190a1b2-c3d4-4e5f-8a9b-0c1d2e3f4a5b',
    segmentMs: 60_000,
    sensitive: () => [],
    onStatus: () => {},
    now: () => (clock += 100),
  });
  return { ...core, recording };
}

describe('a call in the session recording', () => {
  it('sends each call track’s segments with their track, a replaced stream as a new segment', async () => {
    const { calls, recording } = session();
    const sent = recording.recordCall('callSent', new MediaStream([track('audio', 'mic'), track('video', 'cam')]));
    const received = recording.recordCall('callReceived', new MediaStream([track('video', 'remote')]));
    await settle();
    await sent.replace(new MediaStream([track('audio', 'mic'), track('video', '高拍仪')]));
    await sent.stop();
    await received.stop();
    await settle(50);
    const segments = calls.filter((c) => c.method === 'recording.segment').map((c) => c.input['track']);
    expect(segments.sort()).toEqual(['callReceived', 'callSent', 'callSent']);
    expect(calls.filter((c) => c.method === 'recording.gap')).toEqual([]);
    expect(calls.find((c) => c.method === 'uploads.begin')?.input).toMatchObject({ purpose: 'recording' });
  });

  it('logs a recorder that fails mid-call as a gap with both ends, on that track only', async () => {
    const { calls, recording } = session();
    const stream = new MediaStream([track('video', 'remote')]);
    broken.add(stream);
    const received = recording.recordCall('callReceived', stream);
    await settle();
    expect(calls.filter((c) => c.method === 'recording.gap')).toEqual([]);
    // The approver's next track records again: the gap closes there.
    await received.replace(new MediaStream([track('video', 'remote again')]));
    await received.stop();
    await settle(50);
    const gaps = calls.filter((c) => c.method === 'recording.gap').map((c) => c.input);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ track: 'callReceived', reason: 'recorderError' });
    expect(gaps[0]!['toMs']).toBeGreaterThan(gaps[0]!['fromMs'] as number);
  });

  it('stops the call’s tracks with the session, and records none after', async () => {
    const { calls, recording } = session();
    recording.recordCall('callSent', new MediaStream([track('audio', 'mic')]));
    await settle();
    await recording.stop('left');
    const late = recording.recordCall('callReceived', new MediaStream([track('video', 'remote')]));
    await late.stop();
    await settle(50);
    expect(calls.filter((c) => c.method === 'recording.segment').map((c) => c.input['track'])).toEqual(['callSent']);
    expect(calls.at(-1)?.method).toBe('recording.stop');
  });
});

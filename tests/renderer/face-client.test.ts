// The clerk's screen's handle on the face worker (face-client.ts), with the worker stood in
// for by a scripted one (the real worker runs in Chromium: tests/e2e/face-worker.spec.ts):
// answers matched by id whatever their order, a card photo without a face told apart from
// one that cannot be decoded, the caller's bytes left alone, a frame closed even when no
// worker takes it, and a worker that cannot start or dies turning every request into
// modelsUnavailable (the visual path) instead of a wait.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FACE_THRESHOLDS, judge } from '../../src-main/common/face.ts';
import {
  faceAssetLocations,
  FaceMatcherClient,
  FaceMatcherError,
} from '../../src-renderer/devices/face/face-client.ts';
import type { FaceReply, FaceRequest } from '../../src-renderer/devices/face/protocol.ts';

/** The browser's Worker as far as the client sees it; `answer` replies to a request it was sent. */
class ScriptedWorker {
  onmessage: ((event: MessageEvent<FaceReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  readonly seen: { request: FaceRequest; transfer: Transferable[] }[] = [];
  postMessage(request: FaceRequest, transfer: Transferable[] = []): void {
    this.seen.push({ request, transfer });
  }
  answer(reply: FaceReply): void {
    this.onmessage?.({ data: reply } as MessageEvent<FaceReply>);
  }
  crash(message: string): void {
    this.onerror?.({ message, preventDefault: () => undefined } as ErrorEvent);
  }
  terminate(): void {}
}

function bitmap(): ImageBitmap & { closed: boolean } {
  const frame = { closed: false, width: 4, height: 4, close: () => (frame.closed = true) };
  return frame as unknown as ImageBitmap & { closed: boolean };
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the face client', () => {
  it('finds the models and the wasm beside index.html', () => {
    expect(faceAssetLocations('app://renderer/index.html')).toEqual({
      modelBasePath: 'app://renderer/face/models/',
      wasmPath: 'app://renderer/face/wasm/',
    });
    expect(faceAssetLocations('http://127.0.0.1:4000/#code=x').modelBasePath).toBe(
      'http://127.0.0.1:4000/face/models/',
    );
  });

  it('matches answers to requests by id, and hands the frame over', async () => {
    const worker = new ScriptedWorker();
    const client = new FaceMatcherClient(() => worker as unknown as Worker);
    const load = client.load(faceAssetLocations('http://127.0.0.1:1/'));
    const frame = bitmap();
    const match = client.matchFrame(frame, DEFAULT_FACE_THRESHOLDS);
    const [loadRequest, matchRequest] = worker.seen;
    expect(matchRequest!.transfer).toEqual([frame]);
    const comparison = judge(0.8, 0.9, 0.9, 1, DEFAULT_FACE_THRESHOLDS);
    worker.answer({ id: matchRequest!.request.id, ok: true, result: { kind: 'match', comparison, ms: 321 } });
    worker.answer({ id: loadRequest!.request.id, ok: true, result: { kind: 'load', ms: 1234 } });
    expect(await load).toBe(1234);
    expect(await match).toEqual({ ...comparison, ms: 321 });
  });

  it('tells a card photo without a face from one that cannot be decoded, and leaves the caller’s bytes alone', async () => {
    const worker = new ScriptedWorker();
    const client = new FaceMatcherClient(() => worker as unknown as Worker);
    const photo = new Uint8Array([0x42, 0x4d, 7, 7]);
    const first = client.setReference(photo);
    const sent = worker.seen[0]!;
    expect(sent.request).toMatchObject({ kind: 'reference', mediaType: 'image/bmp' });
    expect(sent.transfer[0]).not.toBe(photo.buffer);
    worker.answer({
      id: sent.request.id,
      ok: true,
      result: { kind: 'reference', found: false, reason: 'undecodable', detail: 'InvalidStateError' },
    });
    expect(await first).toEqual({ problem: 'noCardFace', reason: 'undecodable', detail: 'InvalidStateError' });
    expect([...photo]).toEqual([0x42, 0x4d, 7, 7]);
    const second = client.setReference(photo);
    worker.answer({ id: worker.seen[1]!.request.id, ok: true, result: { kind: 'reference', found: true } });
    expect(await second).toEqual({ ok: true });
  });

  it('passes the worker’s failure on with its kind', async () => {
    const worker = new ScriptedWorker();
    const client = new FaceMatcherClient(() => worker as unknown as Worker);
    const match = client.matchFrame(bitmap(), DEFAULT_FACE_THRESHOLDS);
    worker.answer({ id: worker.seen[0]!.request.id, ok: false, failure: 'frameUnreadable', detail: 'bad frame' });
    const failure = await match.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FaceMatcherError);
    expect(failure).toMatchObject({ failure: 'frameUnreadable', message: 'bad frame' });
  });

  it('answers modelsUnavailable at once when no worker can start, and closes the frame it was given', async () => {
    const client = new FaceMatcherClient(() => {
      throw new Error('no Web Worker here');
    });
    expect(client.isDead()).toBe(true);
    await expect(client.load()).rejects.toMatchObject({ failure: 'modelsUnavailable' });
    const frame = bitmap();
    await expect(client.matchFrame(frame, DEFAULT_FACE_THRESHOLDS)).rejects.toMatchObject({
      failure: 'modelsUnavailable',
    });
    expect(frame.closed).toBe(true);
  });

  it('answers the open requests and every later one with modelsUnavailable when the worker dies', async () => {
    const worker = new ScriptedWorker();
    const client = new FaceMatcherClient(() => worker as unknown as Worker);
    const load = client.load(faceAssetLocations('http://127.0.0.1:1/'));
    await pause();
    worker.crash('out of memory');
    await expect(load).rejects.toMatchObject({ failure: 'modelsUnavailable', message: 'out of memory' });
    expect(client.isDead()).toBe(true);
    await expect(client.setReference(new Uint8Array([1]))).rejects.toMatchObject({ failure: 'modelsUnavailable' });
  });
});

// The face worker (人证比对): Human's browser build on the WebAssembly backend, its models
// and binaries fetched from the app's own origin (face-worker-policy.ts allows nothing
// else), running the same matcher as the device CLI (src-main/devices/face/matcher.ts). It
// keeps the card's face while a session needs it and answers each live frame with numbers
// and an outcome: no picture or embedding is ever posted back, stored or sent.
// One request at a time (a worker's messages queue up); the screen sends the next frame
// only once the last one was answered.
import { Human } from '@vladmandic/human';
import {
  compareFaces,
  describeReference,
  type FaceDescription,
  matcherConfig,
} from '../../../src-main/devices/face/matcher.ts';
import type { FaceAssetLocations, FaceFailure, FaceReply, FaceRequest, FaceResult } from './protocol.ts';

interface WorkerScope {
  onmessage: ((event: MessageEvent<FaceRequest>) => void) | null;
  postMessage(message: FaceReply): void;
}
const scope = self as unknown as WorkerScope;

class Failure extends Error {
  constructor(
    readonly failure: FaceFailure,
    detail: string,
  ) {
    super(detail);
  }
}

let loading: Promise<{ human: Human; ms: number }> | undefined;
let reference: FaceDescription | null = null;

function load(locations: FaceAssetLocations): Promise<{ human: Human; ms: number }> {
  loading ??= (async () => {
    const started = performance.now();
    const human = new Human(matcherConfig(locations));
    await human.load();
    const missing = human.models.list().filter((model) => !model.loaded);
    if (human.tf.getBackend() !== 'wasm') throw new Error(`backend ${String(human.tf.getBackend())} instead of wasm`);
    if (human.models.loaded().length === 0 || missing.length === human.models.list().length) {
      throw new Error('no model loaded');
    }
    return { human, ms: performance.now() - started };
  })();
  return loading.catch((error: unknown) => {
    loading = undefined; // a later load may try again (the files may come back)
    throw new Failure('modelsUnavailable', error instanceof Error ? error.message : String(error));
  });
}

function loaded(): Promise<{ human: Human; ms: number }> {
  if (!loading) return Promise.reject(new Failure('modelsUnavailable', 'load first'));
  return loading;
}

async function handle(request: FaceRequest): Promise<FaceResult> {
  switch (request.kind) {
    case 'load':
      return { kind: 'load', ms: (await load(request.locations)).ms };
    case 'reference': {
      const { human } = await loaded();
      reference = null;
      let bitmap: ImageBitmap;
      try {
        bitmap = await createImageBitmap(new Blob([request.photo], { type: request.mediaType }));
      } catch (error) {
        return { kind: 'reference', found: false, reason: 'undecodable', detail: String(error) };
      }
      try {
        reference = await describeReference(human, bitmap);
      } finally {
        bitmap.close();
      }
      return reference
        ? { kind: 'reference', found: true }
        : { kind: 'reference', found: false, reason: 'noFace', detail: 'no face in the card photo' };
    }
    case 'match': {
      try {
        const { human } = await loaded();
        const started = performance.now();
        const comparison = await compareFaces(human, reference, request.frame, request.thresholds);
        return { kind: 'match', comparison, ms: performance.now() - started };
      } catch (error) {
        if (error instanceof Failure) throw error;
        throw new Failure('frameUnreadable', error instanceof Error ? error.message : String(error));
      } finally {
        request.frame.close();
      }
    }
    case 'forget':
      reference = null;
      return { kind: 'forget' };
  }
}

let queue: Promise<void> = Promise.resolve();

scope.onmessage = (event) => {
  const request = event.data;
  queue = queue.then(() =>
    handle(request).then(
      (result) => scope.postMessage({ id: request.id, ok: true, result }),
      (error: unknown) =>
        scope.postMessage({
          id: request.id,
          ok: false,
          failure: error instanceof Failure ? error.failure : 'modelsUnavailable',
          detail: error instanceof Error ? error.message : String(error),
        }),
    ),
  );
};

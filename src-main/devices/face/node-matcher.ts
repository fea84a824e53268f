// The face matcher under Node, for the device CLI, the tests and the bench: Human's
// Node build on the WebAssembly backend (no native TensorFlow), its models read from the
// package's own folder. Node's fetch refuses file: URLs, so instead of a fetch shim one
// TensorFlow.js load router answers the model URLs under that folder — and nothing else.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Human } from '@vladmandic/human';
import { AppError } from '../../common/errors.ts';
import type { FaceComparison, FaceThresholds } from '../../common/face.ts';
import type { RgbaImage } from '../doccam/image.ts';
import {
  compareFaces,
  describeFaces,
  describeReference,
  FACE_MODELS,
  type FaceDescription,
  matcherConfig,
} from './matcher.ts';

const require = createRequire(import.meta.url);

/** Human's package folder (its exports map names no subpaths we can resolve: go by its main file, dist/human.node.js). */
function humanPackageDir(): string {
  return dirname(dirname(require.resolve('@vladmandic/human')));
}

/** Where the matcher's models lie in the installed package. */
export function faceModelsDir(): string {
  return join(humanPackageDir(), 'models');
}

/** The folder of the tfjs WebAssembly binaries (tfjs-backend-wasm*.wasm). */
export function faceWasmDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

export interface NodeFaceMatcher {
  /** How long loading took (ms), models and backend. */
  readonly loadMs: number;
  /** The faces in a picture, largest first. */
  describe(image: RgbaImage): Promise<FaceDescription[]>;
  /** The largest face of a card photo, or null. */
  reference(image: RgbaImage): Promise<FaceDescription | null>;
  /** A frame against a reference (null: the card had no face). */
  compare(reference: FaceDescription | null, frame: RgbaImage, thresholds: FaceThresholds): Promise<FaceComparison>;
}

type HumanModule = { Human: new (config: unknown) => Human };
type ModelArtifacts = unknown;
interface TfIo {
  registerLoadRouter(router: (url: string | string[]) => { load(): Promise<ModelArtifacts> } | null): void;
  getModelArtifactsForJSON(
    json: unknown,
    loadWeights: (manifest: { paths: string[]; weights: unknown[] }[]) => Promise<[unknown[], ArrayBuffer]>,
  ): Promise<ModelArtifacts>;
}

let loading: Promise<NodeFaceMatcher> | undefined;

/** The one matcher of this process (Human's TensorFlow.js is a process-wide singleton). */
export function loadNodeFaceMatcher(): Promise<NodeFaceMatcher> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function load(): Promise<NodeFaceMatcher> {
  const started = performance.now();
  const modelsDir = faceModelsDir();
  const modelsUrl = pathToFileURL(`${modelsDir}/`).href;
  let human: Human;
  try {
    const { Human: HumanClass } = require(join(humanPackageDir(), 'dist', 'human.node-wasm.js')) as HumanModule;
    human = new HumanClass(matcherConfig({ modelBasePath: modelsUrl, wasmPath: `${faceWasmDir()}/` }));
    serveModelsFrom(human.tf.io as TfIo, modelsUrl);
    await human.load();
  } catch (error) {
    throw new AppError(
      'face.modelsUnavailable',
      `cannot load Human: ${(error as Error).message}`,
      {},
      { cause: error },
    );
  }
  const loaded = human.models.loaded();
  const missing = FACE_MODELS.filter((name) => !loaded.includes(name));
  if (missing.length > 0) throw new AppError('face.modelsUnavailable', `models not loaded: ${missing.join(', ')}`);

  const withTensor = async <T>(image: RgbaImage, use: (tensor: unknown) => Promise<T>): Promise<T> => {
    const tensor = toTensor(human, image);
    try {
      return await use(tensor);
    } finally {
      human.tf.dispose(tensor);
    }
  };
  return {
    loadMs: performance.now() - started,
    describe: (image) => withTensor(image, (t) => describeFaces(human, t as never)),
    reference: (image) => withTensor(image, (t) => describeReference(human, t as never)),
    compare: (reference, frame, thresholds) =>
      withTensor(frame, (t) => compareFaces(human, reference, t as never, thresholds)),
  };
}

/** Answers TensorFlow.js's loads of URLs under `modelsUrl` from the disk; other URLs go to the other routers. */
function serveModelsFrom(io: TfIo, modelsUrl: string): void {
  io.registerLoadRouter((url) => {
    if (typeof url !== 'string' || !url.startsWith(modelsUrl)) return null;
    const modelFile = fileURLToPath(url);
    return {
      async load() {
        const json: unknown = JSON.parse(await readFile(modelFile, 'utf8'));
        return io.getModelArtifactsForJSON(json, async (manifest) => {
          const specs = manifest.flatMap((group) => group.weights);
          const parts = await Promise.all(
            manifest.flatMap((group) => group.paths.map((path) => readFile(join(dirname(modelFile), path)))),
          );
          const all = Buffer.concat(parts);
          return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer];
        });
      },
    };
  });
}

/** RGBA pixels as the [1, h, w, 3] int tensor Human takes. */
function toTensor(human: Human, image: RgbaImage): unknown {
  const { width, height, data } = image;
  const rgb = new Int32Array(width * height * 3);
  for (let i = 0, j = 0; i < data.length; i += 4) {
    rgb[j++] = data[i]!;
    rgb[j++] = data[i + 1]!;
    rgb[j++] = data[i + 2]!;
  }
  return human.tf.tensor4d(rgb, [1, height, width, 3], 'int32');
}

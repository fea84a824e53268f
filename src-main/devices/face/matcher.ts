// The face matcher (人证比对), pure: Human (@vladmandic/human) finds the faces in a picture,
// scores each for liveness and anti-spoofing and describes it by an embedding; two
// embeddings give a similarity, and `judge` the outcome. No Node here: the renderer's
// face worker runs this very file on Human's browser build, the device CLI and the tests
// on its Node build (node-matcher.ts), so both decide alike.
import type { Config, FaceResult, Human, Input } from '@vladmandic/human';
import { type FaceComparison, type FaceThresholds, judge } from '../../common/face.ts';

/**
 * The models this matcher loads (files `<name>.json` + `<name>.bin` in Human's models
 * folder): the face detector, the mesh (faceres describes the mesh-aligned face), the
 * description (embedding), anti-spoof and liveness. Whoever serves the models serves these.
 */
export const FACE_MODELS = ['blazeface', 'facemesh', 'faceres', 'antispoof', 'liveness'] as const;

/** Faces the detector is less sure of than this are not faces (the samples' false ones score about 0.2). */
const MIN_FACE_SCORE = 0.5;

/**
 * Human's configuration for matching: the face models above and nothing else. Every
 * result is computed afresh (Human would otherwise reuse a recent result for a frame that
 * looks alike: a photo held up after a live face must be looked at itself).
 */
export function matcherConfig(locations: { modelBasePath: string; wasmPath: string }): Partial<Config> {
  const fresh = { skipFrames: 0, skipTime: 0 };
  return {
    backend: 'wasm',
    wasmPath: locations.wasmPath,
    modelBasePath: locations.modelBasePath,
    debug: false,
    async: true,
    warmup: 'none',
    cacheModels: false, // the models ship with the app; nothing goes to IndexedDB
    cacheSensitivity: 0,
    skipAllowed: false,
    filter: { enabled: false },
    gesture: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    face: {
      enabled: true,
      detector: {
        ...fresh,
        modelPath: 'blazeface.json',
        rotation: false,
        maxDetected: 5,
        minConfidence: MIN_FACE_SCORE,
        return: false,
      },
      mesh: { enabled: true, modelPath: 'facemesh.json' },
      iris: { enabled: false },
      attention: { enabled: false },
      emotion: { enabled: false },
      gear: { enabled: false },
      description: { ...fresh, enabled: true, modelPath: 'faceres.json' },
      antispoof: { ...fresh, enabled: true, modelPath: 'antispoof.json' },
      liveness: { ...fresh, enabled: true, modelPath: 'liveness.json' },
    },
  };
}

/** One face as the matcher sees it. */
export interface FaceDescription {
  /** x, y, width, height in the picture's pixels. */
  box: [number, number, number, number];
  score: number;
  live: number;
  real: number;
  embedding: number[];
}

/** The faces Human finds in a picture, largest first; only those with an embedding count. */
export async function describeFaces(human: Human, input: Input): Promise<FaceDescription[]> {
  const result = await human.detect(input);
  if (result.error) throw new Error(`face detection failed: ${result.error}`);
  return result.face
    .filter((face: FaceResult) => face.score >= MIN_FACE_SCORE && (face.embedding?.length ?? 0) > 0)
    .map((face: FaceResult) => ({
      box: face.box,
      score: face.score,
      live: face.live ?? 0,
      real: face.real ?? 0,
      embedding: face.embedding as number[],
    }))
    .sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
}

/**
 * The card photo's face: the largest one (a chip photo holds one; a scanned card may show
 * a ghost image beside it), or null when there is none.
 */
export async function describeReference(human: Human, input: Input): Promise<FaceDescription | null> {
  return (await describeFaces(human, input))[0] ?? null;
}

/** The similarity (0..1) of two embeddings, Human's own measure. */
export function similarityOf(human: Human, a: readonly number[], b: readonly number[]): number {
  return Math.min(1, Math.max(0, human.match.similarity(a as number[], b as number[])));
}

/**
 * A live frame against the card's face (null: the card had none): exactly one face must be
 * in the frame; its liveness and anti-spoof are checked, then its similarity judged.
 */
export async function compareFaces(
  human: Human,
  reference: FaceDescription | null,
  frame: Input,
  thresholds: FaceThresholds,
): Promise<FaceComparison> {
  const faces = await describeFaces(human, frame);
  const face = faces.length === 1 ? faces[0]! : null;
  const similarity = reference === null ? null : face ? similarityOf(human, reference.embedding, face.embedding) : 0;
  return judge(similarity, face?.live ?? null, face?.real ?? null, faces.length, thresholds);
}

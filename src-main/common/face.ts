// 人证比对: the applicant's live face at the counter against the photo on the card's chip.
// The shapes the matcher (devices/face, run by the renderer's worker and by the device CLI),
// the contract (the hall's thresholds) and the clerk's flow agree on, and the one rule
// that turns the matcher's numbers into an outcome (`judge`), kept pure so it is tested
// on its own and the worker and the terminal decide alike.
import { z } from 'zod';

/** 通过 / 待人工核对 / 不通过. Uncertain and fail both lead to the clerk's visual check and a recorded reason. */
export const FACE_OUTCOMES = ['pass', 'uncertain', 'fail'] as const;
export const FaceOutcome = z.enum(FACE_OUTCOMES);
export type FaceOutcome = z.infer<typeof FaceOutcome>;

/**
 * Why a comparison has no similarity to judge, or why it failed regardless of it:
 * no face or several faces in the frame (retry: one person, facing the camera),
 * a card photo without a face (the visual path at once), a face that does not look live
 * (a photo or a screen held up: outcome fail).
 */
export const FACE_PROBLEMS = ['noFace', 'multipleFaces', 'notLive', 'noCardFace'] as const;
export const FaceProblem = z.enum(FACE_PROBLEMS);
export type FaceProblem = z.infer<typeof FaceProblem>;

const Level = z.number().min(0).max(1);

/**
 * Similarity levels (0..1, Human's `match.similarity` of two face embeddings) and the least
 * liveness and anti-spoof scores a live frame must reach.
 */
export const FaceThresholds = z
  .object({
    /** At or above: pass. */
    pass: Level,
    /** At or above (and under `pass`): uncertain, the clerk compares; under it: fail. */
    uncertain: Level,
    /** Human's liveness model: under this the frame is taken for a photo or a screen. */
    minLive: Level,
    /** Human's anti-spoof model ("real"): likewise. */
    minReal: Level,
  })
  .strict()
  .refine((t) => t.uncertain <= t.pass, { path: ['uncertain'], message: 'must not be above pass' });
export type FaceThresholds = z.infer<typeof FaceThresholds>;

/**
 * Calibrated on the fixtures (tests/main/devices/face): faces of different people in the
 * sample photos of @vladmandic/face-api score 0.04–0.52; the same face cropped otherwise,
 * mirrored, greyed or scaled down to a chip photo's 102×126 pixels scores 0.67–1.00. A
 * pass needs a clear margin over the highest different-person score; the band between is
 * the clerk's to judge. Liveness and anti-spoof of genuine photographed faces go down to
 * about 0.4, so the floor stays under that: it stops the plain cases of a photo held up,
 * the clerk's eyes the rest.
 */
export const DEFAULT_FACE_THRESHOLDS: FaceThresholds = { pass: 0.6, uncertain: 0.45, minLive: 0.3, minReal: 0.3 };

/** One comparison of a live frame with the card's photo, and what it means. */
export const FaceComparison = z.object({
  /** 0..1; null when there was nothing to compare (no card face, no face or several in the frame). */
  similarity: z.number().min(0).max(1).nullable(),
  /** The frame's face: liveness and anti-spoof scores (0..1), null without a single face. */
  live: z.number().min(0).max(1).nullable(),
  real: z.number().min(0).max(1).nullable(),
  /** null when there is no outcome yet: retry the frame, or (noCardFace) go the visual path. */
  outcome: FaceOutcome.nullable(),
  problem: FaceProblem.nullable(),
  /** How many faces the frame held. */
  faces: z.number().int().min(0),
});
export type FaceComparison = z.infer<typeof FaceComparison>;

/**
 * The rule. `similarity` is null when the card photo held no face: no frame can help, so
 * noCardFace comes first (the visual path at once). A frame with no face or several is
 * retried (no outcome; `similarity` is not read then). A face that does not look live
 * fails whatever its similarity (notLive); otherwise the similarity decides.
 */
export function judge(
  similarity: number | null,
  live: number | null,
  real: number | null,
  faces: number,
  thresholds: FaceThresholds,
): FaceComparison {
  const one = faces === 1;
  const result = (outcome: FaceOutcome | null, problem: FaceProblem | null): FaceComparison => ({
    similarity: one ? similarity : null,
    live: one ? live : null,
    real: one ? real : null,
    outcome,
    problem,
    faces,
  });
  if (similarity === null) return result(null, 'noCardFace');
  if (faces === 0) return result(null, 'noFace');
  if (faces > 1) return result(null, 'multipleFaces');
  if ((live ?? 0) < thresholds.minLive || (real ?? 0) < thresholds.minReal) return result('fail', 'notLive');
  if (similarity >= thresholds.pass) return result('pass', null);
  if (similarity >= thresholds.uncertain) return result('uncertain', null);
  return result('fail', null);
}

/** The hall's face settings as the clerk's screen needs them (`face.settings`). */
export const FaceSettings = z.object({
  thresholds: FaceThresholds,
  /** Whether face images and embeddings are kept on this machine: always off in this version (config refuses it). */
  keepFrames: z.boolean(),
  /** How long kept face data stays, in days (only with keepFrames). */
  keepDays: z.number().int().min(1).max(3650),
  /** Whether a kept face image travels with the packet (off by default: the packet carries the outcome). */
  sendWithPacket: z.boolean(),
});
export type FaceSettings = z.infer<typeof FaceSettings>;

export const FACE_SETTINGS_DEFAULTS: FaceSettings = {
  thresholds: DEFAULT_FACE_THRESHOLDS,
  keepFrames: false,
  keepDays: 30,
  sendWithPacket: false,
};

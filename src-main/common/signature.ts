// 申请人签名: the applicant's e-signature, given on the applicant screen after they have
// confirmed what the clerk entered. Declared here because three parts agree on it: the
// pad that captures it (src-renderer/screens/applicant/SignaturePad.tsx), the core that
// stores it with the draft and seals it into the packet, and the documents that print it
// on the 申请人（签字） line. The signature is given after the confirmation, so it is not
// voided by later changes to the draft: the confirmation step is where the applicant checks.
import { z } from 'zod';
import { AppError } from './errors.ts';

/** Caps a faulty or hostile client cannot pass: a real signature is a few strokes of a few hundred points. */
export const SIGNATURE_LIMITS = {
  strokes: 200,
  pointsPerStroke: 5000,
  points: 50_000,
  /** The pad's size in CSS px (a 1920×1080 applicant display at most, with room to spare). */
  padSide: 4096,
  /** The PNG of the ink, cropped (a signature is tens of kilobytes). */
  imageBytes: 1024 * 1024,
} as const;

/**
 * Below these a signature is a tap or a dot, not a signature (`signature.tooShort`): so
 * many points in all, and an ink extent (the longer side of its bounding box) in CSS px.
 */
export const MIN_SIGNATURE_POINTS = 10;
export const MIN_SIGNATURE_EXTENT = 40;

const Coordinate = z
  .number()
  .finite()
  .min(-SIGNATURE_LIMITS.padSide)
  .max(2 * SIGNATURE_LIMITS.padSide);

/**
 * One point of a stroke: x, y in CSS px of the pad (origin top left), pressure 0–1 (the
 * device's for pen and touch, else simulated from speed), and ms since the signature began.
 */
export const SignaturePoint = z.tuple([
  Coordinate,
  Coordinate,
  z.number().finite().min(0).max(1),
  z
    .number()
    .finite()
    .min(0)
    .max(24 * 3600 * 1000),
]);
export type SignaturePoint = z.infer<typeof SignaturePoint>;

/** One stroke: the points from pointer down to pointer up. */
export const SignatureStroke = z.array(SignaturePoint).min(1).max(SIGNATURE_LIMITS.pointsPerStroke);
export type SignatureStroke = z.infer<typeof SignatureStroke>;

export const SignatureStrokes = z
  .array(SignatureStroke)
  .max(SIGNATURE_LIMITS.strokes)
  .refine((strokes) => pointCount(strokes) <= SIGNATURE_LIMITS.points, {
    message: `at most ${SIGNATURE_LIMITS.points} points in all`,
  });
export type SignatureStrokes = z.infer<typeof SignatureStrokes>;

const PadSide = z.number().int().min(1).max(SIGNATURE_LIMITS.padSide);

/** The strokes with the pad they were drawn on: what is stored (as canonical JSON) beside the image. */
export const SignatureInk = z.object({ width: PadSide, height: PadSide, strokes: SignatureStrokes }).strict();
export type SignatureInk = z.infer<typeof SignatureInk>;

/** What the pad hands over: the ink, and the PNG it drew of it. */
export interface SignatureCapture extends SignatureInk {
  png: Uint8Array;
}

/**
 * The same as a schema, for the contract method that carries it from the applicant screen
 * (`applicant.sign`): the PNG's size is capped here, its content is checked by the core.
 */
export const SignatureSubmission = SignatureInk.extend({
  png: z
    .custom<Uint8Array>((value) => value instanceof Uint8Array, 'must be bytes')
    .refine((png) => png.byteLength >= 1 && png.byteLength <= SIGNATURE_LIMITS.imageBytes, {
      message: `at most ${SIGNATURE_LIMITS.imageBytes} bytes`,
    }),
}).strict();

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * A draft's signature, written by the core only (`IntakeService.attachSignature` or
 * `.signatureUnavailable`), never by a save: the image and the strokes by their blobs'
 * SHA-256, or the applicant signs the printed documents by hand (`onPaper`).
 */
export const DraftSignature = z.union([
  z
    .object({
      image: Sha256Hex,
      strokes: Sha256Hex,
      width: PadSide,
      height: PadSide,
      /** Epoch ms. */
      at: z.number(),
    })
    .strict(),
  z
    .object({
      onPaper: z.literal(true),
      reason: z.string().max(500),
      /** Epoch ms. */
      at: z.number(),
    })
    .strict(),
]);
export type DraftSignature = z.infer<typeof DraftSignature>;

/** The manifest's record of the applicant's signature (its files carry `signature: 'image' | 'strokes'`). */
export const ManifestSignature = z.union([
  z.object({ image: Sha256Hex, strokes: Sha256Hex }).strict(),
  z.object({ onPaper: z.literal(true) }).strict(),
]);
export type ManifestSignature = z.infer<typeof ManifestSignature>;

/** What a signature file of a packet is (ManifestFile's `signature`). */
export const SIGNATURE_FILE_ROLES = ['image', 'strokes'] as const;
export const SignatureFileRole = z.enum(SIGNATURE_FILE_ROLES);
export type SignatureFileRole = z.infer<typeof SignatureFileRole>;

/** The names the signature's files carry in a packet. */
export const SIGNATURE_FILE_NAMES: Record<SignatureFileRole, string> = {
  image: '申请人签名.png',
  strokes: '申请人签名笔迹.json',
};

export function pointCount(strokes: readonly SignatureStroke[]): number {
  return strokes.reduce((sum, stroke) => sum + stroke.length, 0);
}

/** The ink's bounding box in CSS px, or null for no points. */
export function inkBounds(
  strokes: readonly SignatureStroke[],
): { minX: number; minY: number; maxX: number; maxY: number } | null {
  let bounds: { minX: number; minY: number; maxX: number; maxY: number } | null = null;
  for (const stroke of strokes) {
    for (const [x, y] of stroke) {
      if (!bounds) bounds = { minX: x, minY: y, maxX: x, maxY: y };
      else {
        bounds.minX = Math.min(bounds.minX, x);
        bounds.minY = Math.min(bounds.minY, y);
        bounds.maxX = Math.max(bounds.maxX, x);
        bounds.maxY = Math.max(bounds.maxY, y);
      }
    }
  }
  return bounds;
}

/** Whether the ink is a signature at all: not empty, not a dot or a tap (see MIN_SIGNATURE_*). */
export function isSignatureLongEnough(strokes: readonly SignatureStroke[]): boolean {
  const bounds = inkBounds(strokes);
  if (!bounds || pointCount(strokes) < MIN_SIGNATURE_POINTS) return false;
  return Math.max(bounds.maxX - bounds.minX, bounds.maxY - bounds.minY) >= MIN_SIGNATURE_EXTENT;
}

/** `signature.tooShort` unless the ink is long enough to be a signature. */
export function assertSignatureLongEnough(strokes: readonly SignatureStroke[]): void {
  if (isSignatureLongEnough(strokes)) return;
  const bounds = inkBounds(strokes);
  const extent = bounds ? Math.round(Math.max(bounds.maxX - bounds.minX, bounds.maxY - bounds.minY)) : 0;
  throw new AppError(
    'signature.tooShort',
    `signature of ${strokes.length} strokes, ${pointCount(strokes)} points, extent ${extent} px`,
  );
}

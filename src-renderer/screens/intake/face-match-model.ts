// When the clerk's face match stops: the counter camera's frames are compared with the
// card's photo one after another, and one frame is not a verdict. A pass decides at once;
// a match that does not pass decides on the best of a few frames (one blurred or turned
// face must not fail the applicant); frames without one single live face only hint at
// what to change, until the time is up. Pure, so the rules are tested on their own.
import type { FaceMatchOutcome } from '../../../src-main/common/identity-check.ts';

/** Why a frame gave no comparison: no face, several faces, the card's photo holds none. */
export type FrameProblem = 'noFace' | 'multipleFaces' | 'notLive' | 'noCardFace';

/** One frame's comparison, as the matcher answers it. */
export interface FrameResult {
  outcome: FaceMatchOutcome | null;
  problem: FrameProblem | null;
  similarity: number;
  live: number;
  real: number;
}

/** A match that did not pass is decided on the best of this many frames with a face. */
export const FRAMES_FOR_VERDICT = 3;
/** The camera is given this long to show one live face. */
export const MATCH_TIME_MS = 12_000;

export type MatchStep =
  | { kind: 'continue'; hint: FrameProblem | null }
  | { kind: 'decided'; result: FrameResult & { outcome: FaceMatchOutcome }; frames: number }
  | { kind: 'gaveUp'; problem: FrameProblem };

export function nextMatchStep(results: readonly FrameResult[], elapsedMs: number): MatchStep {
  const last = results.at(-1);
  if (last?.problem === 'noCardFace') return { kind: 'gaveUp', problem: 'noCardFace' };
  const compared = results.filter(
    (r): r is FrameResult & { outcome: FaceMatchOutcome } => r.outcome !== null && r.problem === null,
  );
  const passed = compared.find((r) => r.outcome === 'pass');
  if (passed) return { kind: 'decided', result: passed, frames: results.length };
  // A photo held up: fails on its own frames, the same rule of a few as any other.
  const judged = results.filter((r): r is FrameResult & { outcome: FaceMatchOutcome } => r.outcome !== null);
  const timeUp = elapsedMs >= MATCH_TIME_MS;
  if (judged.length >= FRAMES_FOR_VERDICT || (timeUp && judged.length > 0)) {
    return { kind: 'decided', result: best(judged), frames: results.length };
  }
  if (timeUp) return { kind: 'gaveUp', problem: mostFrequentProblem(results) };
  return { kind: 'continue', hint: last?.problem ?? null };
}

/** The frame most in the applicant's favour: a live one before a spoof, then the highest similarity. */
function best<T extends FrameResult>(results: readonly T[]): T {
  return [...results].sort(
    (a, b) => Number(a.problem === 'notLive') - Number(b.problem === 'notLive') || b.similarity - a.similarity,
  )[0]!;
}

function mostFrequentProblem(results: readonly FrameResult[]): FrameProblem {
  const counts = new Map<FrameProblem, number>();
  for (const r of results) if (r.problem) counts.set(r.problem, (counts.get(r.problem) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'noFace';
}

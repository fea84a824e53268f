// The face matcher on Human's real models (Node build, WebAssembly backend, the models of
// the installed package), on faces cut from the group photos in @vladmandic/face-api
// (face-fixtures.ts): the same picture, the same face as a card photo and otherwise
// transformed, different people; the three outcomes and how the thresholds move them;
// no face, two faces, a card without a face, a face that does not pass liveness.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACE_THRESHOLDS, type FaceThresholds } from '../../../src-main/common/face.ts';
import { type FaceDescription } from '../../../src-main/devices/face/matcher.ts';
import { loadNodeFaceMatcher, type NodeFaceMatcher } from '../../../src-main/devices/face/node-matcher.ts';
import {
  cardPhoto,
  emptyScene,
  greyed,
  liveFace,
  mirrored,
  type Person,
  samplePhoto,
  twoFaces,
} from './face-fixtures.ts';

let matcher: NodeFaceMatcher;
const references = new Map<Person, FaceDescription>();
/** Liveness is the rule's business (face-judge.test.ts); here it stays out of the similarity's way. */
const bySimilarity: FaceThresholds = { ...DEFAULT_FACE_THRESHOLDS, minLive: 0, minReal: 0 };

async function card(person: Person): Promise<FaceDescription> {
  let reference = references.get(person);
  if (!reference) {
    const found = await matcher.reference(cardPhoto(person));
    if (!found) throw new Error(`no face on ${person}'s card photo`);
    reference = found;
    references.set(person, reference);
  }
  return reference;
}

beforeAll(async () => {
  matcher = await loadNodeFaceMatcher();
}, 120_000);

describe('the face matcher', () => {
  it('finds each face of a group photo, largest first, each with liveness, anti-spoof and an embedding', async () => {
    const faces = await matcher.describe(samplePhoto(1));
    expect(faces).toHaveLength(3);
    for (const face of faces) {
      expect(face.embedding).toHaveLength(1024);
      expect(face.live).toBeGreaterThanOrEqual(0);
      expect(face.live).toBeLessThanOrEqual(1);
      expect(face.real).toBeGreaterThanOrEqual(0);
    }
    const areas = faces.map((f) => f.box[2] * f.box[3]);
    expect([...areas].sort((x, y) => y - x)).toEqual(areas);
  });

  it('passes the same picture (similarity 1)', async () => {
    const frame = liveFace('a');
    const reference = await matcher.reference(frame);
    const result = await matcher.compare(reference, frame, DEFAULT_FACE_THRESHOLDS);
    expect(result.similarity).toBeGreaterThan(0.99);
    expect(result).toMatchObject({ outcome: 'pass', problem: null, faces: 1 });
  });

  it.each(['a', 'b', 'c', 'd', 'e'] as const)(
    'passes person %s at the counter against their card-sized photo, and mirrored or greyed',
    async (person) => {
      const reference = await card(person);
      for (const frame of [liveFace(person), mirrored(liveFace(person)), greyed(liveFace(person, 0.6))]) {
        const result = await matcher.compare(reference, frame, bySimilarity);
        expect(result.similarity, `${person}`).toBeGreaterThanOrEqual(DEFAULT_FACE_THRESHOLDS.pass);
        expect(result.outcome).toBe('pass');
      }
    },
  );

  it.each([
    ['a', 'c'],
    ['a', 'e'],
    ['c', 'd'],
    ['b', 'e'],
    ['d', 'a'],
  ] as const)('fails %s at the counter against %s’s card', async (person, other) => {
    const result = await matcher.compare(await card(other), liveFace(person), bySimilarity);
    expect(result.similarity).toBeLessThan(DEFAULT_FACE_THRESHOLDS.uncertain);
    expect(result).toMatchObject({ outcome: 'fail', problem: null });
  });

  it('moves a same-person and a different-person pair across all three outcomes as the thresholds move', async () => {
    const same = (await matcher.compare(await card('a'), liveFace('a'), bySimilarity)).similarity!;
    const other = (await matcher.compare(await card('b'), liveFace('a'), bySimilarity)).similarity!;
    expect(same).toBeGreaterThan(other + 0.2);
    const between = (same + other) / 2;
    const outcome = async (reference: Person, pass: number, uncertain: number) =>
      (await matcher.compare(await card(reference), liveFace('a'), { ...bySimilarity, pass, uncertain })).outcome;
    // the same person: pass, then uncertain once pass is set above them, fail once both are
    expect(await outcome('a', between, other)).toBe('pass');
    expect(await outcome('a', same + 0.01, between)).toBe('uncertain');
    expect(await outcome('a', same + 0.02, same + 0.01)).toBe('fail');
    // another person: fail, uncertain once the uncertain level comes down to them, pass with both
    expect(await outcome('b', same, between)).toBe('fail');
    expect(await outcome('b', same, other)).toBe('uncertain');
    expect(await outcome('b', other, other)).toBe('pass');
  });

  it('gives no outcome for a frame with no face, and says so', async () => {
    const result = await matcher.compare(await card('a'), emptyScene(), DEFAULT_FACE_THRESHOLDS);
    expect(result).toEqual({ similarity: null, live: null, real: null, outcome: null, problem: 'noFace', faces: 0 });
  });

  it('gives no outcome for a frame with two faces or more, and says how many', async () => {
    const two = await matcher.compare(await card('a'), twoFaces(), DEFAULT_FACE_THRESHOLDS);
    expect(two).toMatchObject({ outcome: null, problem: 'multipleFaces', similarity: null });
    expect(two.faces).toBeGreaterThanOrEqual(2);
    const group = await matcher.compare(await card('a'), samplePhoto(1), DEFAULT_FACE_THRESHOLDS);
    expect(group).toMatchObject({ problem: 'multipleFaces', faces: 3 });
  });

  it('finds no face on a card photo without one, and then says noCardFace for any frame', async () => {
    expect(await matcher.reference(emptyScene(102, 126))).toBeNull();
    const result = await matcher.compare(null, liveFace('a'), DEFAULT_FACE_THRESHOLDS);
    expect(result).toMatchObject({ outcome: null, problem: 'noCardFace' });
  });

  it('fails the very face of the card when it does not reach the liveness floor (a photo held up)', async () => {
    const strict = { ...DEFAULT_FACE_THRESHOLDS, minLive: 1, minReal: 1 };
    const result = await matcher.compare(await card('a'), liveFace('a'), strict);
    expect(result.similarity).toBeGreaterThanOrEqual(DEFAULT_FACE_THRESHOLDS.pass);
    expect(result).toMatchObject({ outcome: 'fail', problem: 'notLive' });
  });

  it('passes the genuine faces of the fixtures with the default liveness floor', async () => {
    for (const person of ['a', 'b', 'c', 'd', 'e'] as const) {
      const result = await matcher.compare(await card(person), liveFace(person), DEFAULT_FACE_THRESHOLDS);
      expect(result, person).toMatchObject({ outcome: 'pass', problem: null });
    }
  });
});

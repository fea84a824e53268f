// 收件: drafts (autosaved on every change), their material files, formal review and sealing.
import { z } from 'zod';
import { IDENTITY_HOLDERS } from '../../common/application.ts';
import { DraftId, DraftPatch, DraftView, PageCapture } from '../../common/draft.ts';
import { IdentityCheckInput } from '../../common/identity-check.ts';
import { MAX_THUMBNAIL_BYTES } from '../../common/thumbnails.ts';
import { PacketId } from '../../common/manifest.ts';
import { SealedPacket } from '../../common/packets.ts';
import { ReviewResult } from '../../common/review/review.ts';
import { Bytes, FileContent, method, none, Sha256 } from './method.ts';
import { UploadId } from './uploads.ts';
import { CardReadId } from './devices.ts';
import { Password, Username } from './auth.ts';

export { DraftId };
const MaterialId = z.string().min(1).max(64);
const byId = z.object({ id: DraftId }).strict();

export const intakeMethods = {
  'drafts.list': method({
    access: ['clerk'],
    background: true,
    input: none,
    output: z.object({ drafts: z.array(DraftView) }),
  }),
  'drafts.create': method({
    access: ['clerk'],
    input: z.object({ itemCode: z.string().min(1).max(64) }).strict(),
    output: DraftView,
  }),
  'drafts.get': method({ access: ['clerk'], input: byId, output: DraftView }),
  'drafts.save': method({
    access: ['clerk'],
    input: z.object({ id: DraftId, patch: DraftPatch }).strict(),
    output: DraftView,
  }),
  /**
   * Takes a finished upload (`uploads.*`, purpose `material`) as a page of the material, at its
   * end; the name is the upload's. `capture` says how the page was taken (the session log keeps it);
   * `replacing` retakes a page: the new one takes its place. `thumbnail`: a small JPEG of an
   * image, stored beside it for the pages list.
   */
  'drafts.addFile': method({
    access: ['clerk'],
    input: z
      .object({
        id: DraftId,
        materialId: MaterialId,
        uploadId: UploadId,
        capture: PageCapture.optional(),
        replacing: Sha256.optional(),
        thumbnail: Bytes.refine((bytes) => bytes.byteLength <= MAX_THUMBNAIL_BYTES, {
          message: `at most ${MAX_THUMBNAIL_BYTES} bytes`,
        }).optional(),
      })
      .strict(),
    output: DraftView,
  }),
  /** Moves a page of a material to position `to` (0: first). */
  'drafts.moveFile': method({
    access: ['clerk'],
    input: z
      .object({ id: DraftId, materialId: MaterialId, sha256: Sha256, to: z.number().int().min(0).max(10_000) })
      .strict(),
    output: DraftView,
  }),
  'drafts.removeFile': method({
    access: ['clerk'],
    input: z.object({ id: DraftId, materialId: MaterialId, sha256: Sha256 }).strict(),
    output: DraftView,
  }),
  /**
   * 此件经与原件核对无误: the signed-in clerk has checked the material's camera pages against
   * the originals (`certified: false` takes it back). At seal each of its pages carries the
   * mark with the clerk's name and the day; a page added, retaken or removed drops it.
   */
  'drafts.certifyCopy': method({
    access: ['clerk'],
    input: z.object({ id: DraftId, materialId: MaterialId, certified: z.boolean() }).strict(),
    output: DraftView,
  }),
  /** A file of the draft; `thumbnail`: its small picture where it has one (else the file itself). */
  'drafts.fileContent': method({
    access: ['clerk'],
    input: z.object({ id: DraftId, sha256: Sha256, thumbnail: z.boolean().optional() }).strict(),
    output: FileContent,
  }),
  /**
   * Fills the applicant's, the guardian's or the agent's identity from a card the reader read (`idCard.state`);
   * only this makes an identity `source: 'idCard'`, and it logs the reading in the session.
   */
  'drafts.useIdCard': method({
    access: ['clerk'],
    input: z.object({ id: DraftId, who: z.enum(IDENTITY_HOLDERS), readId: CardReadId }).strict(),
    output: DraftView,
  }),
  /**
   * 人证核验 of the person at the counter (`who`): the face match's outcome on the clerk's screen
   * (after the applicant's consent on theirs) or the clerk's comparison by eye; an uncertain or
   * failed match, and a mismatch, carry the clerk's verdict and reason. Logged in the session.
   */
  'drafts.identityCheck': method({
    access: ['clerk'],
    input: z.object({ id: DraftId, who: z.enum(IDENTITY_HOLDERS), check: IdentityCheckInput }).strict(),
    output: DraftView,
  }),
  /**
   * 申请人签名 for the clerk's review: the image the applicant gave on the applicant screen,
   * its pad's size and when (`signature.notGiven` when none was given on screen).
   */
  'drafts.signature': method({
    access: ['clerk'],
    input: byId,
    output: z.object({
      bytes: Bytes,
      mediaType: z.literal('image/png'),
      width: z.number(),
      height: z.number(),
      at: z.number(),
    }),
  }),
  /**
   * The applicant cannot sign on the screen (no applicant display, the pad unusable): they
   * sign the printed receipt by hand, and the clerk records why (logged; the manifest says so).
   */
  'drafts.signOnPaper': method({
    access: ['clerk'],
    input: z.object({ id: DraftId, reason: z.string().trim().min(1).max(500) }).strict(),
    output: DraftView,
  }),
  'drafts.review': method({ access: ['clerk'], input: byId, output: ReviewResult }),
  /**
   * 主管会签: a supervisor at the window countersigns one finding awaiting it (review's
   * `awaitingCountersign`) with username and password. No session begins for the supervisor;
   * a wrong password counts toward the account's lockout. Answers the review as it now stands.
   */
  'drafts.countersign': method({
    access: ['clerk'],
    input: z
      .object({ id: DraftId, findingKey: z.string().min(1).max(200), username: Username, password: Password })
      .strict(),
    output: ReviewResult,
  }),
  /**
   * `confirmUnprintable`: the characters review reported the documents cannot print
   * (its `print.characters` warnings), confirmed by the clerk; sealing refuses while one is missing.
   */
  'drafts.seal': method({
    access: ['clerk'],
    input: z
      .object({
        id: DraftId,
        // One character each: a code point is at most two UTF-16 units.
        confirmUnprintable: z.array(z.string().min(1).max(2)).max(100).optional(),
      })
      .strict(),
    output: SealedPacket,
  }),
  'drafts.discard': method({ access: ['clerk'], input: byId, output: z.object({}) }),
  /** 补正 resubmission: a draft for version n+1 of a packet. */
  'drafts.supplement': method({
    access: ['clerk'],
    /** `late`: why a 补正 past its last day is taken all the same (intake.supplementLate asks). */
    input: z
      .object({
        packetId: PacketId,
        late: z
          .object({ reason: z.string().max(500) })
          .strict()
          .optional(),
      })
      .strict(),
    output: DraftView,
  }),
};

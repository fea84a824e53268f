// The packet manifest (收件清单): everything the approving department needs to know
// about one sealed packet, with every file named by SHA-256 and size. Declared once,
// here: the window builds it (src-main/packets/), the sync protocol carries it and the
// department inbox checks it. Its identity is the SHA-256 of its RFC 8785 canonical
// JSON; both sides hash with this module, so they always compute the same bytes.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { CompanyIdentity, Guardian, OperatorRole, PersonIdentity } from './application.ts';
import { canonicalJson } from './canonical-json.ts';
import { OriginalHandling, ServiceObject } from './catalog.ts';
import { DeliveryChoice } from './delivery.ts';
import { ManifestIdentityCheck } from './identity-check.ts';
import { ManifestSignature, SignatureFileRole } from './signature.ts';
import { isTrackingCode } from './tracking-code.ts';

export const MANIFEST_FORMAT = 'tongban-packet/1';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A packet's id: a UUIDv7 in lower case, so it sorts by sealing time and is one key everywhere. */
export const PacketId = z.string().regex(UUID_V7, 'must be a lower-case UUIDv7');
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits (SHA-256)');
/** A window's id as enrolled at the department, e.g. `W01`. */
export const WindowId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1–64 of A-Z a-z 0-9 . _ - ');
/** GB/T 39554.1 事项编码 or the publisher's own code (same shape as the catalog's ItemCode). */
export const ItemCode = z.string().regex(/^[0-9A-Z][0-9A-Z-]{3,63}$/, 'must be 4–64 of 0-9 A-Z and -');
export const PacketVersion = z.number().int().min(1).max(1_000_000);
/** A 查询号 in its printed form (`XXXX-XXXX-XXXX`) with a correct check symbol. */
export const TrackingCode = z
  .string()
  .refine(isTrackingCode, 'must be a 查询号 XXXX-XXXX-XXXX with a correct check symbol');

/**
 * The documents a window prints with a sealed packet: 收件凭证 (`receipt`), 补正材料通知书
 * (`correction`), and the 受理通知书 (`acceptance`) only where the department entrusted the
 * window (委托受理). `refusal` (不予受理通知书) is only in packets sealed before 收受分离 was
 * modelled: it still parses and shows, and is never issued again.
 */
export const NOTICE_KINDS = ['receipt', 'acceptance', 'correction', 'refusal'] as const;
export const NoticeKind = z.enum(NOTICE_KINDS);
export type NoticeKind = z.infer<typeof NoticeKind>;

/**
 * What the window does with an application it sealed (收受分离: the window receives, the
 * department decides): `receive` 收件 and forward, `accept_entrusted` 受理 in the
 * department's name where it entrusted the window in writing, `correction` the window's
 * one-time 补正 for a formal deficiency.
 */
export const WINDOW_OUTCOMES = ['receive', 'accept_entrusted', 'correction'] as const;
export type WindowOutcome = (typeof WINDOW_OUTCOMES)[number];
/** Outcomes of packets sealed before: `accept` (受理通知书 in the window's name) and `refuse` (不予受理). Read, never issued. */
export const LEGACY_OUTCOMES = ['accept', 'refuse'] as const;

/** The outcome a sealed packet records, old packets' included. */
export const SealedOutcome = z.enum([...WINDOW_OUTCOMES, ...LEGACY_OUTCOMES]);
export type SealedOutcome = z.infer<typeof SealedOutcome>;

/**
 * What formal review proposes: one of the window's outcomes, or `decline` — the window
 * does not serve this item, region or applicant and simply does not receive. Nothing is
 * sealed or issued then: no notice in the window's name.
 */
export const ReviewOutcome = z.enum([...WINDOW_OUTCOMES, 'decline']);
export type ReviewOutcome = z.infer<typeof ReviewOutcome>;

/** The documents each outcome prints (a legacy outcome: what it printed then). */
export function noticesFor(outcome: SealedOutcome): NoticeKind[] {
  switch (outcome) {
    case 'receive':
      return ['receipt'];
    case 'accept_entrusted':
    case 'accept':
      return ['receipt', 'acceptance'];
    case 'correction':
      return ['correction'];
    case 'refuse':
      return ['refusal'];
  }
}

/** Whether a packet sealed with this outcome travels to the department (a window 补正 stays with the applicant). */
export function travels(outcome: SealedOutcome): boolean {
  return outcome === 'receive' || outcome === 'accept_entrusted' || outcome === 'accept';
}

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
// Control characters would end up in headers and file names on the department side.
// eslint-disable-next-line no-control-regex
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]+$/;

/** One file of a packet (a captured material, a notice, the recording …), by content. */
export const ManifestFile = z.looseObject({
  sha256: Sha256Hex,
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  mediaType: z.string().regex(MEDIA_TYPE, 'must be a lower-case media type such as image/jpeg'),
  name: z.string().min(1).max(255).regex(NO_CONTROL_CHARS, 'must not contain control characters'),
  /** Which material it belongs to, or which notice it is. */
  materialId: z.string().optional(),
  document: NoticeKind.optional(),
  /** The applicant's e-signature: its PNG (`image`) or its strokes as JSON (`strokes`, common/signature.ts SignatureInk). */
  signature: SignatureFileRole.optional(),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

const AnswerValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A supervisor's countersign (主管会签) as the manifest records it; `at` ISO 8601 UTC. */
const ManifestCountersign = z.object({ username: z.string(), displayName: z.string(), at: z.string() });

/**
 * The fields the department inbox reads and the protocol constrains; a window of
 * another make may carry other fields beside them, which the inbox stores as they are.
 */
const PROTOCOL_FIELDS = {
  packetId: PacketId,
  version: PacketVersion,
  /** The latest earlier version the department received (the one it asked to correct). */
  previousVersion: PacketVersion.optional(),
  /**
   * The version this one supplements when that one was a 补正 the window issued at the
   * counter itself: it never reached the department. Always `version - 1`. Lets a later
   * version with no `previousVersion` be the department's first sight of the packet —
   * only that: the inbox refuses it (`packet.windowCorrectionConflict`) once another
   * version of the packet is registered.
   */
  windowCorrectionOf: PacketVersion.optional(),
  windowId: WindowId,
  itemCode: ItemCode,
  /**
   * 查询号 (common/tracking-code.ts): what the applicant quotes and the department's
   * public status page resolves. Optional in the protocol: windows of other makes, and
   * packets sealed before windows issued codes, carry none.
   */
  trackingCode: TrackingCode.optional(),
  files: z.array(ManifestFile).max(10_000),
};

/** What this project's windows put in every manifest besides the protocol's fields. */
const WINDOW_FIELDS = {
  format: z.literal(MANIFEST_FORMAT),
  hallId: z.string(),
  windowRegionCode: z.string(),
  itemName: z.string(),
  catalogVersion: z.number(),
  departmentId: z.string().nullable(),
  homeRegionCode: z.string(),
  applicantKind: ServiceObject,
  applicant: PersonIdentity,
  company: CompanyIdentity.optional(),
  /** Absent in packets sealed before windows recorded them. */
  operatorRole: OperatorRole.optional(),
  guardian: Guardian.optional(),
  agent: PersonIdentity.optional(),
  form: z.record(z.string(), AnswerValue),
  /** The clerk's confirmations of the acceptance conditions (absent in packets sealed before windows said). */
  conditions: z.record(z.string(), z.enum(['met', 'notMet'])).optional(),
  materials: z.array(
    z.object({
      materialId: z.string(),
      name: z.string(),
      original: z.number(),
      copy: z.number(),
      electronic: z.number(),
      /** Where the originals went (absent in packets sealed before windows said). */
      originalHandling: OriginalHandling.optional(),
      files: z.array(z.string()),
    }),
  ),
  review: z.object({
    outcome: SealedOutcome,
    findings: z.array(
      z.object({
        key: z.string(),
        ruleId: z.string(),
        /** `forwarded`: a matter of substance recorded for the department to judge (a catalog 不予受理情形, an unmet 受理条件). */
        severity: z.string(),
        message: z.string(),
        overridden: z.boolean(),
        /** The provision the catalog names for a forwarded matter. */
        legalBasis: z.string().optional(),
        /** 一次性告知: the previous version's review found it, its notice did not list it (the window's miss). */
        missedInNotice: z.boolean().optional(),
        /** The supervisor who countersigned its override or confirmed the miss. */
        countersignedBy: ManifestCountersign.optional(),
      }),
    ),
    overrides: z.array(
      z.object({
        findingKey: z.string(),
        ruleId: z.string(),
        reason: z.string(),
        countersignedBy: ManifestCountersign.optional(),
      }),
    ),
    /** What the window's 补正 notice listed (outcome `correction`; absent in packets sealed before). */
    correctionItems: z.array(z.object({ findingKey: z.string(), message: z.string(), supply: z.string() })).optional(),
  }),
  documents: z.array(z.object({ kind: NoticeKind, number: z.string(), sha256: z.string() })),
  clerk: z.object({ username: z.string(), displayName: z.string() }),
  /**
   * The counter session's event chain as it stood when the packet was sealed: its stream,
   * last sequence number and hash. The department keeps it, so the window's record of the
   * session cannot be rewritten or deleted later without the two disagreeing.
   */
  session: z.object({ stream: z.string(), seq: z.number().int().min(1), hash: Sha256Hex }).nullable(),
  /** ISO 8601 UTC. */
  receivedAt: z.string(),
  sealedAt: z.string(),
  /** 承诺办结时限 (received) or 补正期限 (correction), YYYY-MM-DD. */
  deadline: z.string().nullable(),
  /** A 补正 answered after its last day (`due`), and why the window took it. */
  lateSupplement: z.object({ due: z.string(), reason: z.string() }).optional(),
  /** 办理结果送达方式 as chosen at the window (absent in packets sealed before windows asked). */
  delivery: DeliveryChoice.optional(),
  /**
   * 人证核验 of the person at the counter (absent when none was made): the face match's outcome and
   * scores, or the clerk's comparison by eye, with the clerk's verdict and reason. Never a face image.
   */
  identityCheck: ManifestIdentityCheck.optional(),
  /**
   * The applicant's confirmation on the applicant screen (at, ISO 8601; the hash of what they
   * saw), or why the clerk recorded none (absent in packets sealed without an applicant screen).
   */
  applicantConfirmation: z
    .union([
      z.object({ at: z.string(), viewHash: Sha256Hex }),
      z.object({ waived: z.literal(true), reason: z.string() }),
    ])
    .optional(),
  /**
   * 申请人签名: the hashes of the signature's image and strokes (both among `files`, with
   * `signature` set), or `onPaper` when the applicant signs the printed documents by hand.
   * Absent when neither was recorded (and in packets sealed before windows asked).
   */
  applicantSignature: ManifestSignature.optional(),
};

/** The rules of the protocol between the fields: versions and their lineage, one size per file. */
function checkLineage(
  manifest: {
    version: number;
    previousVersion?: number | undefined;
    windowCorrectionOf?: number | undefined;
    files: ManifestFile[];
  },
  ctx: z.RefinementCtx,
): void {
  if (manifest.version === 1 && manifest.previousVersion !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['previousVersion'], message: 'version 1 has no previous version' });
  }
  if (manifest.version === 1 && manifest.windowCorrectionOf !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['windowCorrectionOf'], message: 'version 1 supplements nothing' });
  }
  if (manifest.version > 1 && manifest.previousVersion === undefined && manifest.windowCorrectionOf === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['previousVersion'],
      message: 'a version after 1 must name the version it corrects (or windowCorrectionOf)',
    });
  }
  if (manifest.previousVersion !== undefined && manifest.previousVersion >= manifest.version) {
    ctx.addIssue({ code: 'custom', path: ['previousVersion'], message: 'must be lower than version' });
  }
  if (manifest.windowCorrectionOf !== undefined && manifest.windowCorrectionOf !== manifest.version - 1) {
    // The 补正 the window issued is the version just before: it is what this one supplements.
    ctx.addIssue({ code: 'custom', path: ['windowCorrectionOf'], message: 'must be the version just before' });
  }
  if (
    manifest.windowCorrectionOf !== undefined &&
    manifest.previousVersion !== undefined &&
    manifest.previousVersion >= manifest.windowCorrectionOf
  ) {
    ctx.addIssue({ code: 'custom', path: ['previousVersion'], message: 'must be lower than windowCorrectionOf' });
  }
  const sizes = new Map<string, number>();
  manifest.files.forEach((file, index) => {
    const known = sizes.get(file.sha256);
    if (known !== undefined && known !== file.size) {
      ctx.addIssue({ code: 'custom', path: ['files', index, 'size'], message: 'same sha256 listed with two sizes' });
    }
    sizes.set(file.sha256, file.size);
  });
}

/** 收件清单 as a window of this project seals it. */
export const Manifest = z.looseObject({ ...PROTOCOL_FIELDS, ...WINDOW_FIELDS }).superRefine(checkLineage);
export type Manifest = z.infer<typeof Manifest>;

/**
 * The same manifest as the department inbox takes it from any window: the protocol's
 * fields checked, everything else carried and stored as is. Version 1 is the first
 * submission; a 补正 (correction) is a new version of the same packet id whose
 * `previousVersion` names the version it corrects.
 */
export const ReceivedManifest = z.looseObject(PROTOCOL_FIELDS).superRefine(checkLineage);
export type ReceivedManifest = z.infer<typeof ReceivedManifest>;

/** The exact bytes that are hashed and signed: RFC 8785 canonical JSON, UTF-8. */
export function canonicalManifestBytes(manifest: unknown): Uint8Array {
  return utf8ToBytes(canonicalJson(manifest));
}

/** SHA-256 hex of the canonical manifest: the manifest's identity within (packetId, version). */
export function manifestHash(manifest: unknown): string {
  return bytesToHex(sha256(canonicalManifestBytes(manifest)));
}

/** The distinct files of a manifest, in first-listed order. */
export function distinctFiles(manifest: {
  files: ReadonlyArray<{ sha256: string; size: number }>;
}): Array<{ sha256: string; size: number }> {
  const seen = new Map<string, number>();
  for (const file of manifest.files) if (!seen.has(file.sha256)) seen.set(file.sha256, file.size);
  return [...seen].map(([sha256, size]) => ({ sha256, size }));
}

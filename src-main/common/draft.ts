// A draft (收件草稿) as the clerk builds it, step by step. Everything typed is kept
// even when it is wrong: validity is formal review's finding, not a reason to
// refuse a save, so a crash or a bad value never loses work.
import { z } from 'zod';
import { IdentityCheck } from './identity-check.ts';
import { ServiceObject } from './catalog.ts';
import {
  type ApplicationDraft,
  CompanyIdentity,
  Guardian,
  type IdentityHolder,
  OperatorRole,
  PersonIdentity,
} from './application.ts';
import { CalendarDateSchema } from './dates.ts';
import { DeliveryChoice } from './delivery.ts';
import { Countersign } from './review/findings.ts';
import { Confirmation, FaceConsent } from './applicant.ts';
import { DraftSignature } from './signature.ts';

/** A draft's id (a UUIDv7, so drafts sort by when they were started). */
export const DraftId = z.uuid();

export const WIZARD_STEPS = ['applicant', 'form', 'materials', 'review'] as const;
export const WizardStep = z.enum(WIZARD_STEPS);
export type WizardStep = z.infer<typeof WizardStep>;

const AnswerValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

export const MaterialCount = z
  .object({
    original: z.number().int().min(0).max(99),
    copy: z.number().int().min(0).max(99),
    electronic: z.number().int().min(0).max(99),
  })
  .strict();
export type MaterialCount = z.infer<typeof MaterialCount>;

export const FindingOverride = z
  .object({ findingKey: z.string().min(1).max(200), reason: z.string().max(500) })
  .strict();

/**
 * A 补正 answered after its last day is 视为放弃 unless someone decides to go on (the
 * department extended it, the applicant was prevented …): the clerk records why.
 */
export const LateSupplement = z.object({ due: CalendarDateSchema, reason: z.string().min(1).max(500) }).strict();
export type LateSupplement = z.infer<typeof LateSupplement>;

/**
 * Keys a draft's answers, counts or conditions may hold. An item has a few dozen fields
 * and materials at most; the cap keeps a faulty or hostile client from growing a draft
 * (stored and logged on every save) without bound.
 */
export const MAX_DRAFT_RECORD_KEYS = 200;

function capped<T extends z.ZodType>(value: T) {
  return z.record(z.string().max(64), value).refine((record) => Object.keys(record).length <= MAX_DRAFT_RECORD_KEYS, {
    message: `at most ${MAX_DRAFT_RECORD_KEYS} entries`,
  });
}

/**
 * 此件经与原件核对无误: the clerk checked a material's camera pages against the originals
 * shown, on `on` (the hall's date); printed on each of its pages at seal. Written by the
 * core's `drafts.certifyCopy` only, and dropped when the material's pages change.
 */
export const CopyCertification = z
  .object({
    username: z.string().max(64),
    displayName: z.string().max(64),
    on: CalendarDateSchema,
    /** Epoch ms. */
    at: z.number(),
  })
  .strict();
export type CopyCertification = z.infer<typeof CopyCertification>;

/** What a draft holds besides its files (which live in draft_files and the blob store). */
export const DraftState = z
  .object({
    applicantKind: ServiceObject,
    applicant: PersonIdentity,
    company: CompanyIdentity.optional(),
    operatorRole: OperatorRole.optional(),
    guardian: Guardian.optional(),
    agent: PersonIdentity.optional(),
    homeRegionCode: z.string().max(6),
    answers: capped(AnswerValue),
    counts: capped(MaterialCount),
    conditions: capped(z.enum(['met', 'notMet'])),
    overrides: z.array(FindingOverride).max(100),
    /** Set by the core only: a 补正 answered after its last day, and why the window took it. */
    lateSupplement: LateSupplement.optional(),
    /** Supervisors' countersigns (主管会签): written by the core's `drafts.countersign` only, never by a save. */
    countersigns: z.array(Countersign).max(100).optional(),
    /** Materials checked against their originals, by material id (see CopyCertification). */
    certifiedCopies: capped(CopyCertification).optional(),
    /** 办理结果送达方式, once chosen. */
    delivery: DeliveryChoice.optional(),
    /** 人证核验 of the person at the counter (`drafts.identityCheck`): written by the core only. */
    identityCheck: IdentityCheck.optional(),
    /** 人脸识别单独同意, as the applicant answered on their screen: written by the core's applicant desk only. */
    faceConsent: FaceConsent.optional(),
    /** The applicant's confirmation of what was shown (or the clerk's record of why none): the core's only. */
    confirmation: Confirmation.optional(),
    /** 申请人签名: set by the core only (`IntakeService.attachSignature` / `.signatureUnavailable`), never by a save. */
    signature: DraftSignature.optional(),
  })
  .strict();
export type DraftState = z.infer<typeof DraftState>;

/** A change the wizard saves; absent keys stay as they are, `agent: null` removes the agent (and so on). */
export const DraftPatch = z
  .object({
    step: WizardStep.optional(),
    applicantKind: ServiceObject.optional(),
    applicant: PersonIdentity.optional(),
    company: CompanyIdentity.nullable().optional(),
    operatorRole: OperatorRole.nullable().optional(),
    guardian: Guardian.nullable().optional(),
    agent: PersonIdentity.nullable().optional(),
    homeRegionCode: z.string().max(6).optional(),
    answers: capped(AnswerValue).optional(),
    counts: capped(MaterialCount).optional(),
    conditions: capped(z.enum(['met', 'notMet'])).optional(),
    overrides: z.array(FindingOverride).max(100).optional(),
    delivery: DeliveryChoice.optional(),
  })
  .strict();
export type DraftPatch = z.infer<typeof DraftPatch>;

/**
 * How a page came to be (the session log keeps it with the page): taken on the document
 * camera (高拍仪) — where the page's corners were found or set in the frame, the colour
 * mode, the turn, what the quality check warned of — or added from a file.
 */
export const PageCapture = z
  .object({
    source: z.enum(['documentCamera', 'file']),
    /** A still the approver asked for in a 视频会商 call (common/call-protocol.ts), taken at full resolution. */
    callId: z.uuid().optional(),
    frame: z
      .object({ width: z.number().int().min(1).max(20_000), height: z.number().int().min(1).max(20_000) })
      .strict()
      .optional(),
    corners: z
      .array(z.object({ x: z.number().finite(), y: z.number().finite() }).strict())
      .length(4)
      .optional(),
    /** The clerk moved a corner the detector found (or set all four when it found none). */
    adjusted: z.boolean().optional(),
    mode: z.enum(['colour', 'grey', 'bw']).optional(),
    rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).optional(),
    /** What the quality check said, taken anyway. */
    warnings: z
      .array(z.enum(['blurred', 'glare']))
      .max(2)
      .optional(),
  })
  .strict();
export type PageCapture = z.infer<typeof PageCapture>;

export const DraftFile = z.object({
  materialId: z.string(),
  sha256: z.string(),
  name: z.string(),
  mediaType: z.string(),
  size: z.number(),
  /** `documentCamera`: a page taken on the 高拍仪 (bound into its material's PDF at seal); absent: a file. */
  source: z.enum(['documentCamera', 'file']).optional(),
});
export type DraftFile = z.infer<typeof DraftFile>;

export const DraftView = z.object({
  id: z.string(),
  itemCode: z.string(),
  itemName: z.string(),
  catalogVersion: z.number(),
  step: WizardStep,
  state: DraftState,
  files: z.array(DraftFile),
  /** Set when this draft is the 补正 resubmission of a packet. */
  previous: z.object({ packetId: z.string(), version: z.number() }).nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type DraftView = z.infer<typeof DraftView>;

/** The identity of the applicant, the guardian or the agent as the draft holds it (a guardian's is inside the guardian). */
export function personOf(state: DraftState, who: IdentityHolder): PersonIdentity | undefined {
  return who === 'guardian' ? state.guardian?.person : state[who];
}

export function emptyDraftState(applicantKind: 'person' | 'company'): DraftState {
  return {
    applicantKind,
    applicant: { name: '', idNumber: '', source: 'manual' },
    homeRegionCode: '',
    answers: {},
    counts: {},
    conditions: {},
    overrides: [],
  };
}

/** Applies a patch; returns the new state and the names of what changed, for the event log. */
export function applyPatch(state: DraftState, patch: DraftPatch): { next: DraftState; changed: string[] } {
  // A draft's state is plain JSON (it is stored as JSON), so a JSON copy is a deep copy.
  const next = JSON.parse(JSON.stringify(state)) as DraftState;
  const changed: string[] = [];
  const differs = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);

  if (patch.applicantKind && patch.applicantKind !== state.applicantKind) {
    next.applicantKind = patch.applicantKind;
    changed.push('applicantKind');
  }
  if (patch.applicant && differs(patch.applicant, state.applicant)) {
    next.applicant = patch.applicant;
    changed.push('applicant');
  }
  if (patch.company !== undefined && differs(patch.company ?? undefined, state.company)) {
    if (patch.company === null) delete next.company;
    else next.company = patch.company;
    changed.push('company');
  }
  if (patch.operatorRole !== undefined && patch.operatorRole !== (state.operatorRole ?? null)) {
    if (patch.operatorRole === null) delete next.operatorRole;
    else next.operatorRole = patch.operatorRole;
    changed.push('operatorRole');
  }
  if (patch.guardian !== undefined && differs(patch.guardian ?? undefined, state.guardian)) {
    if (patch.guardian === null) delete next.guardian;
    else next.guardian = patch.guardian;
    changed.push('guardian');
  }
  if (patch.agent !== undefined && differs(patch.agent ?? undefined, state.agent)) {
    if (patch.agent === null) delete next.agent;
    else next.agent = patch.agent;
    changed.push('agent');
  }
  if (patch.homeRegionCode !== undefined && patch.homeRegionCode !== state.homeRegionCode) {
    next.homeRegionCode = patch.homeRegionCode;
    changed.push('homeRegionCode');
  }
  for (const [key, value] of Object.entries(patch.answers ?? {})) {
    if (differs(value, state.answers[key])) {
      next.answers[key] = value;
      changed.push(`answers.${key}`);
    }
  }
  for (const [key, value] of Object.entries(patch.counts ?? {})) {
    if (differs(value, state.counts[key])) {
      next.counts[key] = value;
      changed.push(`counts.${key}`);
    }
  }
  for (const [key, value] of Object.entries(patch.conditions ?? {})) {
    if (value !== state.conditions[key]) {
      next.conditions[key] = value;
      changed.push(`conditions.${key}`);
    }
  }
  if (patch.overrides && differs(patch.overrides, state.overrides)) {
    next.overrides = patch.overrides;
    changed.push('overrides');
  }
  if (patch.delivery && differs(patch.delivery, state.delivery)) {
    next.delivery = patch.delivery;
    changed.push('delivery');
  }
  return { next, changed };
}

/** What formal review reads: the draft's materials are its counts together with its files. */
export function applicationOf(itemCode: string, state: DraftState, files: readonly DraftFile[]): ApplicationDraft {
  const materialIds = new Set([...Object.keys(state.counts), ...files.map((f) => f.materialId)]);
  return {
    itemCode,
    applicantKind: state.applicantKind,
    applicant: state.applicant,
    ...(state.company ? { company: state.company } : {}),
    ...(state.operatorRole ? { operatorRole: state.operatorRole } : {}),
    ...(state.guardian ? { guardian: state.guardian } : {}),
    ...(state.agent ? { agent: state.agent } : {}),
    homeRegionCode: state.homeRegionCode,
    answers: state.answers,
    conditions: state.conditions,
    materials: [...materialIds].map((materialId) => ({
      materialId,
      original: state.counts[materialId]?.original ?? 0,
      copy: state.counts[materialId]?.copy ?? 0,
      electronic: state.counts[materialId]?.electronic ?? 0,
      files: files
        .filter((f) => f.materialId === materialId)
        .map((f) => ({ name: f.name, mediaType: f.mediaType, size: f.size })),
    })),
    ...(state.delivery ? { delivery: state.delivery } : {}),
  };
}

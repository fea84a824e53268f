// What formal review looks at: the application as the window has it (申请草稿) —
// who applies, who acts for them, the form answers, the materials in hand and the
// clerk's answers to the acceptance conditions. The schema takes incomplete drafts
// on purpose: an empty name or a wrong ID number is a finding of review, not an
// input error, so nothing the clerk typed is lost.
import { z } from 'zod';
import { ServiceObject } from './catalog.ts';

const AnswerValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** 身份信息 of a natural person, read from the ID card (二代证) or typed by hand. */
export const PersonIdentity = z
  .object({
    name: z.string().max(64),
    idNumber: z.string().max(32),
    sex: z.enum(['male', 'female']).optional(),
    /** YYYY-MM-DD */
    birthDate: z.string().max(10).optional(),
    ethnicity: z.string().max(16).optional(),
    address: z.string().max(200).optional(),
    source: z.enum(['idCard', 'manual']),
  })
  .strict();
export type PersonIdentity = z.infer<typeof PersonIdentity>;

/** 市场主体: for company applicants, besides the person at the window. */
export const CompanyIdentity = z.object({ name: z.string().max(100), creditCode: z.string().max(32) }).strict();
export type CompanyIdentity = z.infer<typeof CompanyIdentity>;

/** A file captured for a material: its type is sniffed from the content at capture. */
export const MaterialFile = z
  .object({
    name: z.string().max(255),
    mediaType: z.string().max(100),
    size: z.number().int().min(0),
  })
  .strict();
export type MaterialFile = z.infer<typeof MaterialFile>;

/** 已收材料: what the applicant handed over for one material of the item. */
export const CollectedMaterial = z
  .object({
    materialId: z.string().max(64),
    original: z.number().int().min(0).default(0),
    copy: z.number().int().min(0).default(0),
    electronic: z.number().int().min(0).default(0),
    files: z.array(MaterialFile).default([]),
  })
  .strict();
export type CollectedMaterial = z.output<typeof CollectedMaterial>;

/** 申请草稿 */
export const ApplicationDraft = z
  .object({
    itemCode: z.string().max(64),
    applicantKind: ServiceObject,
    /** The applicant; for a company, the person who applies for it (法定代表人或经办人). */
    applicant: PersonIdentity,
    company: CompanyIdentity.optional(),
    /** 代办人 acting for the applicant. */
    agent: PersonIdentity.optional(),
    /** 业务属地: the region whose department decides (户籍地 / 参保地 …), six digits. */
    homeRegionCode: z.string().max(6),
    answers: z.record(z.string(), AnswerValue).default({}),
    materials: z.array(CollectedMaterial).default([]),
    /** The clerk's answer per acceptance condition id; an absent id is not yet confirmed. */
    conditions: z.record(z.string(), z.enum(['met', 'notMet'])).default({}),
  })
  .strict();
export type ApplicationDraft = z.output<typeof ApplicationDraft>;

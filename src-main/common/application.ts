// What formal review looks at: the application as the window has it (申请草稿) —
// who applies, who acts for them, the form answers, the materials in hand and the
// clerk's answers to the acceptance conditions. The schema takes incomplete drafts
// on purpose: an empty name or a wrong ID number is a finding of review, not an
// input error, so nothing the clerk typed is lost.
import { z } from 'zod';
import { ServiceObject } from './catalog.ts';
import { type CardIdentity, CardType, CardValidTo } from './id-card.ts';
import { CalendarDateSchema } from './dates.ts';
import { DeliveryChoice } from './delivery.ts';

const AnswerValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * What a person's identity keeps of the card it was read from: the card's kind and
 * validity, which formal review checks on the day it reviews (a card may expire
 * between reading and sealing), and when it was read. Only the core sets it.
 */
export const CardFacts = z
  .object({
    cardType: CardType,
    validFrom: CalendarDateSchema,
    validTo: CardValidTo,
    /** When the reader read it (ms since the epoch). */
    readAt: z.number().int().min(0),
  })
  .strict();
export type CardFacts = z.infer<typeof CardFacts>;

/**
 * 身份信息 of a natural person, read from the ID card (二代证) or typed by hand. `source`
 * says which; the core keeps `idCard` only for exactly what the reader read (an edit
 * makes it `manual`), and only then `card`.
 */
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
    card: CardFacts.optional(),
  })
  .strict();
export type PersonIdentity = z.infer<typeof PersonIdentity>;

/**
 * The identity a card gives: the name as the card has it (the Chinese name, or on a
 * foreigner's card without one the English name), the nation for 民族, and its facts.
 */
export function personFromCard(card: CardIdentity, readAt: number): PersonIdentity {
  const person: PersonIdentity = {
    name: card.name || (card.englishName ?? ''),
    idNumber: card.idNumber,
    birthDate: card.birthDate,
    source: 'idCard',
    card: { cardType: card.cardType, validFrom: card.validFrom, validTo: card.validTo, readAt },
  };
  if (card.sex === 'male' || card.sex === 'female') person.sex = card.sex;
  if (card.nation) person.ethnicity = card.nation.name;
  if (card.address) person.address = card.address;
  return person;
}

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
    /** How the result reaches the applicant, when chosen (办理结果送达方式). */
    delivery: DeliveryChoice.optional(),
  })
  .strict();
export type ApplicationDraft = z.output<typeof ApplicationDraft>;

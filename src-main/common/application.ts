// What formal review looks at: the application as the window has it (申请草稿) —
// who applies, who acts for them, the form answers, the materials in hand and the
// clerk's answers to the acceptance conditions. The schema takes incomplete drafts
// on purpose: an empty name or a wrong ID number is a finding of review, not an
// input error, so nothing the clerk typed is lost.
import { z } from 'zod';
import { ServiceObject } from './catalog.ts';
import { CARD_TYPES, type CardIdentity, CardType, CardValidTo } from './id-card.ts';
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
 * 身份证件种类: the cards the reader reads (id-card.ts `CardType`: 居民身份证, 港澳台居民居住证,
 * 外国人永久居留身份证 of 2017 and of 2023), and the documents only typed by hand:
 * - `passport`: 护照 (Chinese or foreign; the issuing country is the identity's `nationality`)
 * - `hkMacauPass`: 港澳居民来往内地通行证 (回乡证)
 * - `taiwanPass`: 台湾居民来往大陆通行证 (台胞证)
 */
export const IDENTITY_DOCUMENTS = [...CARD_TYPES, 'passport', 'hkMacauPass', 'taiwanPass'] as const;
export const IdentityDocument = z.enum(IDENTITY_DOCUMENTS);
export type IdentityDocument = z.infer<typeof IdentityDocument>;

/**
 * 身份信息 of a natural person, read from the ID card (二代证) or typed by hand. `source`
 * says which; the core keeps `idCard` only for exactly what the reader read (an edit
 * makes it `manual`), and only then `card`. The document's kind, issuing authority and
 * expiry belong to the identity whatever its source; identities saved before they did
 * carry none of them, and their document is the resident card (`documentOf`).
 */
export const PersonIdentity = z
  .object({
    name: z.string().max(64),
    /** 证件号码: 公民身份号码, 居住证号码, 永久居留证号码, 护照号码 or 通行证号码, by `document`. */
    idNumber: z.string().max(32),
    sex: z.enum(['male', 'female']).optional(),
    /** YYYY-MM-DD */
    birthDate: z.string().max(10).optional(),
    ethnicity: z.string().max(16).optional(),
    address: z.string().max(200).optional(),
    /** The kind of document; absent on identities saved before it was recorded (a resident card). */
    document: IdentityDocument.optional(),
    /** 国籍 or 签发国 (ISO 3166-1 alpha-3), for passports and foreigners' cards. */
    nationality: z.string().max(3).optional(),
    /** 签发机关 */
    authority: z.string().max(64).optional(),
    /** 有效期至, or 长期. */
    validTo: CardValidTo.optional(),
    source: z.enum(['idCard', 'manual']),
    card: CardFacts.optional(),
  })
  .strict();
export type PersonIdentity = z.infer<typeof PersonIdentity>;

/** The identity's document: as recorded, else the card it was read from, else (older identities) a resident card. */
export function documentOf(person: PersonIdentity): IdentityDocument {
  return person.document ?? person.card?.cardType ?? 'resident';
}

/** The identity's expiry: the card's when it was read, else what was typed. */
export function validToOf(person: PersonIdentity): CardValidTo | undefined {
  return person.card?.validTo ?? person.validTo;
}

/**
 * The identity a card gives: the name as the card has it (the Chinese name, or on a
 * foreigner's card without one the English name), the nation for 民族, and its facts.
 */
export function personFromCard(card: CardIdentity, readAt: number): PersonIdentity {
  const person: PersonIdentity = {
    name: card.name || (card.englishName ?? ''),
    idNumber: card.idNumber,
    birthDate: card.birthDate,
    document: card.cardType,
    validTo: card.validTo,
    source: 'idCard',
    card: { cardType: card.cardType, validFrom: card.validFrom, validTo: card.validTo, readAt },
  };
  if (card.sex === 'male' || card.sex === 'female') person.sex = card.sex;
  if (card.nation) person.ethnicity = card.nation.name;
  if (card.address) person.address = card.address;
  if (card.nationality) person.nationality = card.nationality;
  if (card.authority) person.authority = card.authority;
  return person;
}

/**
 * 监护人 of a minor applicant (民法典 §27): a parent (父母) or another guardian
 * (其他监护人, whose guardianship the applicant proves with a document).
 */
export const GuardianRelation = z.enum(['parent', 'other']);
export type GuardianRelation = z.infer<typeof GuardianRelation>;

export const Guardian = z.object({ relation: GuardianRelation, person: PersonIdentity }).strict();
export type Guardian = z.infer<typeof Guardian>;

/** The people of an application whose identity a card may fill. */
export const IDENTITY_HOLDERS = ['applicant', 'guardian', 'agent'] as const;
export type IdentityHolder = (typeof IDENTITY_HOLDERS)[number];

/**
 * Who is at the window for a company: its 法定代表人 in person, or an 经办人 the company
 * authorised in writing (授权委托书).
 */
export const OperatorRole = z.enum(['legalRepresentative', 'handler']);
export type OperatorRole = z.infer<typeof OperatorRole>;

/** Whether a company's 经办人, not its legal representative, applies for it (and so shows its 授权委托书). */
export function isHandler(draft: {
  applicantKind: 'person' | 'company';
  operatorRole?: OperatorRole | undefined;
}): boolean {
  return draft.applicantKind === 'company' && draft.operatorRole === 'handler';
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
    /** For a company: whether `applicant` is its legal representative or an 经办人 (absent: not yet said). */
    operatorRole: OperatorRole.optional(),
    /** 监护人 of a minor applicant. */
    guardian: Guardian.optional(),
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

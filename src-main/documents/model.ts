// What the four documents a window issues (行政许可法 §32) say, as data. The intake
// service fills these when it seals; render.ts turns one into a PDF. Everything here
// is what gets printed: numbers, names and dates arrive ready (the numbering service,
// the working-day calendar and formal review compute them elsewhere).
import { z } from 'zod';
import { CalendarDateSchema } from '../common/dates.ts';

const Text = (max: number) => z.string().trim().min(1).max(max);

/**
 * 申请人签名: the applicant's e-signature as a PNG (common/signature.ts), drawn on the
 * 申请人（签字） line; absent, the line stays blank for a hand signature. Bytes, not text:
 * `modelTexts` passes over it, and the receipt printer's slip model leaves it out.
 */
const SignatureImage = z
  .custom<Uint8Array>((value) => value instanceof Uint8Array, 'must be bytes')
  .refine((png) => png.byteLength >= 24 && png.byteLength <= 1024 * 1024, 'must be a PNG of at most 1 MiB');

/** A person named on a document. The full ID number comes in; the renderer masks it. */
export const Person = z
  .object({
    name: Text(50),
    /** 证件类型, e.g. 居民身份证, 护照 (format.ts `personOnPaper`). */
    idType: Text(20).default('居民身份证'),
    idNumber: Text(32),
  })
  .strict();
export type Person = z.output<typeof Person>;

/** 事项: the service item applied for. */
export const ItemRef = z.object({ name: Text(100), code: Text(40) }).strict();
export type ItemRef = z.output<typeof ItemRef>;

/** The hall issuing the document: its name stands above the seal. */
export const Office = z
  .object({
    /** 出具单位, e.g. 北京市西城区政务服务中心 — the name on the seal. */
    name: Text(60),
    /** 窗口, e.g. 跨省通办专窗 1 号. */
    window: Text(60),
  })
  .strict();
export type Office = z.output<typeof Office>;

/** 经办人 and the phone an applicant calls with questions. */
export const Contact = z.object({ clerk: Text(30), phone: Text(30) }).strict();
export type Contact = z.output<typeof Contact>;

/** 救济途径: where a decision may be challenged (行政复议法 §20: 60 days; 行政诉讼法 §46: 6 months). */
export const Remedies = z
  .object({
    /** 行政复议机关, e.g. 北京市西城区人民政府. */
    reconsiderationBody: Text(80),
    /** 人民法院, e.g. 北京市西城区人民法院. */
    court: Text(80),
  })
  .strict();
export type Remedies = z.output<typeof Remedies>;

/** A due date from the working-day calendar (`provisional`: the year's holidays are not official yet). */
export const DueDate = z
  .object({
    date: CalendarDateSchema,
    workingDays: z.number().int().min(1).max(999).optional(),
    /** A period of calendar days (自然日): printed as such instead of the working days. */
    calendarDays: z.number().int().min(1).max(999).optional(),
    provisional: z.boolean().default(false),
  })
  .strict();
export type DueDate = z.output<typeof DueDate>;

/** A count as printed: a number of copies (份), or a short phrase such as "原件1份、复印件1份". */
const Count = z.union([z.number().int().min(0).max(999), Text(40)]);

/** One row of a materials table. */
export const MaterialRow = z
  .object({
    name: Text(200),
    /** 应交份数 */
    required: Count,
    /** 实交份数 */
    received: Count,
    /** 备注 */
    note: z.string().trim().max(200).optional(),
  })
  .strict();
export type MaterialRow = z.output<typeof MaterialRow>;

/**
 * The longest 编号: `{hall id}-{window id}-{kind code}-{year}-{sequence}` with both ids at
 * the 64 characters the hall config allows (64 + 64 + 2 + 4 + 7 digits + 4 dashes = 145).
 * Was 40 when numbers had no window part; a real hall's ids are short, but no valid
 * config may make sealing fail.
 */
export const MAX_DOCUMENT_NUMBER = 150;

const Common = {
  /** 编号, from the numbering service (packets/packet-store.ts). */
  number: Text(MAX_DOCUMENT_NUMBER),
  office: Office,
  applicant: Person,
  /** 监护人 of a minor applicant. */
  guardian: Person.optional(),
  /** 代办人 where someone applies for another. */
  agent: Person.optional(),
  item: ItemRef,
  /** The day the window received the application. */
  receivedOn: CalendarDateSchema,
  /** The date printed under the seal. */
  issuedOn: CalendarDateSchema,
};

/** 申请材料接收凭证 (收件凭证): printed twice — the applicant's copy and the window's. */
export const ReceiptModel = z
  .object({
    kind: z.literal('receipt'),
    ...Common,
    materials: z.array(MaterialRow).min(1).max(500),
    /** 收件人 (the clerk who received) and the contact phone. */
    contact: Contact,
    /** 承诺办结时限 */
    committedDeadline: DueDate,
    /** 查询号 and, when the hall has one, a tracking URL; the QR code carries the URL, else the number. */
    tracking: z.object({ number: Text(64), url: z.url().max(300).optional() }).strict(),
    /** 审批部门: the department the packet is forwarded to, which decides. */
    department: Text(80),
    /** 办理结果 (when the catalog names it) and how it reaches the applicant, e.g. 邮寄送达（address masked）. */
    result: z.object({ name: Text(100).optional(), delivery: Text(200) }).strict(),
    /** 收费 as printed: 不收费, or the catalog's description of the fees. */
    fees: Text(300),
    /** 咨询电话: the department's, else the item's, else the hall's. */
    consultPhone: Text(30),
    /** 救济途径 against the department's decision, when the catalog or the hall names the bodies. */
    remedies: Remedies.optional(),
    applicantSignature: SignatureImage.optional(),
  })
  .strict();
export type ReceiptModel = z.output<typeof ReceiptModel>;

/**
 * 受理通知书. A window issues it only under the department's written 委托受理 (`entrustedBy`):
 * it then accepts "受<department>委托"; without entrustment 受理 is the department's own.
 */
export const AcceptanceModel = z
  .object({
    kind: z.literal('acceptance'),
    ...Common,
    materials: z.array(MaterialRow).min(1).max(500),
    /** The deadline for the decision (作出决定的期限). */
    decisionDeadline: DueDate,
    /** 业务属地审批部门 that decides, when not the issuing office. */
    decidingDepartment: Text(80).optional(),
    /** 委托受理: the department that entrusted the issuing window, and the instrument. */
    entrustedBy: z
      .object({ department: Text(80), document: Text(100) })
      .strict()
      .optional(),
    contact: Contact.optional(),
  })
  .strict();
export type AcceptanceModel = z.output<typeof AcceptanceModel>;

/** 补正材料通知书 (一次性告知): every problem at once, and what to bring by when. */
export const CorrectionModel = z
  .object({
    kind: z.literal('correction'),
    ...Common,
    /** Every problem found, each printed as a numbered line. */
    problems: z.array(Text(500)).min(1).max(200),
    /** 法律依据, e.g. 《中华人民共和国行政许可法》第三十二条第一款第（四）项. */
    legalBasis: Text(300),
    /** 需补正的材料 (may be empty when only the form needs correcting). */
    toSupply: z.array(Text(300)).max(200),
    /** 补正期限 */
    supplyBy: DueDate,
    contact: Contact,
    applicantSignature: SignatureImage.optional(),
  })
  .strict();
export type CorrectionModel = z.output<typeof CorrectionModel>;

/** 不予受理通知书: reasons with their legal articles, and the applicant's remedies. */
export const RefusalModel = z
  .object({
    kind: z.literal('refusal'),
    ...Common,
    reasons: z
      .array(z.object({ reason: Text(500), legalBasis: Text(300) }).strict())
      .min(1)
      .max(50),
    /** Where the applicant may seek remedy (行政复议法 §20: 60 days; 行政诉讼法 §46: 6 months). */
    remedies: Remedies,
    contact: Contact.optional(),
  })
  .strict();
export type RefusalModel = z.output<typeof RefusalModel>;

/**
 * A department's document printed at the window (统一窗口出件): 受理, its 补正, 不予受理, or
 * the outcome after 受理. `office.name` is the department (it stands above the seal);
 * the window that prints it is named under the text. `number` is the packet's 查询号 or
 * receipt number: the department's own numbering does not travel in the change feed.
 */
export const DepartmentDocumentModel = z
  .object({
    kind: z.literal('department'),
    ...Common,
    decision: z.enum(['acceptance', 'correction', 'refusal', 'grant', 'denial']),
    /** As printed, e.g. 不予行政许可决定书 (common/department-documents.ts names it by item type). */
    title: Text(40),
    /** The window that prints and hands it over, e.g. 北京市西城区政务服务中心 跨省通办专窗. */
    printedBy: Text(130),
    /** The decision's name after 受理, e.g. 准予行政许可 / 办结. */
    outcomeName: Text(20).optional(),
    reason: Text(500).optional(),
    /** A department 补正: every item and the date to supply them by. */
    correctionItems: z.array(Text(500)).max(200).default([]),
    supplyBy: DueDate.optional(),
    /** EMS waybill of the posted result. */
    waybill: Text(40).optional(),
    /** The bodies named in the remedies against a refusal, when the catalog or the hall names them. */
    remedies: Remedies.optional(),
  })
  .strict();
export type DepartmentDocumentModel = z.output<typeof DepartmentDocumentModel>;

export const DocumentModel = z.discriminatedUnion('kind', [
  ReceiptModel,
  AcceptanceModel,
  CorrectionModel,
  RefusalModel,
  DepartmentDocumentModel,
]);
/** What callers write (defaults may be left out). */
export type DocumentInput = z.input<typeof DocumentModel>;
export type DocumentModel = z.output<typeof DocumentModel>;
export type DocumentKind = DocumentModel['kind'];

/** The title printed on each window kind, also the name the packet lists the document under. */
export const DOCUMENT_TITLES: Record<Exclude<DocumentKind, 'department'>, string> = {
  receipt: '申请材料接收凭证',
  acceptance: '受理通知书',
  correction: '补正材料通知书',
  refusal: '不予受理通知书',
};

/** Every string of a model with its path (`applicant.name`, `materials[2].name`), in document order. */
export function modelTexts(
  value: unknown,
  path = '',
  out: Array<{ path: string; text: string }> = [],
): Array<{ path: string; text: string }> {
  if (typeof value === 'string') out.push({ path, text: value });
  else if (ArrayBuffer.isView(value))
    return out; // an image's bytes (the signature), no text
  else if (Array.isArray(value)) value.forEach((v, i) => modelTexts(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) modelTexts(v, path === '' ? key : `${path}.${key}`, out);
  }
  return out;
}

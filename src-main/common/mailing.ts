// The mailing list of originals (原件寄递清单) as the contract carries it, and EMS waybill
// numbers (邮件号) as the label prints them and a barcode scanner types them:
// the UPU S10 form — two letters, eight digits, a check digit, the country (EA123456785CN)
// — or the 13-digit form of EMS's domestic labels, which carries no check digit we know.
// A typo caught here is a parcel of originals that can still be traced.
import { z } from 'zod';
import { PacketState } from './packet-states.ts';

const S10 = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/;
const DOMESTIC = /^\d{13}$/;
const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;

/** Upper case, without the spaces and dashes people and some scanners put in. */
export function normaliseWaybill(text: string): string {
  return text.replace(/[\s-]/g, '').toUpperCase();
}

/** The S10 check digit of eight serial digits. */
export function s10CheckDigit(serial: string): number {
  const sum = [...serial].reduce((total, digit, i) => total + Number(digit) * S10_WEIGHTS[i]!, 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 0 : check === 11 ? 5 : check;
}

/** Why a (normalised) waybill number cannot be right, or null when it can. */
export function waybillProblem(waybill: string): 'format' | 'checkDigit' | null {
  if (DOMESTIC.test(waybill)) return null;
  const m = S10.exec(waybill);
  if (!m) return 'format';
  return s10CheckDigit(m[2]!) === Number(m[3]) ? null : 'checkDigit';
}

/** One packet version's parcel of originals on the list. */
export const MailingEntry = z.object({
  packetId: z.string(),
  version: z.number(),
  trackingCode: z.string().nullable(),
  itemName: z.string(),
  applicantName: z.string(),
  departmentId: z.string().nullable(),
  state: PacketState,
  sealedAt: z.number(),
  /** The last day to post, YYYY-MM-DD. */
  postBy: z.string(),
  /** Not posted and that day has passed. */
  late: z.boolean(),
  originals: z.array(z.object({ materialId: z.string(), name: z.string(), count: z.number() })),
  waybill: z.string().nullable(),
  recordedAt: z.number().nullable(),
  recordedBy: z.string().nullable(),
});
export type MailingEntry = z.infer<typeof MailingEntry>;

// How the result reaches the applicant (办理结果送达方式), chosen at intake among what the
// item offers (catalog `result.delivery`): collected at the window, posted by EMS, or
// served electronically. Like every draft value it is kept as typed — an empty address is
// a finding of review (`delivery.choice`), not an input error.
import { z } from 'zod';
import type { ResultDelivery, ServiceItem } from './catalog.ts';

/** 邮寄 needs where to and to whom; the department posts the result there. */
export const PostalAddress = z
  .object({
    recipient: z.string().max(50),
    phone: z.string().max(30),
    address: z.string().max(200),
  })
  .strict();
export type PostalAddress = z.infer<typeof PostalAddress>;

/** The applicant's choice. */
export const DeliveryChoice = z.discriminatedUnion('method', [
  z.object({ method: z.literal('window') }).strict(),
  z.object({ method: z.literal('post'), post: PostalAddress }).strict(),
  z.object({ method: z.literal('electronic') }).strict(),
]);
export type DeliveryChoice = z.infer<typeof DeliveryChoice>;

/** What the item offers; an item without a result listed is collected at the window. */
export function deliveryOptions(item: Pick<ServiceItem, 'result'>): ResultDelivery[] {
  return item.result?.delivery ?? ['window'];
}

/**
 * The delivery in effect: the draft's choice when the item offers it; the only option when
 * there is one; otherwise none (the clerk must ask).
 */
export function deliveryInEffect(
  item: Pick<ServiceItem, 'result'>,
  choice: DeliveryChoice | undefined,
): DeliveryChoice | null {
  const options = deliveryOptions(item);
  if (choice && options.includes(choice.method)) return choice;
  if (options.length === 1 && options[0] !== 'post') return { method: options[0]! };
  return null;
}

/** What a posted result still lacks, as the labels of the empty parts. */
export function missingPostalParts(post: PostalAddress): Array<keyof PostalAddress> {
  return (['recipient', 'phone', 'address'] as const).filter((key) => post[key].trim() === '');
}

/** As printed: 窗口领取 / 邮寄送达 / 电子送达. */
export const DELIVERY_NAMES: Record<ResultDelivery, string> = {
  window: '窗口领取',
  post: '邮寄送达',
  electronic: '电子送达',
};

/**
 * A postal address as a receipt shows it: the applicant's copy may be lost, so the
 * street part is cut after the first characters (enough for the applicant to recognise
 * it), the recipient keeps the surname, the phone its last four digits.
 */
export function maskedPostal(post: PostalAddress): string {
  const address = [...post.address.trim()];
  const shown = address.length > 12 ? `${address.slice(0, 12).join('')}****` : address.join('');
  const name = [...post.recipient.trim()];
  const recipient = name.length > 1 ? `${name[0]}${'*'.repeat(Math.min(name.length - 1, 3))}` : name.join('');
  const digits = post.phone.replace(/\D/g, '');
  const phone = digits.length >= 4 ? `尾号${digits.slice(-4)}` : '';
  return [shown, recipient, phone].filter(Boolean).join('，');
}

/** As a document prints it: 窗口领取 / 邮寄送达（address masked） / 电子送达. */
export function describeDelivery(choice: DeliveryChoice): string {
  if (choice.method !== 'post') return DELIVERY_NAMES[choice.method];
  const where = maskedPostal(choice.post);
  return where ? `${DELIVERY_NAMES.post}（${where}）` : DELIVERY_NAMES.post;
}

// What the screen recording must not store: every ID number, phone number and name
// (and address) of the people of a session. rrweb stores the page's text and the inputs'
// values; inputs are masked whole (every input, no allow-list), and every text node goes
// through `maskText`: wholly masked inside an element marked `rr-mask` (the identity
// panels), elsewhere with the draft's own personal strings and any long run of digits
// (ID numbers, phones) starred out — a name typed into a field shows again in a summary,
// a finding, a heading. rrweb masks no attribute, so the words an element carries in its
// attributes (a receipt image's alt text, a title, an aria-label) go through the same
// `maskText` in `maskAttributes`, on every event before it is kept.
import type { ServiceItem } from '../../src-main/common/catalog.ts';
import type { DraftState } from '../../src-main/common/draft.ts';

/** The class that masks an element's text whole in the stored screen (rrweb's maskTextClass). */
export const MASK_CLASS = 'rr-mask';
/** The class that keeps an element out of the stored screen altogether (rrweb's blockClass): the card photo. */
export const BLOCK_CLASS = 'rr-block';

/** Seven digits or more, perhaps with an X (ID numbers end with one) and spaces between (139 1234 5678); not dates. */
const DIGIT_RUN = /\d(?:\s?\d){6,}[Xx]?/g;

/** The personal strings of a draft: names, ID numbers, phones and addresses, as typed or read. */
export function sensitiveTexts(state: DraftState, item: Pick<ServiceItem, 'fields'> | null): string[] {
  const out: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.trim().length >= 2) out.push(value.trim());
  };
  for (const person of [state.applicant, state.agent, state.guardian?.person]) {
    if (!person) continue;
    add(person.name);
    add(person.idNumber);
    add(person.address);
    if (person.card) for (const value of Object.values(person.card)) add(value);
  }
  if (state.delivery?.method === 'post') for (const value of Object.values(state.delivery.post)) add(value);
  for (const field of item?.fields ?? []) {
    const personal =
      field.type === 'idNumber' ||
      field.type === 'phone' ||
      field.prefill === 'idCard.name' ||
      field.prefill === 'idCard.idNumber' ||
      field.prefill === 'idCard.address' ||
      /name|phone|mobile|address|idNumber/i.test(field.key);
    if (personal) add(state.answers[field.key]);
  }
  // Longest first, so a name inside an address is not matched before the address.
  return [...new Set(out)].sort((a, b) => b.length - a.length);
}

/** The text as stored: `whole` stars every visible character; else the personal strings and digit runs. */
export function maskText(text: string, sensitive: readonly string[], whole: boolean): string {
  if (whole) return text.replace(/\S/g, '*');
  let masked = text;
  for (const value of sensitive) {
    if (masked.includes(value)) masked = masked.split(value).join('*'.repeat(value.length));
  }
  return masked.replace(DIGIT_RUN, (run) => '*'.repeat(run.length));
}

/** Attributes that carry words people read or hear (rrweb stores them as they are). */
const WORDED_ATTRIBUTES = new Set(['alt', 'title', 'placeholder', 'label', 'value', 'summary', 'content']);

const worded = (name: string) => WORDED_ATTRIBUTES.has(name) || name.startsWith('aria-');

interface SerializedNode {
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
}

function maskNode(node: SerializedNode, sensitive: readonly string[]): void {
  const { attributes } = node;
  if (attributes) {
    for (const [name, value] of Object.entries(attributes)) {
      if (typeof value === 'string' && worded(name)) attributes[name] = maskText(value, sensitive, false);
    }
  }
  for (const child of node.childNodes ?? []) maskNode(child, sensitive);
}

/**
 * An rrweb event with its worded attributes masked, in place: the full snapshot's nodes,
 * and a mutation's added nodes and changed attributes. rrweb's event types: 2 full
 * snapshot, 3 incremental (source 0: a mutation).
 */
export function maskAttributes<E>(event: E, sensitive: readonly string[]): E {
  const { type, data } = event as { type?: number; data?: Record<string, unknown> };
  if (!data) return event;
  if (type === 2 && data['node']) maskNode(data['node'] as SerializedNode, sensitive);
  if (type === 3 && data['source'] === 0) {
    for (const add of (data['adds'] as { node?: SerializedNode }[] | undefined) ?? []) {
      if (add.node) maskNode(add.node, sensitive);
    }
    for (const change of (data['attributes'] as SerializedNode[] | undefined) ?? []) maskNode(change, sensitive);
  }
  return event;
}

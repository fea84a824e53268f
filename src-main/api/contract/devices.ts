// The hall's devices as the clerk's screens see them: the card on the ID card reader
// (the identity panel fills from it), and in the demo profile the simulated reader's
// deck to place and take away cards.
import { z } from 'zod';
import { CardIdentity, CardType } from '../../common/id-card.ts';
import { WireErrorSchema } from '../../common/errors.ts';
import { Finding } from '../../common/review/rules.ts';
import { Bytes, method, none } from './method.ts';

export const CardReadId = z.string().min(1).max(64);

/** The card photo, decoded by the hall's licensed decoder; `problem` says why not when it was not. */
export const CardPhoto = z.object({
  present: z.boolean(),
  image: z.object({ mediaType: z.literal('image/bmp'), bytes: Bytes, width: z.number(), height: z.number() }).optional(),
  problem: WireErrorSchema.optional(),
});
export type CardPhoto = z.infer<typeof CardPhoto>;

/** One card as the reader read it, with formal review's findings on it (on the day it was read). */
export const CardReading = z.object({
  readId: CardReadId,
  readAt: z.number(),
  identity: CardIdentity,
  photo: CardPhoto,
  /** Findings as for the applicant; filled in as the agent, the same checks are keyed to the agent. */
  findings: z.array(Finding),
  age: z.number(),
  /** The drafts this reading filled an identity of. */
  usedBy: z.array(z.string()),
});
export type CardReading = z.infer<typeof CardReading>;

/** What the window's reader has to say: the last card read (kept a while after removal), and what lies on it. */
export const CardDeskState = z.object({
  reading: CardReading.nullable(),
  /** Whether the card of `reading` still lies on the reader. */
  onReader: z.boolean(),
  /** A card lies there that cannot be read (it replaces nothing: `reading` stays). */
  unreadable: WireErrorSchema.nullable(),
});
export type CardDeskState = z.infer<typeof CardDeskState>;

export const DemoCard = z.object({ index: z.number().int(), name: z.string(), cardType: CardType });
export type DemoCard = z.infer<typeof DemoCard>;

export const deviceMethods = {
  /** The card desk now (on opening the applicant step, after unlocking); `idCard.changed` tells changes. */
  'idCard.state': method({ access: ['clerk'], background: true, input: none, output: CardDeskState }),
  /** Demo profile: the simulated reader's cards, and the one lying on it (its index), if any. */
  'demo.idCard.deck': method({
    access: 'user',
    input: none,
    output: z.object({ cards: z.array(DemoCard), placed: z.number().int().nullable() }),
  }),
  'demo.idCard.place': method({
    access: 'user',
    input: z.object({ index: z.number().int().min(1).max(99) }).strict(),
    output: z.object({}),
  }),
  'demo.idCard.remove': method({ access: 'user', input: none, output: z.object({}) }),
};

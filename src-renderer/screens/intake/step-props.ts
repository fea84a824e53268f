// What the wizard hands each of its steps, in a file of its own so the steps need
// nothing from the wizard that renders them.
import type { CardDeskState } from '../../../src-main/api/contract/index.ts';
import type { ServiceItem } from '../../../src-main/common/catalog.ts';
import type { DraftPatch, DraftState } from '../../../src-main/common/draft.ts';
import type { IdentityHolder } from '../../../src-main/common/application.ts';

/** What every step gets: the item, the draft state as typed, and the way to change it. */
export interface StepProps {
  item: ServiceItem;
  state: DraftState;
  /** Applies a change on screen and queues it for autosave ('typing' waits for a pause). */
  update: (patch: DraftPatch, when?: 'typing' | 'now') => void;
  /** Saves whatever is queued now (on leaving a field). */
  flush: () => Promise<boolean>;
  /** The hall's date, for birth dates and the like. */
  today: string;
  /** The clerk tried to leave the step: every problem shows, empty required fields too. */
  showAll: boolean;
}

/** The ID card reader, as the applicant step uses it. */
export interface CardSources {
  /** What the card desk holds (the last card read, what lies on the reader). */
  desk: CardDeskState;
  /** Fills the applicant's or the agent's identity from a reading (the core logs it). */
  fill: (who: IdentityHolder, readId: string) => Promise<void>;
  /** The demo profile: the simulated reader's cards can be placed from the screen. */
  demo: boolean;
}

// What the wizard hands each of its steps, in a file of its own so the steps need
// nothing from the wizard that renders them.
import type { ServiceItem } from '../../../src-main/common/catalog.ts';
import type { DraftPatch, DraftState } from '../../../src-main/common/draft.ts';
import type { PersonIdentity } from '../../../src-main/common/application.ts';

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
}

/**
 * Where identity comes from besides the keyboard. The ID-card reader plugs in here
 * (a later issue); without it the button stays disabled and says why.
 */
export interface IdentitySources {
  readIdCard?: () => Promise<PersonIdentity>;
}

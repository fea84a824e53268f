// What the setup wizard hands each of its steps.
import type { ConfigProblem, SetupState } from '../../../src-main/api/contract/setup.ts';
import type { WizardState } from './setup-model.ts';

export interface SetupStepProps {
  state: WizardState;
  /** Applies a change to the wizard's state (the draft, the tokens). */
  change: (next: (state: WizardState) => WizardState) => void;
  /** The problems of the whole draft, as the hall's schema finds them. */
  problems: readonly ConfigProblem[];
  /** The step has been left or the whole checked: its fields show their problems. */
  showProblems: boolean;
  /** What the core said when the wizard opened (data directory, tokens already set). */
  setup: SetupState;
}

// The keys of a draft, in one place: the wizard listens for them (also while the
// focus is in a field) and the buttons show them, so clerks can find them.
import { WIZARD_STEPS, type WizardStep } from '../../../src-main/common/draft.ts';

/** Alt+1 … Alt+4: the step of that number in the step bar. */
export function stepShortcut(step: WizardStep): string {
  return `Alt+${WIZARD_STEPS.indexOf(step) + 1}`;
}

/** The step an Alt+digit goes to, if any (by physical key, so layouts and IMEs do not matter). */
export function stepOfKey(code: string): WizardStep | undefined {
  const digit = /^(?:Digit|Numpad)([1-9])$/.exec(code)?.[1];
  return digit === undefined ? undefined : WIZARD_STEPS[Number(digit) - 1];
}

/** 开始审查 (review) and 封装 (seal): Alt and a letter, by physical key. */
export const REVIEW_SHORTCUT = { code: 'KeyR', label: 'Alt+R' } as const;
export const SEAL_SHORTCUT = { code: 'KeyS', label: 'Alt+S' } as const;
/** 视频会商 (V for video): opens the call panel about this draft. */
export const CALL_SHORTCUT = { code: 'KeyV', label: 'Alt+V' } as const;

/** What the review step does on a key pressed anywhere in the draft. */
export interface ReviewCommands {
  review: () => void;
  seal: () => void;
}

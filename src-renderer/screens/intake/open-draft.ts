// Which draft this tab has open (sessionStorage: it outlives a reload or a renderer
// crash, not the tab). Only the draft's id is kept here; its content lives in the core.
const OPEN_DRAFT_KEY = 'tongban.intake.openDraft';

export const openDraft = {
  get(): string | null {
    return window.sessionStorage.getItem(OPEN_DRAFT_KEY);
  },
  set(id: string): void {
    window.sessionStorage.setItem(OPEN_DRAFT_KEY, id);
  },
  clear(): void {
    window.sessionStorage.removeItem(OPEN_DRAFT_KEY);
  },
};

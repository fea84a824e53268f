// What the session review decides outside React: the list's query from the filters as
// the supervisor set them, where the keyboard's next / previous / next flagged lands on
// a page, and how times and durations read. Which sessions a filter holds is the core's.
import type { MethodInput, SessionFlag, SessionOutcome, SessionSummary } from '../../../src-main/api/contract/index.ts';

export interface SessionFilters {
  from: string;
  to: string;
  clerk: string;
  itemCode: string;
  outcome: '' | SessionOutcome;
  flag: '' | SessionFlag | 'any';
  reviewed: '' | 'yes' | 'no';
}

export const NO_FILTERS: SessionFilters = {
  from: '',
  to: '',
  clerk: '',
  itemCode: '',
  outcome: '',
  flag: '',
  reviewed: '',
};

/** The `sessions.list` input for the filters (an empty field filters nothing). */
export function queryOf(filters: SessionFilters): MethodInput<'sessions.list'> {
  return {
    ...(filters.from ? { from: filters.from } : {}),
    ...(filters.to ? { to: filters.to } : {}),
    ...(filters.clerk ? { clerk: filters.clerk } : {}),
    ...(filters.itemCode ? { itemCode: filters.itemCode } : {}),
    ...(filters.outcome ? { outcome: filters.outcome } : {}),
    ...(filters.flag ? { flag: filters.flag } : {}),
    ...(filters.reviewed ? { reviewed: filters.reviewed === 'yes' } : {}),
  };
}

/**
 * Where "next" (+1) or "previous" (-1) goes from the session shown: an index on this page,
 * or off its end (`nextPage` / `previousPage`). With nothing shown, the first row.
 */
export function stepFrom(
  sessions: readonly SessionSummary[],
  currentId: string | null,
  direction: 1 | -1,
): number | 'nextPage' | 'previousPage' | null {
  if (sessions.length === 0) return direction === 1 ? 'nextPage' : 'previousPage';
  const at = currentId === null ? -1 : sessions.findIndex((s) => s.draftId === currentId);
  if (at === -1) return direction === 1 ? 0 : sessions.length - 1;
  const next = at + direction;
  if (next >= sessions.length) return 'nextPage';
  if (next < 0) return 'previousPage';
  return next;
}

/** The next flagged session after the one shown on this page, or -1 when the rest of the page has none. */
export function nextFlagged(sessions: readonly SessionSummary[], currentId: string | null): number {
  const at = currentId === null ? -1 : sessions.findIndex((s) => s.draftId === currentId);
  return sessions.findIndex((s, i) => i > at && s.flags.length > 0);
}

/** Minutes and seconds of a duration (sessions last minutes, not hours). */
export function durationParts(ms: number): { minutes: number; seconds: number } {
  const total = Math.max(0, Math.round(ms / 1000));
  return { minutes: Math.floor(total / 60), seconds: total % 60 };
}

/** `m:ss` (or `h:mm:ss` past an hour) of a span from the session's start: the player's clock. */
export function clockText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** `+m:ss` from the session's start: where a chapter sits on the player's timeline, as the player reads it. */
export function offsetLabel(ms: number): string {
  return `+${clockText(ms)}`;
}

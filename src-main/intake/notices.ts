// The notices a window issues when it seals (行政许可法 §32): which ones, and the
// data that fills them. Rendering to PDF is the documents module's job.
import type { Department, ServiceItem } from '../catalog/schema.ts';
import type { HallConfig } from '../core/config.ts';
import type { ReviewResult } from '../review/review.ts';
import type { DraftFile, DraftState } from './draft.ts';
import type { NoticeKind } from './manifest.ts';

export interface NoticeInput {
  item: ServiceItem;
  /** The active catalog's departments, to name the one that decides. */
  departments: readonly Department[];
  review: ReviewResult;
  state: DraftState;
  files: DraftFile[];
  packetId: string;
  version: number;
  clerk: { username: string; displayName: string };
  config: HallConfig;
  sealedAt: number;
  /** Allocates the documents' numbers, only for the kinds actually issued. */
  numbers(kinds: readonly NoticeKind[]): Record<NoticeKind, string>;
}

export interface RenderedNotice {
  kind: NoticeKind;
  number: string;
  title: string;
  bytes: Uint8Array;
}

export interface NoticeRenderer {
  render(input: NoticeInput): Promise<RenderedNotice[]>;
}

/** 受理 gives the receipt and the acceptance notice; 补正 and 不予受理 their own notice. */
export function noticesFor(outcome: ReviewResult['outcome']): NoticeKind[] {
  if (outcome === 'accept') return ['receipt', 'acceptance'];
  return outcome === 'correction' ? ['correction'] : ['refusal'];
}

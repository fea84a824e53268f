// The notices a window issues when it seals (行政许可法 §32, under 收受分离: the 收件凭证,
// its own 补正, a 受理通知书 only as entrusted): which ones, and the data that fills them.
// Rendering to PDF is the documents module's job.
import type { Department, ServiceItem } from '../common/catalog.ts';
import type { HallConfig } from '../common/hall-config.ts';
import type { ReviewResult, SealableReview } from '../common/review/review.ts';
import type { DraftFile, DraftState } from '../common/draft.ts';
import type { NoticeKind } from '../common/manifest.ts';
import type { BindRequest } from '../documents/render-protocol.ts';
import type { DocumentInput } from '../documents/model.ts';
import type { UnprintableText } from '../common/review/printing.ts';
import { trackingUrl } from '../common/tracking-code.ts';

/** The 查询号 and, when the hall has a tracking URL template, the URL with it filled in. */
export interface NoticeTracking {
  code: string;
  url?: string;
}

export function trackingOf(code: string, template: string | undefined): NoticeTracking {
  return template === undefined ? { code } : { code, url: trackingUrl(template, code) };
}

export interface NoticeInput {
  item: ServiceItem;
  /** The active catalog's departments, to name the one that decides. */
  departments: readonly Department[];
  review: SealableReview;
  state: DraftState;
  files: DraftFile[];
  packetId: string;
  /** The packet's 查询号 and tracking URL: the receipt prints the code, its QR code carries the URL, else the code. */
  tracking: NoticeTracking;
  version: number;
  clerk: { username: string; displayName: string };
  config: HallConfig;
  sealedAt: number;
  /** 申请人签名 as a PNG, drawn on the 申请人（签字） lines; without it they stay blank for a hand signature. */
  applicantSignature?: Uint8Array;
  /** Allocates the documents' numbers, only for the kinds actually issued. */
  numbers(kinds: readonly NoticeKind[]): Record<NoticeKind, string>;
}

/** What the documents would print, before anything is numbered (a declined review prints nothing). */
export type NoticeCheckInput = Omit<NoticeInput, 'numbers' | 'version' | 'sealedAt' | 'tracking' | 'review'> & {
  review: ReviewResult;
};

export interface RenderedNotice {
  kind: NoticeKind;
  number: string;
  title: string;
  bytes: Uint8Array;
  /** What the document says (the receipt printer prints its slip from the same model). */
  model: DocumentInput;
  /** Characters no font had, printed as empty boxes. */
  unprintable: string[];
}

export interface NoticeRenderer {
  render(input: NoticeInput): Promise<RenderedNotice[]>;
  /** The characters the outcome's documents would print as empty boxes, by where they stand. */
  check(input: NoticeCheckInput): UnprintableText[];
  /** A seal may follow soon: get ready to render (cheap; may do nothing). */
  warmUp(): void;
  /** One material's camera pages bound into one PDF, in order, laid out and certified as asked (the same request gives the same bytes). */
  bindPages(request: BindRequest): Promise<Uint8Array>;
}

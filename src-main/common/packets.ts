// How a sealed packet (收件包) looks from outside the packets module: what sealing
// answers and what the queue lists. The manifest itself is in manifest.ts.
import { z } from 'zod';
import { DeadlineStatus } from './deadline-status.ts';
import { NoticeKind, SealedOutcome } from './manifest.ts';
import { PacketState } from './packet-states.ts';

/** A notice issued with the packet (收件凭证, 受理/补正/不予受理通知书), stored as a PDF blob. */
export const PacketDocument = z.object({
  kind: NoticeKind,
  number: z.string(),
  title: z.string(),
  sha256: z.string(),
});
export type PacketDocument = z.infer<typeof PacketDocument>;

export const SealedPacket = z.object({
  packetId: z.string(),
  version: z.number(),
  outcome: SealedOutcome,
  state: PacketState,
  manifestHash: z.string(),
  /** 承诺办结时限 or 补正期限, YYYY-MM-DD. */
  deadline: z.string().nullable(),
  /** 查询号 (common/tracking-code.ts); null for a packet sealed before packets had one. */
  trackingCode: z.string().nullable(),
  documents: z.array(PacketDocument),
});
export type SealedPacket = z.infer<typeof SealedPacket>;

/** 交付: how a department's refusal or result reached the applicant, by whom and when. */
export const HANDOVER_WAYS = ['window', 'post'] as const;
export const Handover = z.object({ how: z.enum(HANDOVER_WAYS), by: z.string(), at: z.number() });
export type Handover = z.infer<typeof Handover>;

/** Decisions the clerk hands to the applicant (交付); a 补正 is answered by a new version instead. */
export const HANDED_OVER_STATES: readonly PacketState[] = ['refused', 'approved'];

export const PacketSummary = SealedPacket.extend({
  itemCode: z.string(),
  itemName: z.string(),
  applicantName: z.string(),
  /** Why the packet is in its state (a department's reason, a sync error code), or null. */
  reason: z.string().nullable(),
  sealedAt: z.number(),
  /** How the deadline stands on the hall's today (working days, see deadline-status.ts). */
  deadlineStatus: DeadlineStatus,
  /** The department's decision in the current state (a refusal, a result) reached the applicant. */
  handedOver: Handover.nullable(),
});
export type PacketSummary = z.infer<typeof PacketSummary>;

/**
 * The queue's filters: today's, still open (未办结), needing the clerk (需人工处理), all.
 * `packets.list` pages through one of them and counts each.
 */
export const QUEUE_FILTERS = ['today', 'open', 'attention', 'all'] as const;
export const QueueFilter = z.enum(QUEUE_FILTERS);
export type QueueFilter = z.infer<typeof QueueFilter>;
export const QueueCounts = z.object({ today: z.number(), open: z.number(), attention: z.number(), all: z.number() });
export type QueueCounts = z.infer<typeof QueueCounts>;

/**
 * Department decisions the clerk must act on (需人工处理) on a packet's latest version: a
 * 补正 to take in (`correction_required`), a refusal and a result to hand to the applicant.
 * They leave the list when a new version answers the 补正, the clerk records the decision
 * handed over (交付), or the department closes the packet. Besides these, a version the outbox holds for a person needs the clerk.
 */
export const CLERK_ATTENTION_STATES: readonly PacketState[] = ['correction_required', 'refused', 'approved'];

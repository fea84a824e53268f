// Sealed packets: the queue (with each packet's way to the department) and their documents.
import { z } from 'zod';
import { CalendarDateSchema } from '../../common/dates.ts';
import { DepartmentDocumentRef } from '../../common/department-documents.ts';
import { DutyBoard } from '../../common/duty-board.ts';
import { MailingEntry } from '../../common/mailing.ts';
import { Handover, HANDOVER_WAYS, PacketSummary, QueueCounts, QueueFilter } from '../../common/packets.ts';
import { Decision, PacketSync } from '../../common/sync.ts';
import { FileContent, method, Sha256 } from './method.ts';

/** A packet of the queue with its sync view (the core always sets `sync`, null when it does not travel). */
export const QueuedPacket = PacketSummary.extend({
  sync: PacketSync.nullable().optional(),
  /** The department's documents printed at the window (统一窗口出件), in the order they came. */
  departmentDocuments: z.array(DepartmentDocumentRef).optional(),
});
export type QueuedPacket = z.infer<typeof QueuedPacket>;

/** At most this many packets a page. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;
/** A search is a name, an ID number, a document number or a 查询号: never longer than this. */
export const MAX_QUEUE_QUERY = 160;

export const packetMethods = {
  /**
   * One page of the queue, newest first. `scope` is the filter; `query` searches by name,
   * ID number, document number or 查询号 (any case, dashes optional) within it; `cursor`
   * is the `nextCursor` of the page before. `counts` are every filter's, with the search.
   */
  'packets.list': method({
    access: ['clerk', 'supervisor'],
    background: true,
    input: z
      .object({
        scope: QueueFilter,
        query: z.string().max(MAX_QUEUE_QUERY).optional(),
        cursor: z.string().max(400).optional(),
        limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
      })
      .strict(),
    output: z.object({ packets: z.array(QueuedPacket), nextCursor: z.string().nullable(), counts: QueueCounts }),
  }),
  /**
   * The department's latest word on a packet version (its reason, what to correct), or
   * null: shown at the top of a 补正续办 draft, so the clerk sees what was asked for.
   */
  'packets.decision': method({
    access: ['clerk', 'supervisor'],
    input: z.object({ packetId: z.string().max(64), version: z.number().int().min(1) }).strict(),
    output: z.object({ decision: Decision.nullable() }),
  }),
  'documents.get': method({
    access: ['clerk', 'supervisor'],
    input: z.object({ sha256: Sha256 }).strict(),
    output: FileContent,
  }),
  /** 原件寄递清单 of a day (today by default): that day's parcels and every earlier one still unposted. */
  'mailing.list': method({
    access: ['clerk', 'supervisor'],
    input: z.object({ day: CalendarDateSchema.optional() }).strict(),
    output: z.object({ day: z.string(), today: z.string(), entries: z.array(MailingEntry) }),
  }),
  /** 时限看板: the window's duties and the departments' deadlines in yellow and red, clerk by clerk. */
  'duties.board': method({
    access: ['supervisor'],
    background: true,
    input: z.object({}).strict(),
    output: DutyBoard,
  }),
  /** The EMS waybill of a parcel of originals, typed or scanned; again to correct it. */
  'mailing.recordWaybill': method({
    access: ['clerk'],
    input: z
      .object({
        packetId: z.string().min(1).max(64),
        version: z.number().int().min(1),
        waybill: z.string().min(1).max(40),
      })
      .strict(),
    output: MailingEntry,
  }),
  /** 交付: the department's refusal or result reached the applicant; it leaves 需人工处理. */
  'packets.handOver': method({
    access: ['clerk'],
    input: z
      .object({
        packetId: z.string().min(1).max(64),
        version: z.number().int().min(1),
        how: z.enum(HANDOVER_WAYS),
      })
      .strict(),
    output: Handover,
  }),
  /** A department's document (受理, 补正, 不予受理, the outcome) as a PDF, by the change it prints. */
  'documents.department': method({
    access: ['clerk', 'supervisor'],
    input: z
      .object({
        packetId: z.string().max(64),
        version: z.number().int().min(1).max(1_000_000),
        cursor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
      })
      .strict(),
    output: FileContent,
  }),
};

// Sealed packets: the queue (with each packet's way to the department) and their documents.
import { z } from 'zod';
import { CalendarDateSchema } from '../../common/dates.ts';
import { DutyBoard } from '../../common/duty-board.ts';
import { MailingEntry } from '../../common/mailing.ts';
import { DepartmentDocumentRef } from '../../common/department-documents.ts';
import { PacketSummary } from '../../common/packets.ts';
import { PacketSync } from '../../common/sync.ts';
import { FileContent, method, Sha256 } from './method.ts';

/** A packet of the queue with its sync view (the core always sets `sync`, null when it does not travel). */
export const QueuedPacket = PacketSummary.extend({
  sync: PacketSync.nullable().optional(),
  /** The department's documents printed at the window (统一窗口出件), in the order they came. */
  departmentDocuments: z.array(DepartmentDocumentRef).optional(),
});
export type QueuedPacket = z.infer<typeof QueuedPacket>;

export const packetMethods = {
  'packets.list': method({
    access: ['clerk', 'supervisor'],
    background: true,
    input: z.object({ scope: z.enum(['today', 'all']) }).strict(),
    output: z.object({ packets: z.array(QueuedPacket) }),
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

// Sealed packets: the queue (with each packet's way to the department) and their documents.
import { z } from 'zod';
import { PacketSummary } from '../../common/packets.ts';
import { PacketSync } from '../../common/sync.ts';
import { FileContent, method, Sha256 } from './method.ts';

/** A packet of the queue with its sync view (the core always sets `sync`, null when it does not travel). */
export const QueuedPacket = PacketSummary.extend({ sync: PacketSync.nullable().optional() });
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
};

// 报送: the outbox to the approving departments, and their tokens.
import { z } from 'zod';
import { PacketId, PacketVersion } from '../../common/manifest.ts';
import { EnrolmentInfo, PacketSync, SyncStatus, TokenResult } from '../../common/sync.ts';
import { method, none } from './method.ts';

const DepartmentId = z.string().min(1).max(64);

export const syncMethods = {
  'sync.status': method({ access: 'user', background: true, input: none, output: SyncStatus }),
  // Pausing stops sending for the whole hall and outlives a restart: the lead's call, not a clerk's.
  'sync.pause': method({ access: ['supervisor', 'installer'], input: none, output: SyncStatus }),
  'sync.resume': method({ access: ['supervisor', 'installer'], input: none, output: SyncStatus }),
  'sync.retryNow': method({
    access: ['clerk', 'supervisor', 'installer'],
    input: z.object({ packetId: PacketId, version: PacketVersion }).strict(),
    output: PacketSync,
  }),
  'sync.enrolment': method({ access: ['installer'], input: none, output: EnrolmentInfo }),
  'sync.setDepartmentToken': method({
    access: ['installer'],
    input: z
      .object({
        departmentId: DepartmentId,
        token: z
          .string()
          .trim()
          .min(16)
          .max(512)
          .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
      })
      .strict(),
    output: TokenResult,
  }),
};

// `packets.list` as the core answers it, over the fake's packets: the filters, the search
// (a whole name, an ID number, a document number or a 查询号 typed loosely), keyset pages
// and the counts. The rules are the store's (packets/packet-store.ts), restated plainly.
import type { QueuedPacket } from '../../src-main/api/contract/index.ts';
import { FINISHED_STATES, isSendingState } from '../../src-main/common/packet-states.ts';
import {
  CLERK_ATTENTION_STATES,
  QUEUE_FILTERS,
  type QueueCounts,
  type QueueFilter,
} from '../../src-main/common/packets.ts';
import { parseTrackingCode } from '../../src-main/common/tracking-code.ts';

export interface FakePageInput {
  scope: QueueFilter;
  query?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

const fold = (text: string) => text.normalize('NFKC').replace(/[\s·]/g, '').toUpperCase();

function matches(packet: QueuedPacket & { idNumbers?: string[] }, query: string): boolean {
  const typed = fold(query);
  if (!typed) return true;
  const code = parseTrackingCode(query);
  if (code.ok && packet.trackingCode === code.code) return true;
  if (fold(packet.applicantName) === typed) return true;
  if ((packet.idNumbers ?? []).some((id) => fold(id) === typed)) return true;
  return packet.documents.some((d) => fold(d.number) === typed || fold(d.number).endsWith(`-${typed}`));
}

export function fakeQueuePage(
  all: ReadonlyArray<QueuedPacket & { idNumbers?: string[] }>,
  input: FakePageInput,
  todayFrom: number,
): { packets: QueuedPacket[]; nextCursor: string | null; counts: QueueCounts } {
  const sorted = [...all].sort(
    (a, b) =>
      b.sealedAt - a.sealedAt || (a.packetId < b.packetId ? 1 : a.packetId > b.packetId ? -1 : b.version - a.version),
  );
  const isLatest = (p: QueuedPacket) => !all.some((q) => q.packetId === p.packetId && q.version > p.version);
  const held = (p: QueuedPacket) => Boolean(p.sync?.blocked && p.sync.step !== 'done' && isSendingState(p.state));
  const holds: Record<QueueFilter, (p: QueuedPacket) => boolean> = {
    all: () => true,
    today: (p) => p.sealedAt >= todayFrom,
    open: (p) => !FINISHED_STATES.has(p.state) && isLatest(p),
    attention: (p) => isLatest(p) && ((CLERK_ATTENTION_STATES.includes(p.state) && p.handedOver === null) || held(p)),
  };
  const found = sorted.filter((p) => matches(p, input.query ?? ''));
  const counts = Object.fromEntries(QUEUE_FILTERS.map((f) => [f, found.filter(holds[f]).length])) as QueueCounts;
  const shown = found.filter(holds[input.scope]);
  const from = input.cursor ? Number(input.cursor) : 0;
  const limit = input.limit ?? 50;
  const packets = shown.slice(from, from + limit).map(({ idNumbers: _ids, ...packet }) => packet as QueuedPacket);
  return { packets, nextCursor: from + limit < shown.length ? String(from + limit) : null, counts };
}

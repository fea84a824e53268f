// Real parts for 视频会商 tests: a real hall core (sync's Hall) enrolled in a real inbox on
// 127.0.0.1, and an approver driving the inbox's console API with a session cookie and
// its CSRF header, as the console's script does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Inbox } from '../../../dept-inbox/src/server.ts';
import type { DraftView, SealedPacket, WindowCall } from '../../../src-main/api/contract/index.ts';
import type { CallSignal } from '../../../src-main/common/call-protocol.ts';
import { type Approver, consoleApi } from '../../../dept-inbox/tests/console-client.ts';
import { EventLog } from '../../../src-main/recording/event-log.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';
import { completeSocialCardPatch, SOCIAL_CARD } from '../intake/fixtures.ts';
import { TestClock } from '../helpers.ts';
import { type Hall, uniquePng, until } from '../sync/helpers.ts';

export { type Approver, consoleApi, signInApprover } from '../../../dept-inbox/tests/console-client.ts';

/** The approver's signals from the window after `after` (no wait). */
export async function approverSignals(inbox: Inbox, who: Approver, callId: string, after = 0) {
  const answer = await consoleApi<{ signals: Array<{ seq: number; from: string; signal: CallSignal }> }>(
    inbox,
    who,
    'GET',
    `${callId}/signals?after=${after}&wait=0`,
  );
  expect(answer.status).toBe(200);
  return answer.body.signals;
}

/** A draft of 社会保障卡申领 with the applicant and form filled (no files yet). */
export async function openDraft(hall: Hall): Promise<string> {
  const draft = await hall.clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
  await hall.clerk.call('drafts.save', { id: draft.id, patch: completeSocialCardPatch() });
  return draft.id;
}

/** Adds the draft's materials and seals it as 受理. */
export async function sealDraft(hall: Hall, draftId: string): Promise<SealedPacket> {
  await addFileBytes(hall.clerk.call, {
    id: draftId,
    materialId: 'applicant-id-card',
    name: '身份证.png',
    bytes: uniquePng(1500),
  });
  await addFileBytes(hall.clerk.call, { id: draftId, materialId: 'photo', name: '照片.png', bytes: uniquePng(800) });
  return hall.clerk.call<SealedPacket>('drafts.seal', { id: draftId });
}

/** The `calls.changed` events the clerk's connection heard for a call, in order. */
export function changes(hall: Hall, callId: string): WindowCall[] {
  return hall.events
    .filter((e) => e.name === 'calls.changed' && (e.payload as WindowCall).call.callId === callId)
    .map((e) => e.payload as WindowCall);
}

/** Waits until the clerk heard the call change to `state` (and `reason`, when given). */
export function changedTo(hall: Hall, callId: string, state: string, reason?: string): Promise<WindowCall> {
  return until(
    () =>
      changes(hall, callId).find(
        (c) => c.call.state === state && (reason === undefined || c.call.endReason === reason),
      ),
    15_000,
    `call ${callId.slice(0, 8)} ${state}${reason ? ` (${reason})` : ''}`,
  );
}

/** The `calls.signal` events the clerk's connection heard for a call, in order. */
export function signalsHeard(hall: Hall, callId: string): CallSignal[] {
  return hall.events
    .filter((e) => e.name === 'calls.signal' && (e.payload as { callId: string }).callId === callId)
    .map((e) => (e.payload as { signal: CallSignal }).signal);
}

/** The session's events (kind and payload) as the core logged them, and whether its chain verifies. */
export function session(hall: Hall, draftId: string) {
  const db = hall.openDb();
  const stream = `session:${draftId}`;
  const events = db
    .prepare<[string], { kind: string; actor: string; payload: string }>(
      'SELECT kind, actor, payload FROM event_log WHERE stream = ? ORDER BY seq',
    )
    .all(stream)
    .map((row) => ({ kind: row.kind, actor: row.actor, payload: JSON.parse(row.payload) as Record<string, unknown> }));
  const keys = deriveStoreKeys(readFileSync(join(hall.dataDir, 'keys', 'master.key')));
  const verified = new EventLog(db, new TestClock(), keys.evidenceKey).verify(stream);
  return { events, kinds: events.map((e) => e.kind), verified };
}

export const offer: CallSignal = { type: 'description', description: { type: 'offer', sdp: 'v=0\r\no=window\r\n' } };
export const answerSdp: CallSignal = {
  type: 'description',
  description: { type: 'answer', sdp: 'v=0\r\no=approver\r\n' },
};
export { candidate } from '../../../dept-inbox/tests/console-client.ts';

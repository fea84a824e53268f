// 视频会商: the inbox's side of a call between a window and an approver
// (src-main/common/call-protocol.ts, docs/video-consultation.md). The inbox keeps each
// call's state and record in its database and relays the two sides' signals through in-memory
// mailboxes, answered by long polls; the media never pass through here. A restart loses
// the mailboxes, so calls open at the start are ended `refused`.
import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { IncomingCalls } from '../../src-main/common/call-protocol.ts';
import {
  APPROVER_PRESENCE_MS,
  CALL_MAX_WAIT_SECONDS,
  CALL_RING_MS,
  CALLS_PATH,
  CallId,
  CallRecordEntry,
  CallSubject,
  EndCallRequest,
  MAX_PENDING_SIGNALS,
  PlaceCallRequest,
  SendSignalRequest,
  type CallEndReason,
  type CallParty,
  type CallSide,
  type CallSignal,
  type CallTicket,
  type CallView,
  type IceServer,
  type SignalEnvelope,
  type SignalPoll,
} from '../../src-main/common/call-protocol.ts';
import type { CallRecordRow, CallRow, InboxDb, WindowRow } from './db.ts';
import { InboxError } from './errors.ts';

/** An active call whose one side has not polled its signals for this long has lost it. */
export const CALL_LOST_MS = 60_000;
const SWEEP_MS = 5_000;
/** TURN credentials last a working day by default (coturn checks them on every refresh). */
const TURN_TTL_SECONDS = 8 * 3600;

export interface CallsOptions {
  /** STUN (or TURN with fixed credentials) servers handed out as they are. */
  iceServers?: IceServer[] | undefined;
  /** A TURN server with coturn's `use-auth-secret`: each ticket gets credentials of its own. */
  turn?: { urls: string[]; secret: string; ttlSeconds?: number | undefined } | undefined;
  /** Overrides for tests: ring time, silence before `lost`, sweep period. */
  ringMs?: number | undefined;
  lostMs?: number | undefined;
  sweepMs?: number | undefined;
  /**
   * Other inbox processes share the database (PostgreSQL): calls open at start may be
   * theirs, and so may active calls this process has no mailbox of — neither is ended here.
   */
  sharedDatabase?: boolean | undefined;
  /** Where a failed sweep is told (the server's log). */
  warn?: ((message: string, fields?: Record<string, unknown>) => void) | undefined;
}

/** Who asks: a window (by its token) or an approver (by the console's session). */
export type CallActor = { side: 'window'; window: WindowRow } | { side: 'approver'; approver: CallParty };

interface Mailbox {
  seq: number;
  signals: SignalEnvelope[];
  /** When each side last polled its signals (the sweep ends a silent active call `lost`). */
  polledAt: Record<CallSide, number>;
}

/** Long-poll waiters by key, woken at once by a change. */
class Waiters {
  readonly #waiting = new Map<string, Set<() => void>>();

  wait(keys: string[], ms: number, gone: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        gone.removeEventListener('abort', done);
        for (const key of keys) this.#waiting.get(key)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      gone.addEventListener('abort', done);
      for (const key of keys) {
        let set = this.#waiting.get(key);
        if (!set) this.#waiting.set(key, (set = new Set()));
        set.add(done);
      }
    });
  }

  wake(key: string): void {
    const set = this.#waiting.get(key);
    if (!set) return;
    this.#waiting.delete(key);
    for (const done of set) done();
  }

  wakeAll(): void {
    for (const key of [...this.#waiting.keys()]) this.wake(key);
  }
}

export class CallService {
  readonly #db: InboxDb;
  readonly #now: () => number;
  readonly #options: CallsOptions;
  readonly #ringMs: number;
  readonly #lostMs: number;
  readonly #mailboxes = new Map<string, Mailbox>();
  readonly #waiters = new Waiters();
  /** Approvers' last poll of the waiting list, by approver id. */
  readonly #presence = new Map<string, number>();
  /** The incoming calls last told to each window: a poll answers at once when they changed. */
  readonly #told = new Map<string, string>();
  /** Bumped by every change of the waiting list; the console's poll answers at once when it moved on. */
  #version = 1;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(db: InboxDb, now: () => number, options: CallsOptions = {}) {
    this.#db = db;
    this.#now = now;
    this.#options = options;
    this.#ringMs = options.ringMs ?? CALL_RING_MS;
    this.#lostMs = options.lostMs ?? CALL_LOST_MS;
  }

  /** Ends the calls a previous run left open, and starts the sweep. */
  async start(): Promise<void> {
    if (!this.#options.sharedDatabase) await this.#db.endOpenCalls(this.#now(), 'refused');
    this.#timer = setInterval(() => {
      this.sweep().catch((error: unknown) => this.#options.warn?.('call sweep failed', { error: String(error) }));
    }, this.#options.sweepMs ?? SWEEP_MS);
    this.#timer.unref();
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#waiters.wakeAll();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Ends unanswered calls past their ring time and active calls one side fell silent on. */
  async sweep(): Promise<number> {
    const now = this.#now();
    let ended = 0;
    for (const row of await this.#db.openCalls()) {
      if (row.state === 'waiting' && now - row.placed_at >= this.#ringMs) {
        if (await this.#finish(row, ['waiting'], 'expired')) ended += 1;
      } else if (row.state === 'active' && (this.#mailboxes.has(row.call_id) || !this.#options.sharedDatabase)) {
        const box = this.#mailbox(row.call_id);
        if (now - Math.min(box.polledAt.window, box.polledAt.approver) >= this.#lostMs) {
          if (await this.#finish(row, ['active'], 'lost')) ended += 1;
        }
      }
    }
    return ended;
  }

  approversOnline(): number {
    const now = this.#now();
    let online = 0;
    for (const [id, at] of this.#presence) {
      if (now - at < APPROVER_PRESENCE_MS) online += 1;
      else this.#presence.delete(id);
    }
    return online;
  }

  // ── placing and answering ──────────────────────────────────────────────────

  /** The window places a call; the same id from the same window again finds it (`created` false). */
  async placeByWindow(window: WindowRow, body: unknown): Promise<{ created: boolean; ticket: CallTicket }> {
    const request = parse(PlaceCallRequest, body);
    const existed = (await this.#db.call(request.callId)) !== undefined;
    const row = await this.#db.insertCall({
      call_id: request.callId,
      window_id: window.window_id,
      placed_by: 'window',
      subject: JSON.stringify(request.subject),
      state: 'waiting',
      approver_id: null,
      approver_name: null,
      placed_at: this.#now(),
      answered_at: null,
      ended_at: null,
      end_reason: null,
      packet_id: request.subject.packetId ?? null,
    });
    if (row.window_id !== window.window_id || row.placed_by !== 'window') {
      throw new InboxError('call.conflict', 'this call id is taken by another call');
    }
    const created = !existed;
    if (created) {
      this.#mailbox(row.call_id);
      this.#changed(row);
    }
    return { created, ticket: await this.#ticket(row, window.window_id) };
  }

  /** An approver calls a window about a packet that window sent. */
  async placeByApprover(approver: CallParty, body: unknown): Promise<CallTicket> {
    const request = parse(z.object({ windowId: z.string().min(1).max(64), packetId: z.string().min(1).max(64) }), body);
    const packet = await this.#db.latestVersion(request.packetId);
    if (!packet || packet.window_id !== request.windowId) {
      throw new InboxError('call.notFound', 'no packet of that window by that id');
    }
    const manifest = JSON.parse(packet.manifest) as Record<string, unknown>;
    const applicant = (manifest.applicant ?? {}) as Record<string, unknown>;
    const subject = parse(CallSubject, {
      packetId: packet.packet_id,
      itemCode: packet.item_code,
      itemName: text(manifest.itemName, 200) || packet.item_code,
      applicant: maskName(text(applicant.name, 64)),
    });
    const row = await this.#db.insertCall({
      call_id: randomUUID(),
      window_id: packet.window_id,
      placed_by: 'approver',
      subject: JSON.stringify(subject),
      state: 'waiting',
      approver_id: approver.id,
      approver_name: approver.name,
      placed_at: this.#now(),
      answered_at: null,
      ended_at: null,
      end_reason: null,
      packet_id: packet.packet_id,
    });
    this.#mailbox(row.call_id);
    this.#changed(row);
    return this.#ticket(row, approver.id);
  }

  async answer(actor: CallActor, callId: string): Promise<CallTicket> {
    const row = await this.#get(actor, callId);
    const who = actor.side === 'window' ? actor.window.window_id : actor.approver.id;
    if (row.state === 'ended') throw new InboxError('call.ended', `the call ended (${row.end_reason})`);
    if (row.placed_by === actor.side) throw new InboxError('call.forbidden', 'a side cannot answer its own call');
    if (row.state === 'active') {
      // The same answerer again (a retried request) gets the same ticket.
      if (actor.side === 'window' || row.approver_id === who) return this.#ticket(row, who);
      throw new InboxError('call.taken', 'another approver answered this call');
    }
    const party = actor.side === 'approver' ? actor.approver : undefined;
    if (!(await this.#db.answerCall(row.call_id, this.#now(), party))) {
      return this.answer(actor, callId); // it changed meanwhile: answer as it stands now
    }
    const box = this.#mailbox(row.call_id);
    box.polledAt = { window: this.#now(), approver: this.#now() };
    const answered = (await this.#db.call(row.call_id)) as CallRow;
    this.#changed(answered);
    return this.#ticket(answered, who);
  }

  // ── reading ────────────────────────────────────────────────────────────────

  async view(actor: CallActor, callId: string): Promise<CallView> {
    return this.#view(await this.#get(actor, callId));
  }

  /** Approver-placed calls to this window still waiting; waits while they are what it was last told. */
  async incoming(window: WindowRow, query: unknown, gone: AbortSignal): Promise<z.infer<typeof IncomingCalls>> {
    const { wait } = parse(WaitQuery, query);
    const deadline = Date.now() + wait * 1000;
    const list = async () =>
      (await this.#db.openCalls()).filter(
        (row) => row.window_id === window.window_id && row.placed_by === 'approver' && row.state === 'waiting',
      );
    let calls = await list();
    const key = calls.map((row) => row.call_id).join(',');
    while (key === (this.#told.get(window.window_id) ?? '') && !gone.aborted && !this.#closed) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await this.#waiters.wait([`window:${window.window_id}`], remaining, gone);
      calls = await list();
      if (calls.map((row) => row.call_id).join(',') !== key) break;
    }
    this.#told.set(window.window_id, calls.map((row) => row.call_id).join(','));
    return { calls: await Promise.all(calls.map((row) => this.#view(row))) };
  }

  /** The console's list: windows' calls still waiting, newest first. Marks the approver present. */
  async waiting(
    approver: CallParty,
    query: unknown,
    gone: AbortSignal,
  ): Promise<{ calls: CallView[]; version: number }> {
    const { wait, since } = parse(WaitQuery.extend({ since: z.coerce.number().int().nonnegative().default(0) }), query);
    this.#present(approver.id);
    const deadline = Date.now() + wait * 1000;
    while (since === this.#version && !gone.aborted && !this.#closed) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await this.#waiters.wait(['approvers'], remaining, gone);
    }
    this.#present(approver.id);
    const open = (await this.#db.openCalls()).filter((row) => row.placed_by === 'window' && row.state === 'waiting');
    const calls = await Promise.all(open.reverse().map((row) => this.#view(row)));
    return { calls, version: this.#version };
  }

  // ── signals ────────────────────────────────────────────────────────────────

  /** The other side's signals after `after`, and the call; waits for one or for a change of the call. */
  async poll(actor: CallActor, callId: string, query: unknown, gone: AbortSignal): Promise<SignalPoll> {
    const { after, wait } = parse(WaitQuery.extend({ after: z.coerce.number().int().nonnegative().default(0) }), query);
    let row = await this.#participant(actor, callId);
    if (row.state === 'ended') return { signals: [], call: await this.#view(row) };
    const box = this.#mailbox(row.call_id);
    const side = actor.side;
    // What this side has read is no longer kept for it.
    box.signals = box.signals.filter((s) => s.from === side || s.seq > after);
    const pending = () => box.signals.filter((s) => s.from !== side && s.seq > after);
    box.polledAt[side] = this.#now();
    if (pending().length === 0 && wait > 0 && !this.#closed) {
      await this.#waiters.wait([`call:${row.call_id}`, `call:${row.call_id}:${side}`], wait * 1000, gone);
      row = (await this.#db.call(row.call_id)) as CallRow;
    }
    box.polledAt[side] = this.#now();
    return { signals: pending(), call: await this.#view(row) };
  }

  async send(actor: CallActor, callId: string, body: unknown): Promise<void> {
    const { signal } = parse(SendSignalRequest, body);
    const row = await this.#participant(actor, callId);
    if (row.state === 'ended') throw new InboxError('call.ended', `the call ended (${row.end_reason})`);
    if (row.state !== 'active') throw new InboxError('call.conflict', 'the call has not been answered yet');
    if (!mayPut(actor.side, signal)) {
      throw new InboxError('call.forbidden', `the ${actor.side} side does not send ${signal.type} signals`);
    }
    const box = this.#mailbox(row.call_id);
    if (box.signals.filter((s) => s.from === actor.side).length >= MAX_PENDING_SIGNALS) {
      throw new InboxError('call.conflict', 'too many signals the other side has not read');
    }
    box.seq += 1;
    box.signals.push({ seq: box.seq, from: actor.side, signal });
    this.#waiters.wake(`call:${row.call_id}:${other(actor.side)}`);
  }

  // ── ending and the record ──────────────────────────────────────────────────

  async end(actor: CallActor, callId: string, body: unknown): Promise<CallView> {
    const { reason } = parse(EndCallRequest, body);
    const row = await this.#get(actor, callId);
    if (row.state === 'ended') return this.#view(row);
    const own = row.placed_by === actor.side;
    if (actor.side === 'approver' && row.approver_id !== null && row.approver_id !== actor.approver.id) {
      throw new InboxError('call.forbidden', "another approver's call");
    }
    let final: CallEndReason;
    switch (reason) {
      case 'withdrawn':
      case 'declined':
        if (row.state !== 'waiting') throw new InboxError('call.notWaiting', 'the call was answered; hang up instead');
        if ((reason === 'withdrawn') !== own) {
          throw new InboxError('call.forbidden', own ? 'withdraw your own call' : 'decline a call placed to you');
        }
        final = reason;
        break;
      case 'hangup':
        final = row.state === 'active' ? 'hangup' : own ? 'withdrawn' : 'declined';
        break;
      case 'lost':
        if (row.state !== 'active') throw new InboxError('call.conflict', 'a call not yet answered cannot be lost');
        final = 'lost';
        break;
      default:
        throw new InboxError('call.invalid', `${reason} is the inbox's to decide`);
    }
    if (!(await this.#finish(row, [row.state], final))) return this.end(actor, callId, body);
    return this.#view((await this.#db.call(row.call_id)) as CallRow);
  }

  async record(actor: CallActor, callId: string, body: unknown): Promise<void> {
    const { entry } = parse(z.object({ entry: CallRecordEntry }).strict(), body);
    const row = await this.#participant(actor, callId);
    if (entry.kind === 'sealedAs') {
      if (actor.side !== 'window') throw new InboxError('call.forbidden', 'only the window seals a draft');
      await this.#db.setCallPacket(row.call_id, entry.packetId);
    }
    await this.#db.insertCallRecord(row.call_id, actor.side, this.#now(), JSON.stringify(entry));
  }

  records(callId: string): Promise<CallRecordRow[]> {
    return this.#db.callRecords(callId);
  }

  // ── inside ─────────────────────────────────────────────────────────────────

  /** A call the actor may see: its window's, or (for an approver) any. Others are not found. */
  async #get(actor: CallActor, callId: string): Promise<CallRow> {
    const row = CallId.safeParse(callId).success ? await this.#db.call(callId) : undefined;
    if (!row || (actor.side === 'window' && row.window_id !== actor.window.window_id)) {
      throw new InboxError('call.notFound', 'no such call');
    }
    return row;
  }

  /** A call the actor takes part in: the window's own; for an approver, the one who placed or answered it. */
  async #participant(actor: CallActor, callId: string): Promise<CallRow> {
    const row = await this.#get(actor, callId);
    if (actor.side === 'approver' && row.approver_id !== actor.approver.id) {
      throw new InboxError('call.forbidden', 'not your call');
    }
    return row;
  }

  async #finish(row: CallRow, from: Array<'waiting' | 'active'>, reason: CallEndReason): Promise<boolean> {
    if (!(await this.#db.endCall(row.call_id, from, this.#now(), reason))) return false;
    this.#changed(row);
    // The mailbox goes once both sides had a last chance to read the end (the call row says it).
    this.#mailboxes.delete(row.call_id);
    return true;
  }

  #changed(row: CallRow): void {
    this.#version += 1;
    this.#waiters.wake('approvers');
    this.#waiters.wake(`window:${row.window_id}`);
    this.#waiters.wake(`call:${row.call_id}`);
  }

  #mailbox(callId: string): Mailbox {
    let box = this.#mailboxes.get(callId);
    if (!box) {
      const now = this.#now();
      box = { seq: 0, signals: [], polledAt: { window: now, approver: now } };
      this.#mailboxes.set(callId, box);
    }
    return box;
  }

  #present(approverId: string): void {
    this.#presence.set(approverId, this.#now());
  }

  async #view(row: CallRow): Promise<CallView> {
    const window = await this.#db.windowById(row.window_id);
    return {
      callId: row.call_id,
      windowId: row.window_id,
      windowLabel: window?.label ?? row.window_id,
      placedBy: row.placed_by,
      subject: JSON.parse(row.subject) as CallView['subject'],
      state: row.state,
      approver: row.approver_id === null ? null : { id: row.approver_id, name: row.approver_name ?? '' },
      placedAt: row.placed_at,
      answeredAt: row.answered_at,
      endedAt: row.ended_at,
      endReason: row.end_reason as CallEndReason | null,
      approversOnline: this.approversOnline(),
    };
  }

  async #ticket(row: CallRow, user: string): Promise<CallTicket> {
    return { call: await this.#view(row), iceServers: iceServersFor(this.#options, user, this.#now()) };
  }
}

/** The ICE servers one side gets: the configured ones, and the TURN server with fresh credentials. */
export function iceServersFor(options: CallsOptions, user: string, now: number): IceServer[] {
  const servers = [...(options.iceServers ?? [])];
  const { turn } = options;
  if (turn && turn.urls.length > 0) {
    servers.push({ urls: turn.urls, ...turnCredentials(turn.secret, user, now, turn.ttlSeconds ?? TURN_TTL_SECONDS) });
  }
  return servers.slice(0, 10);
}

/** coturn's `use-auth-secret` (TURN REST API): `<expiry>:<user>`, base64(HMAC-SHA1(secret, username)). */
export function turnCredentials(
  secret: string,
  user: string,
  now: number,
  ttlSeconds: number,
): { username: string; credential: string } {
  const username = `${Math.floor(now / 1000) + ttlSeconds}:${user}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

const WaitQuery = z.object({ wait: z.coerce.number().min(0).max(CALL_MAX_WAIT_SECONDS).default(0) });

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new InboxError(
      'call.invalid',
      result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; '),
    );
  }
  return result.data;
}

/** Negotiation goes both ways; the still request is the approver's, the still and the source the window's. */
function mayPut(side: CallSide, signal: CallSignal): boolean {
  if (signal.type === 'stillRequest') return side === 'approver';
  if (signal.type === 'stillResult' || signal.type === 'source') return side === 'window';
  return true;
}

function other(side: CallSide): CallSide {
  return side === 'window' ? 'approver' : 'window';
}

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/** 张三 → 张*, 张小三 → 张*三: enough to know whom, no more. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

// ── the window's endpoints ───────────────────────────────────────────────────

/** Window routes under CALLS_PATH, authenticated with the window's token. */
export function registerWindowCallRoutes(
  app: FastifyInstance,
  calls: CallService,
  authenticate: (authorization: string | undefined) => Promise<WindowRow>,
): void {
  const actor = async (request: FastifyRequest): Promise<CallActor> => ({
    side: 'window',
    window: await authenticate(request.headers.authorization),
  });
  const id = (request: FastifyRequest) => (request.params as { callId: string }).callId;

  app.post(CALLS_PATH, async (request, reply) => {
    const window = await authenticate(request.headers.authorization);
    const { created, ticket } = await calls.placeByWindow(window, request.body);
    return reply.status(created ? 201 : 200).send(ticket);
  });
  app.get(CALLS_PATH, async (request, reply) => {
    const window = await authenticate(request.headers.authorization);
    return longPoll(reply, (gone) => calls.incoming(window, request.query, gone));
  });
  app.get(`${CALLS_PATH}/:callId`, async (request) => calls.view(await actor(request), id(request)));
  app.post(`${CALLS_PATH}/:callId/answer`, async (request) => calls.answer(await actor(request), id(request)));
  app.get(`${CALLS_PATH}/:callId/signals`, async (request, reply) => {
    const who = await actor(request);
    return longPoll(reply, (gone) => calls.poll(who, id(request), request.query, gone));
  });
  app.post(`${CALLS_PATH}/:callId/signals`, async (request, reply) => {
    await calls.send(await actor(request), id(request), request.body);
    return reply.status(204).send();
  });
  app.post(`${CALLS_PATH}/:callId/end`, async (request) => calls.end(await actor(request), id(request), request.body));
  app.post(`${CALLS_PATH}/:callId/record`, async (request, reply) => {
    await calls.record(await actor(request), id(request), request.body);
    return reply.status(204).send();
  });
}

/** Runs a long poll that gives up when the client goes away. */
export async function longPoll<T>(reply: FastifyReply, run: (gone: AbortSignal) => Promise<T>): Promise<T> {
  const gone = new AbortController();
  const onClose = () => gone.abort();
  reply.raw.once('close', onClose);
  try {
    return await run(gone.signal);
  } finally {
    reply.raw.off('close', onClose);
  }
}

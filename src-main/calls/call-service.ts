// 视频会商 at the window (docs/video-consultation.md): places a call about the draft at the
// counter or a packet, answers an approver's, relays signals, and keeps the call in the
// counter session's chain. The renderer holds the peer connection and the media; this
// side holds the call's state, its record and the inbox.
//
// Invariants:
// - Every fact of a call that the window knows is one event of the session's stream
//   (`session:<draftId>`, the recorder's chain), naming the call (`callId`: a session may
//   hold several): placed, answered, each record entry, ended
//   — ended exactly once, whichever of the clerk, the inbox or a refusal ends it first.
// - Signals from the other side reach the UI in the inbox's order, each once (`after`
//   only grows); our own signals never come back.
// - The inbox being down never fails a clerk's record or end: both are logged first; what
//   the inbox should also know is posted after, retried briefly, and only logged as lost.
// - The applicant screen shows `call` while a call about the draft open at the counter
//   waits or runs, and what it showed before once the call is over.
import {
  CALL_MAX_WAIT_SECONDS,
  type CallEndReason,
  type CallRecordEntry,
  type CallSignal,
  type CallSubject,
  type CallView,
  type IceServer,
  type IceTransportPolicy,
} from '../common/call-protocol.ts';
import type { ServiceItem } from '../common/catalog.ts';
import { routeFor } from '../common/catalog.ts';
import { AppError, isAppError } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import type { ApplicantDesk } from '../intake/applicant-desk.ts';
import { type Clerk, type IntakeService, sessionStream } from '../intake/intake-service.ts';
import type { PacketStore } from '../packets/packet-store.ts';
import type { EventLog, JsonValue, LoggedEvent } from '../recording/event-log.ts';
import { SESSION_STREAM_PREFIX } from '../recording/sessions.ts';
import { backoffDelay, sleep, systemTimers, type Timers } from '../sync/backoff.ts';
import type { Departments } from '../sync/departments.ts';
import { type CallClient, isAborted } from './call-client.ts';

/** A call as the window holds it (the contract's WindowCall). */
export interface WindowCallView {
  call: CallView;
  departmentId: string;
  departmentName: string;
  iceServers: IceServer[];
  iceTransportPolicy: IceTransportPolicy;
  draftId: string;
}

export type CallEvent =
  | { name: 'calls.changed'; payload: WindowCallView }
  | { name: 'calls.signal'; payload: { callId: string; signal: CallSignal } };

export interface CallServiceDeps {
  client: CallClient;
  departments: Pick<Departments, 'list' | 'info'>;
  intake: Pick<IntakeService, 'getDraft'>;
  catalog: { item(code: string): ServiceItem };
  packets: Pick<PacketStore, 'latest'>;
  events: EventLog;
  applicant: Pick<ApplicantDesk, 'showCall' | 'endCall'>;
  /** The hall config's `calls`. */
  ice: { iceServers: IceServer[]; iceTransportPolicy: IceTransportPolicy };
  now: () => number;
  logger: Logger;
  /** Long-poll wait in seconds (default CALL_MAX_WAIT_SECONDS). */
  waitSeconds?: number;
  /** First retry after a failed poll or post (doubles per failure, up to 10 s). Default 500 ms. */
  retryBaseMs?: number;
  timers?: Timers;
  random?: () => number;
}

interface Live {
  call: CallView;
  departmentId: string;
  departmentName: string;
  iceServers: IceServer[];
  /** The session the call is logged in. */
  draftId: string;
  /** A call about the draft open at the counter: the applicant screen shows it. */
  atCounter: boolean;
  actor: string;
  /** The last signal seen. */
  after: number;
  abort: AbortController;
  /** When media first flowed (call.connected), else when it was answered: the duration runs from it. */
  startedAt: number | null;
  ended: boolean;
}

interface Incoming {
  departmentId: string;
  call: CallView;
}

/** Ended calls stay answerable to `calls.get`/`calls.current` this long (a reloaded page learns how it ended). */
const KEEP_ENDED_MS = 5 * 60_000;
/** A record entry the inbox did not take is tried this many times in all. */
const RECORD_ATTEMPTS = 4;
/** The longest pause between incoming-calls polls after failures. */
const MAX_WATCH_RETRY_MS = 4000;
/** An incoming-calls poll that answers at once with nothing new waits this long before the next. */
const MIN_POLL_GAP_MS = 1000;

export class CallService {
  private readonly live = new Map<string, Live>();
  private readonly incoming = new Map<string, Incoming>();
  private readonly listeners = new Set<(event: CallEvent) => void>();
  /** Connections of signed-in clerks: while there is one, each department is asked for incoming calls. */
  private readonly present = new Set<object>();
  private watching: AbortController | null = null;
  private readonly closing = new AbortController();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly waitSeconds: number;
  private readonly retryBaseMs: number;

  constructor(private readonly deps: CallServiceDeps) {
    this.timers = deps.timers ?? systemTimers;
    this.random = deps.random ?? Math.random;
    this.waitSeconds = deps.waitSeconds ?? CALL_MAX_WAIT_SECONDS;
    this.retryBaseMs = deps.retryBaseMs ?? 500;
    // A draft sealed after a call about it: the department's record learns the packet.
    deps.events.observe((event) => this.onLogged(event));
  }

  subscribe(listener: (event: CallEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A connection's clerk signed in (or out, or the connection closed). */
  clerkPresent(connection: object, present: boolean): void {
    if (present) this.present.add(connection);
    else this.present.delete(connection);
    if (this.present.size > 0 && !this.watching && !this.closing.signal.aborted) this.startWatching();
    if (this.present.size === 0 && this.watching) this.stopWatching();
  }

  // ── the clerk's calls ──────────────────────────────────────────────────────

  async place(
    clerk: Clerk,
    input: { callId: string; draftId?: string | undefined; packetId?: string | undefined; note: string },
  ): Promise<WindowCallView> {
    const known = this.live.get(input.callId);
    if (known) return this.view(known);
    const about =
      input.draftId !== undefined
        ? this.aboutDraft(clerk, input.draftId, input.note)
        : this.aboutPacket(input.packetId ?? '', input.note);
    const ticket = await this.deps.client.place(about.departmentId, { callId: input.callId, subject: about.subject });
    const live = this.adopt(ticket.call, ticket.iceServers, {
      departmentId: about.departmentId,
      draftId: about.draftId,
      atCounter: input.draftId !== undefined,
      actor: clerk.username,
    });
    return this.view(live);
  }

  /** Calls approvers placed to this window and nobody answered yet, newest first. */
  incomingCalls(): WindowCallView[] {
    return [...this.incoming.values()]
      .sort((a, b) => b.call.placedAt - a.call.placedAt)
      .map((entry) => this.incomingView(entry));
  }

  async answer(clerk: Clerk, input: { callId: string; draftId?: string | undefined }): Promise<WindowCallView> {
    const known = this.live.get(input.callId);
    if (known && !known.ended) return this.view(known);
    const incoming = this.incoming.get(input.callId) ?? (await this.findIncoming(input.callId));
    if (!incoming) throw new AppError('calls.notFound', `no incoming call ${input.callId}`);
    const { call } = incoming;
    let draftId: string;
    if (input.draftId !== undefined) {
      this.openDraft(clerk, input.draftId);
      draftId = input.draftId;
    } else if (call.subject.packetId !== undefined) {
      draftId = this.packetSession(call.subject.packetId);
    } else {
      throw new AppError('calls.noDraft', `call ${call.callId} is about no packet and no draft was named`);
    }
    const ticket = await this.deps.client.answer(incoming.departmentId, input.callId);
    this.incoming.delete(input.callId);
    const live = this.adopt(ticket.call, ticket.iceServers, {
      departmentId: incoming.departmentId,
      draftId,
      atCounter: input.draftId !== undefined,
      actor: clerk.username,
    });
    return this.view(live);
  }

  async signal(callId: string, signal: CallSignal): Promise<void> {
    const live = this.require(callId);
    if (live.ended) throw new AppError('calls.ended', `call ${callId} has ended`);
    await this.deps.client.send(live.departmentId, callId, signal);
  }

  /** Logged in the session at once; posted to the department's record after, retried briefly. */
  record(clerk: Clerk, callId: string, entry: CallRecordEntry): void {
    const live = this.require(callId);
    const { kind, ...facts } = entry;
    if (kind === 'connected' && live.startedAt === null) live.startedAt = this.deps.now();
    this.log(live, clerk.username, `call.${kind}`, { callId, ...(json(facts) as { [key: string]: JsonValue }) });
    this.post(live.departmentId, callId, entry);
  }

  async end(clerk: Clerk, callId: string, reason: CallEndReason): Promise<CallView> {
    const live = this.live.get(callId);
    if (!live) return this.endIncoming(callId, reason);
    if (live.ended) return live.call;
    let answered: CallView | undefined;
    try {
      answered = await this.deps.client.end(live.departmentId, callId, reason);
    } catch (error) {
      // Ended here whatever the inbox says: it ends the call itself when this side stops polling.
      this.deps.logger.warn({ err: error, callId }, 'calls: the inbox did not take the end of a call');
    }
    const ended: CallView =
      answered?.state === 'ended'
        ? answered
        : { ...live.call, state: 'ended', endReason: reason, endedAt: this.deps.now() };
    this.transition(live, ended, clerk.username);
    return live.call;
  }

  /** Whether a call not yet ended is recorded in this session (a packet's, once sealed, takes only its call tracks). */
  recordsInto(draftId: string): boolean {
    return [...this.live.values()].some((live) => live.call.state !== 'ended' && live.draftId === draftId);
  }

  /** The calls this window is in, and those that ended lately. */
  current(): WindowCallView[] {
    return [...this.live.values()].map((live) => this.view(live));
  }

  get(callId: string): WindowCallView {
    const live = this.live.get(callId);
    if (live) return this.view(live);
    const incoming = this.incoming.get(callId);
    if (incoming) return this.incomingView(incoming);
    throw new AppError('calls.notFound', `no call ${callId} at this window`);
  }

  /** Stops every loop; a call still on is ended as `lost` in its session (its media died with the core). */
  async close(): Promise<void> {
    this.closing.abort();
    this.stopWatching();
    for (const live of this.live.values()) {
      if (live.ended) continue;
      this.track(this.deps.client.end(live.departmentId, live.call.callId, 'lost').catch(() => undefined));
      this.transition(live, { ...live.call, state: 'ended', endReason: 'lost', endedAt: this.deps.now() }, 'system');
    }
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise((resolve) => this.timers.setTimeout(() => resolve(undefined), 2000)),
    ]);
  }

  // ── what a call is about ──────────────────────────────────────────────────

  private aboutDraft(clerk: Clerk, draftId: string, note: string) {
    const draft = this.openDraft(clerk, draftId);
    let item: ServiceItem;
    try {
      item = this.deps.catalog.item(draft.itemCode);
    } catch {
      throw new AppError('calls.noDepartment', `item ${draft.itemCode} is not in the active catalog`, {
        itemCode: draft.itemCode,
      });
    }
    const departmentId = this.departmentFor(item, draft.state.homeRegionCode);
    const { state } = draft;
    const applicant =
      state.applicantKind === 'company' && state.company ? state.company.name : maskName(state.applicant.name);
    const subject: CallSubject = {
      draftId,
      itemCode: item.code,
      itemName: item.name,
      applicant,
      note,
      materials: item.materials.slice(0, 100).map((m) => ({ code: m.id, name: m.name })),
    };
    return { departmentId, subject, draftId };
  }

  private aboutPacket(packetId: string, note: string) {
    const latest = this.deps.packets.latest(packetId);
    if (!latest) throw new AppError('calls.noDraft', `no packet ${packetId}`);
    const { manifest } = latest;
    const departmentId = manifest.departmentId;
    if (!departmentId || !this.deps.departments.info(departmentId)) {
      throw new AppError('calls.noDepartment', `packet ${packetId} goes to no configured department`, {
        departmentId: departmentId ?? '',
      });
    }
    const applicant =
      manifest.applicantKind === 'company' && manifest.company
        ? manifest.company.name
        : maskName(manifest.applicant.name);
    const subject: CallSubject = {
      packetId,
      itemCode: manifest.itemCode,
      itemName: manifest.itemName,
      applicant,
      note,
      materials: [],
    };
    return { departmentId, subject, draftId: this.packetSession(packetId) };
  }

  /** The department of the item for the applicant's home region; an item with one department needs no region. */
  private departmentFor(item: ServiceItem, homeRegionCode: string): string {
    const routed = routeFor(item, homeRegionCode)?.departmentId;
    const only = new Set(item.routing.map((r) => r.departmentId));
    const departmentId = routed ?? (only.size === 1 ? [...only][0] : undefined);
    if (departmentId === undefined) {
      throw new AppError('calls.noDepartment', `no route of ${item.code} for region ${homeRegionCode || '(none)'}`, {
        itemCode: item.code,
      });
    }
    if (!this.deps.departments.info(departmentId)) {
      throw new AppError('calls.noDepartment', `department ${departmentId} is not configured`, { departmentId });
    }
    return departmentId;
  }

  private openDraft(clerk: Clerk, draftId: string) {
    try {
      return this.deps.intake.getDraft(clerk, draftId);
    } catch (error) {
      if (isAppError(error) && (error.code === 'intake.draftNotFound' || error.code === 'intake.draftSealed')) {
        throw new AppError('calls.noDraft', error.detail);
      }
      throw error;
    }
  }

  /** The session a packet was received in (its draft's stream); the packet's own id names it when none was kept. */
  private packetSession(packetId: string): string {
    const latest = this.deps.packets.latest(packetId);
    if (!latest) throw new AppError('calls.noDraft', `no packet ${packetId}`);
    const stream = latest.manifest.session?.stream;
    return stream?.startsWith(SESSION_STREAM_PREFIX) ? stream.slice(SESSION_STREAM_PREFIX.length) : packetId;
  }

  // ── a live call ───────────────────────────────────────────────────────────

  private adopt(
    call: CallView,
    ticketServers: IceServer[],
    at: { departmentId: string; draftId: string; atCounter: boolean; actor: string },
  ): Live {
    const departmentName = this.deps.departments.info(at.departmentId)?.name ?? at.departmentId;
    const live: Live = {
      // Its state before this window took part: the transition to the ticket's logs what happened since.
      call: { ...call, state: 'waiting', approver: null, answeredAt: null, endedAt: null, endReason: null },
      departmentId: at.departmentId,
      departmentName,
      iceServers: [...this.deps.ice.iceServers, ...ticketServers],
      draftId: at.draftId,
      atCounter: at.atCounter,
      actor: at.actor,
      after: 0,
      abort: new AbortController(),
      startedAt: null,
      ended: false,
    };
    this.live.set(call.callId, live);
    this.log(live, at.actor, 'call.placed', {
      callId: call.callId,
      departmentId: at.departmentId,
      departmentName,
      placedBy: call.placedBy,
      subject: json(call.subject),
      applicantInformed: true,
    });
    if (live.atCounter) this.deps.applicant.showCall(live.draftId, departmentName);
    this.transition(live, call, at.actor, true);
    if (!live.ended) this.follow(live);
    return live;
  }

  /** The call as the inbox now has it: what changed is logged and told to the clerk's screens. */
  private transition(live: Live, next: CallView, actor: string, force = false): void {
    if (live.ended) return;
    const previous = live.call;
    live.call = next;
    if (previous.approver === null && next.approver !== null && next.state !== 'waiting') {
      live.startedAt ??= this.deps.now();
      this.log(live, actor, 'call.answered', { callId: next.callId, approver: json(next.approver) });
    }
    if (next.state === 'ended') {
      live.ended = true;
      live.abort.abort();
      const durationMs = live.startedAt === null ? 0 : Math.max(0, this.deps.now() - live.startedAt);
      this.log(live, actor, 'call.ended', { callId: next.callId, reason: next.endReason ?? 'hangup', durationMs });
      if (live.atCounter) this.deps.applicant.endCall(live.draftId);
      const forget = this.timers.setTimeout(() => {
        if (this.live.get(next.callId) === live) this.live.delete(next.callId);
      }, KEEP_ENDED_MS);
      (forget as { unref?: () => void }).unref?.();
    }
    if (force || changed(previous, next)) this.emit({ name: 'calls.changed', payload: this.view(live) });
  }

  /** One long-poll loop per live call: the other side's signals in order, and the call's changes. */
  private follow(live: Live): void {
    const { departmentId } = live;
    const { callId } = live.call;
    const signal = AbortSignal.any([live.abort.signal, this.closing.signal]);
    this.track(
      (async () => {
        let failures = 0;
        while (!live.ended && !signal.aborted) {
          try {
            const poll = await this.deps.client.signals(departmentId, callId, live.after, this.waitSeconds, signal);
            failures = 0;
            for (const envelope of poll.signals) {
              if (envelope.seq <= live.after) continue;
              live.after = envelope.seq;
              if (envelope.from === 'window') continue;
              this.emit({ name: 'calls.signal', payload: { callId, signal: envelope.signal } });
            }
            this.transition(live, poll.call, 'system');
          } catch (error) {
            if (live.ended || signal.aborted || isAborted(error)) return;
            if (isAppError(error) && (error.code === 'calls.refused' || error.code === 'calls.notFound')) {
              // The inbox no longer knows or accepts the call (its restart, our enrolment revoked).
              this.deps.logger.warn({ err: error, callId }, 'calls: the inbox refused a live call');
              this.transition(
                live,
                { ...live.call, state: 'ended', endReason: 'refused', endedAt: this.deps.now() },
                'system',
              );
              return;
            }
            failures += 1;
            this.deps.logger.warn({ err: error, callId, failures }, 'calls: signals poll failed; retrying');
            await sleep(this.timers, this.backoff(failures), signal);
          }
        }
      })(),
    );
  }

  // ── incoming calls ────────────────────────────────────────────────────────

  private startWatching(): void {
    const watching = new AbortController();
    this.watching = watching;
    const signal = AbortSignal.any([watching.signal, this.closing.signal]);
    for (const department of this.deps.departments.list()) this.track(this.watch(department.id, signal));
  }

  private stopWatching(): void {
    this.watching?.abort();
    this.watching = null;
    for (const [callId] of this.incoming) this.incoming.delete(callId);
  }

  private async watch(departmentId: string, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      const started = Date.now();
      try {
        const calls = await this.deps.client.incoming(departmentId, this.waitSeconds, signal);
        if (signal.aborted) return;
        failures = 0;
        const news = this.takeIncoming(departmentId, calls);
        if (!news && Date.now() - started < MIN_POLL_GAP_MS) await sleep(this.timers, MIN_POLL_GAP_MS, signal);
      } catch (error) {
        if (signal.aborted || isAborted(error)) return;
        failures += 1;
        const fields = { err: error, departmentId, failures };
        // Said once per outage; the tries after it only in the debug log.
        if (failures === 1) this.deps.logger.warn(fields, 'calls: incoming-calls poll failed; retrying');
        else this.deps.logger.debug(fields, 'calls: incoming-calls poll failed; retrying');
        // An approver's call must not wait long for a department that is back: at most a few seconds.
        await sleep(this.timers, Math.min(this.backoff(failures), MAX_WATCH_RETRY_MS), signal);
      }
    }
  }

  /** Takes a department's list of incoming calls; true when something changed. */
  private takeIncoming(departmentId: string, calls: CallView[]): boolean {
    let news = false;
    const listed = new Set<string>();
    for (const call of calls) {
      listed.add(call.callId);
      if (this.live.has(call.callId)) continue;
      const before = this.incoming.get(call.callId);
      if (before && !changed(before.call, call)) continue;
      const entry = { departmentId, call };
      this.incoming.set(call.callId, entry);
      this.emit({ name: 'calls.changed', payload: this.incomingView(entry) });
      news = true;
    }
    for (const [callId, entry] of this.incoming) {
      if (entry.departmentId !== departmentId || listed.has(callId)) continue;
      // Withdrawn by the approver, or expired: how it ended is the inbox's to say.
      this.incoming.delete(callId);
      news = true;
      this.track(this.goneIncoming(entry));
    }
    return news;
  }

  private async goneIncoming(entry: Incoming): Promise<void> {
    let call: CallView = { ...entry.call, state: 'ended', endReason: 'withdrawn', endedAt: this.deps.now() };
    try {
      const poll = await this.deps.client.signals(entry.departmentId, entry.call.callId, 0, 0, this.closing.signal);
      if (poll.call.state === 'ended') call = poll.call;
    } catch {
      // The list said it is gone; that is enough for the clerk's dialog to close.
    }
    this.emit({ name: 'calls.changed', payload: this.incomingView({ ...entry, call }) });
  }

  /** An incoming call not seen yet (the watch had not asked since it came): each department once, without waiting. */
  private async findIncoming(callId: string): Promise<Incoming | undefined> {
    for (const department of this.deps.departments.list()) {
      try {
        const calls = await this.deps.client.incoming(department.id, 0);
        const call = calls.find((c) => c.callId === callId);
        if (call) return { departmentId: department.id, call };
      } catch (error) {
        this.deps.logger.debug({ err: error, departmentId: department.id }, 'calls: could not list incoming calls');
      }
    }
    return undefined;
  }

  private async endIncoming(callId: string, reason: CallEndReason): Promise<CallView> {
    const incoming = this.incoming.get(callId) ?? (await this.findIncoming(callId));
    if (!incoming) throw new AppError('calls.notFound', `no call ${callId} at this window`);
    const answered = await this.deps.client.end(incoming.departmentId, callId, reason);
    this.incoming.delete(callId);
    const call: CallView =
      answered?.state === 'ended'
        ? answered
        : { ...incoming.call, state: 'ended', endReason: reason, endedAt: this.deps.now() };
    this.emit({ name: 'calls.changed', payload: this.incomingView({ ...incoming, call }) });
    return call;
  }

  // ── the department's record ───────────────────────────────────────────────

  private post(departmentId: string, callId: string, entry: CallRecordEntry | SealedAs): void {
    this.track(
      (async () => {
        for (let attempt = 1; attempt <= RECORD_ATTEMPTS; attempt += 1) {
          try {
            await this.deps.client.record(departmentId, callId, entry as CallRecordEntry);
            return;
          } catch (error) {
            if (this.closing.signal.aborted || attempt === RECORD_ATTEMPTS) {
              this.deps.logger.warn(
                { err: error, callId, kind: entry.kind },
                "calls: the department's record missed an entry (the session log has it)",
              );
              return;
            }
            await sleep(this.timers, this.backoff(attempt), this.closing.signal);
          }
        }
      })(),
    );
  }

  private onLogged(event: LoggedEvent): void {
    if (event.kind !== 'intake.sealed' || !event.stream.startsWith(SESSION_STREAM_PREFIX)) return;
    const packetId = event.payload['packetId'];
    if (typeof packetId !== 'string') return;
    // After the seal's transaction: the observer runs inside it.
    setImmediate(() => {
      if (this.closing.signal.aborted) return;
      try {
        const calls = new Map<string, string>();
        for (const logged of this.deps.events.read(event.stream)) {
          if (logged.kind !== 'call.placed') continue;
          const { callId, departmentId } = logged.payload;
          if (typeof callId === 'string' && typeof departmentId === 'string') calls.set(callId, departmentId);
        }
        for (const [callId, departmentId] of calls) this.post(departmentId, callId, { kind: 'sealedAs', packetId });
      } catch (error) {
        this.deps.logger.warn({ err: error, stream: event.stream }, 'calls: could not tell the department the packet');
      }
    });
  }

  // ── inside ────────────────────────────────────────────────────────────────

  private require(callId: string): Live {
    const live = this.live.get(callId);
    if (!live) throw new AppError('calls.notFound', `no call ${callId} at this window`);
    return live;
  }

  private view(live: Live): WindowCallView {
    return {
      call: live.call,
      departmentId: live.departmentId,
      departmentName: live.departmentName,
      iceServers: live.iceServers,
      iceTransportPolicy: this.deps.ice.iceTransportPolicy,
      draftId: live.draftId,
    };
  }

  private incomingView({ departmentId, call }: Incoming): WindowCallView {
    return {
      call,
      departmentId,
      departmentName: this.deps.departments.info(departmentId)?.name ?? departmentId,
      iceServers: this.deps.ice.iceServers,
      iceTransportPolicy: this.deps.ice.iceTransportPolicy,
      // Where it would be recorded unanswered: the packet's session (answering names a draft at the counter instead).
      draftId: call.subject.draftId ?? this.sessionOfPacket(call.subject.packetId),
    };
  }

  private sessionOfPacket(packetId: string | undefined): string {
    if (packetId === undefined) return '';
    try {
      return this.packetSession(packetId);
    } catch {
      return ''; // a packet this window does not hold (another window's, a database restored)
    }
  }

  private log(live: Live, actor: string, kind: string, payload: { [key: string]: JsonValue }): void {
    this.deps.events.append({ stream: sessionStream(live.draftId), actor, kind, payload });
  }

  private emit(event: CallEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.deps.logger.error({ err: error, event: event.name }, 'calls: a listener failed');
      }
    }
  }

  private backoff(failures: number): number {
    return backoffDelay(failures, this.random, { baseMs: this.retryBaseMs, capMs: 10_000 });
  }

  private track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }
}

/** The department's record learns the packet a draft with calls was sealed into. */
interface SealedAs {
  kind: 'sealedAs';
  packetId: string;
}

function changed(a: CallView, b: CallView): boolean {
  return (
    a.state !== b.state ||
    a.approver?.id !== b.approver?.id ||
    a.approversOnline !== b.approversOnline ||
    a.endReason !== b.endReason
  );
}

/** 张*三: the family name and the last character, enough to know whom at the department, no more. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

function json(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

// The hash-chained event log (全过程记录的事件链). Every step of a counter session,
// and every audit-relevant act of the app, is appended to a stream; each event's
// hash covers the previous hash and the event's canonical JSON, so a changed,
// removed or reordered event is found by `verify`, which names the first broken link.
// Two more guards against someone who holds the database: each stream's head is sealed
// with a MAC under a key derived from the master key (recomputing a chain is not enough
// to make it verify), and the first event of every stream is registered in the audit
// stream, so a stream deleted whole is missed (`missingStreams`).
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json.ts';
import { AppError } from '../common/errors.ts';
import type { ChainVerification } from '../common/event-chain.ts';
import type { Database } from '../store/database.ts';
import type { Clock } from '../common/hall-time.ts';

/** Audit stream for app-level acts (logins, user management, start-ups). */
export const AUDIT_STREAM = 'audit';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface NewEvent {
  stream: string;
  /** Username of who acted, or 'system'. */
  actor: string;
  /** Dotted verb, e.g. `auth.login`, `intake.itemChosen`. */
  kind: string;
  payload?: { [key: string]: JsonValue };
}

export interface LoggedEvent extends Required<NewEvent> {
  seq: number;
  /** Identifies the process run; `monoMs` is only comparable within one run. */
  runId: string;
  monoMs: number;
  wallMs: number;
  prevHash: string;
  hash: string;
}

interface EventRow {
  stream: string;
  seq: number;
  run_id: string;
  mono_ms: number;
  wall_ms: number;
  actor: string;
  kind: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

/** The first link of every stream, so chains of different streams never collide. */
export function genesisHash(stream: string): string {
  return sha256Hex(`tongban-event-log/v1/${stream}`);
}

/** What the hash covers: every field of the event except its own hash. */
export function eventHash(event: Omit<LoggedEvent, 'hash'>): string {
  const canonical = canonicalJson({
    stream: event.stream,
    seq: event.seq,
    runId: event.runId,
    monoMs: event.monoMs,
    wallMs: event.wallMs,
    actor: event.actor,
    kind: event.kind,
    payload: event.payload,
  });
  return createHash('sha256').update(Buffer.from(event.prevHash, 'hex')).update(canonical, 'utf8').digest('hex');
}

/** The audit event that registers a new stream (its first event was just written). */
export const STREAM_OPENED = 'eventLog.streamOpened';

/**
 * Told of each event inside the transaction that appends it, so what it keeps beside the
 * log (the session index) commits or rolls back with the event. It must not append.
 */
export type AppendObserver = (event: LoggedEvent) => void;

export class EventLog {
  private readonly runId = randomUUID();
  private readonly appendTx: (event: NewEvent) => LoggedEvent;
  private readonly observers: AppendObserver[] = [];

  /** `headKey` seals stream heads (store/keys.ts `evidenceKey`). */
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly headKey: Buffer,
  ) {
    const head = db.prepare<[string], { head_seq: number; head_hash: string }>(
      'SELECT head_seq, head_hash FROM event_streams WHERE stream = ?',
    );
    const insert = db.prepare(
      `INSERT INTO event_log (stream, seq, run_id, mono_ms, wall_ms, actor, kind, payload, prev_hash, hash)
       VALUES (@stream, @seq, @run_id, @mono_ms, @wall_ms, @actor, @kind, @payload, @prev_hash, @hash)`,
    );
    const moveHead = db.prepare(
      `INSERT INTO event_streams (stream, head_seq, head_hash, head_mac) VALUES (?, ?, ?, ?)
       ON CONFLICT (stream) DO UPDATE SET head_seq = excluded.head_seq, head_hash = excluded.head_hash,
         head_mac = excluded.head_mac`,
    );
    // Heads written before heads were sealed (an older database) are sealed as found.
    const unsealed = db
      .prepare<[], { stream: string; head_seq: number; head_hash: string }>(
        'SELECT stream, head_seq, head_hash FROM event_streams WHERE head_mac IS NULL',
      )
      .all();
    for (const row of unsealed) {
      db.prepare('UPDATE event_streams SET head_mac = ? WHERE stream = ?').run(
        this.headMac(row.stream, row.head_seq, row.head_hash),
        row.stream,
      );
    }
    // Read-head, insert and move-head in one transaction: the chain cannot fork.
    const appendOne = (input: NewEvent): LoggedEvent => {
      const current = head.get(input.stream);
      const partial = {
        stream: input.stream,
        seq: (current?.head_seq ?? 0) + 1,
        runId: this.runId,
        monoMs: this.clock.monotonic(),
        wallMs: this.clock.now(),
        actor: input.actor,
        kind: input.kind,
        payload: input.payload ?? {},
        prevHash: current?.head_hash ?? genesisHash(input.stream),
      };
      const event: LoggedEvent = { ...partial, hash: eventHash(partial) };
      insert.run(toRow(event));
      moveHead.run(event.stream, event.seq, event.hash, this.headMac(event.stream, event.seq, event.hash));
      for (const observer of this.observers) observer(event);
      return event;
    };
    this.appendTx = db.transaction((input: NewEvent): LoggedEvent => {
      const event = appendOne(input);
      if (event.seq === 1 && event.stream !== AUDIT_STREAM) {
        appendOne({ stream: AUDIT_STREAM, actor: 'system', kind: STREAM_OPENED, payload: { stream: event.stream } });
      }
      return event;
    });
  }

  /**
   * Streams the audit stream says were opened but that no longer exist: deleted whole.
   * The audit stream itself is always expected once anything was written.
   */
  missingStreams(): string[] {
    const present = new Set(
      this.db
        .prepare<[], { stream: string }>('SELECT stream FROM event_streams')
        .all()
        .map((row) => row.stream),
    );
    const missing = new Set<string>();
    for (const event of this.read(AUDIT_STREAM)) {
      const stream = event.kind === STREAM_OPENED ? event.payload.stream : undefined;
      if (typeof stream === 'string' && !present.has(stream)) missing.add(stream);
    }
    return [...missing];
  }

  /** Adds an observer of every append (see AppendObserver). */
  observe(observer: AppendObserver): void {
    this.observers.push(observer);
  }

  append(event: NewEvent): LoggedEvent {
    return this.appendTx(event);
  }

  *read(stream: string, afterSeq = 0): Generator<LoggedEvent> {
    const rows = this.db
      .prepare<[string, number], EventRow>('SELECT * FROM event_log WHERE stream = ? AND seq > ? ORDER BY seq')
      .iterate(stream, afterSeq);
    for (const row of rows) yield fromRow(row);
  }

  /** The last event of a stream, or undefined for a stream never written. */
  last(stream: string): LoggedEvent | undefined {
    const row = this.db
      .prepare<[string], EventRow>(
        'SELECT e.* FROM event_log e JOIN event_streams s ON s.stream = e.stream AND s.head_seq = e.seq WHERE s.stream = ?',
      )
      .get(stream);
    return row && fromRow(row);
  }

  /** Where a stream's chain ends now: its last sequence number and hash, or undefined for a stream never written. */
  head(stream: string): { seq: number; hash: string } | undefined {
    const row = this.db
      .prepare<[string], { head_seq: number; head_hash: string }>(
        'SELECT head_seq, head_hash FROM event_streams WHERE stream = ?',
      )
      .get(stream);
    return row && { seq: row.head_seq, hash: row.head_hash };
  }

  /**
   * Walks the stream from its genesis and reports the first event whose link is broken.
   * A stream that was never written (or whose every trace was deleted) is not "empty and
   * fine": it is an error, so a removed session cannot pass for one that never happened.
   */
  verify(stream: string): ChainVerification {
    const known = this.db
      .prepare('SELECT 1 FROM event_streams WHERE stream = ? UNION SELECT 1 FROM event_log WHERE stream = ? LIMIT 1')
      .get(stream, stream);
    if (!known) throw new AppError('eventLog.streamUnknown', `no event stream ${stream}`, { stream });
    let expectedSeq = 1;
    let prevHash = genesisHash(stream);
    for (const event of this.read(stream)) {
      const broken = (reason: 'hash_mismatch' | 'link_mismatch' | 'sequence_gap'): ChainVerification => ({
        ok: false,
        stream,
        firstBadSeq: Math.min(expectedSeq, event.seq),
        reason,
      });
      if (event.seq !== expectedSeq) return broken('sequence_gap');
      if (event.prevHash !== prevHash) return broken('link_mismatch');
      if (eventHash(event) !== event.hash) return broken('hash_mismatch');
      prevHash = event.hash;
      expectedSeq += 1;
    }
    const count = expectedSeq - 1;
    const head = this.db
      .prepare<[string], { head_seq: number; head_hash: string }>(
        'SELECT head_seq, head_hash FROM event_streams WHERE stream = ?',
      )
      .get(stream);
    // The head record catches events removed from the end, which leave no gap; its MAC,
    // a chain recomputed by someone without the key.
    const headMatches = head ? head.head_seq === count && head.head_hash === prevHash : count === 0;
    if (!headMatches) return { ok: false, stream, firstBadSeq: count + 1, reason: 'head_mismatch' };
    const mac = this.db
      .prepare<[string], { head_mac: string | null }>('SELECT head_mac FROM event_streams WHERE stream = ?')
      .get(stream)?.head_mac;
    if (!mac || !sameHex(mac, this.headMac(stream, count, prevHash))) {
      return { ok: false, stream, firstBadSeq: count, reason: 'head_unsealed' };
    }
    return { ok: true, stream, count, headHash: prevHash };
  }

  private headMac(stream: string, seq: number, hash: string): string {
    return createHmac('sha256', this.headKey).update(canonicalJson({ stream, seq, hash }), 'utf8').digest('hex');
  }
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function toRow(event: LoggedEvent): EventRow {
  return {
    stream: event.stream,
    seq: event.seq,
    run_id: event.runId,
    mono_ms: event.monoMs,
    wall_ms: event.wallMs,
    actor: event.actor,
    kind: event.kind,
    payload: canonicalJson(event.payload),
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}

function fromRow(row: EventRow): LoggedEvent {
  return {
    stream: row.stream,
    seq: row.seq,
    runId: row.run_id,
    monoMs: row.mono_ms,
    wallMs: row.wall_ms,
    actor: row.actor,
    kind: row.kind,
    payload: JSON.parse(row.payload) as { [key: string]: JsonValue },
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

// The supervisor's session list (会话抽查): an index of counter sessions kept beside the
// event log, and the supervisor's comments and sign-offs, which go into the session's
// own stream so they are part of the record they judge.
//
// Invariants:
// - A session's row is folded from its stream, event by event, in the transaction that
//   appends the event (EventLog.observe): the list never shows a step the log lacks.
//   A fold that fails rolls back alone (a savepoint) and leaves the row behind the
//   stream's head; `catchUp` at start folds what any row lacks — and every session logged
//   before the index existed — from the log, which stays the only record.
// - Nothing here writes the log but `comment` and `signOff`, as `supervision.*` events;
//   the row learns of them through the same fold as of every other event.
// - "Longer than usual" is judged once, when a session finishes, against the item's
//   sessions finished before it (common/supervision.ts LONG_*); a broken chain is what
//   the last verification (opening the session, signing it off) found.
// - Pages are keyset pages (started_at, draft_id), newest first: a page costs the same
//   on the first day and after a year.
import { AppError } from '../common/errors.ts';
import { hallDateTime } from '../common/hall-time.ts';
import { dayNumber } from '../common/dates.ts';
import { sessionChapters } from '../common/session-chapters.ts';
import {
  FLAG_BITS,
  flagBits,
  flagsFromBits,
  flagsOf,
  foldSessionEvent,
  judgeDuration,
  justFinished,
  LONG_SAMPLE,
  newSessionRecord,
  SUPERVISION_COMMENTED,
  SUPERVISION_SIGNED_OFF,
  videoGaps,
  type SessionDetail,
  type SessionFacets,
  type SessionFlag,
  type SessionOutcome,
  type SessionRecord,
  type SessionSummary,
  type SignOffVerdict,
  type SupervisionNote,
} from '../common/supervision.ts';
import type { Database, Statement } from '../store/database.ts';
import type { EventLog, LoggedEvent } from './event-log.ts';

/** A counter session's stream is `session:<draftId>` (intake-service.ts `sessionStream`). */
export const SESSION_STREAM_PREFIX = 'session:';

/** Counting the filter's sessions stops here (a few years at one window): "over 50,000" is all a page needs to say. */
export const TOTAL_CAP = 50_000;

export interface SessionQuery {
  /** Hall days, inclusive. */
  from?: string;
  to?: string;
  clerk?: string;
  itemCode?: string;
  outcome?: SessionOutcome;
  flag?: SessionFlag | 'any';
  reviewed?: boolean;
  after?: string;
  limit: number;
}

export interface SessionPage {
  sessions: SessionSummary[];
  nextCursor: string | null;
  total: number;
  totalCapped: boolean;
}

/** Names for the list, from the services that own them (accounts, catalog); the index stores codes. */
export interface SessionNames {
  clerk(username: string): string | undefined;
  item(code: string): string | undefined;
}

interface Row {
  draft_id: string;
  clerk: string | null;
  item_code: string | null;
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  outcome: SessionOutcome;
  flags: number;
  reviewed: number;
  last_seq: number;
  record: string;
}

const DAY_MS = 86_400_000;
const HALL_OFFSET_MS = 8 * 3_600_000;

export class SessionIndex {
  private readonly statements = new Map<string, Statement>();
  private readonly foldTx: (event: LoggedEvent) => void;

  constructor(
    private readonly db: Database,
    private readonly events: EventLog,
    private readonly names: SessionNames = { clerk: () => undefined, item: () => undefined },
    private readonly onFoldError: (error: unknown, stream: string) => void = () => {},
  ) {
    // Nested in the append's transaction, so a savepoint: a failed fold undoes only itself.
    this.foldTx = db.transaction((event: LoggedEvent) => this.fold(event));
    events.observe((event) => {
      if (!event.stream.startsWith(SESSION_STREAM_PREFIX)) return;
      try {
        this.foldTx(event);
      } catch (error) {
        // The counter goes on; the row stays behind the head and catchUp folds it next start.
        this.onFoldError(error, event.stream);
      }
    });
  }

  /**
   * Folds into the index whatever the log holds that the index does not: sessions logged
   * before it existed, and rows a failed fold left behind. Returns how many sessions it folded.
   */
  catchUp(): number {
    const behind = this.db
      .prepare<[], { stream: string; head_seq: number; last_seq: number | null }>(
        `SELECT s.stream, s.head_seq, c.last_seq FROM event_streams s
         LEFT JOIN counter_sessions c ON c.draft_id = substr(s.stream, ${SESSION_STREAM_PREFIX.length + 1})
         WHERE s.stream LIKE '${SESSION_STREAM_PREFIX}%' AND (c.last_seq IS NULL OR c.last_seq < s.head_seq)`,
      )
      .all();
    if (behind.length === 0) return 0;
    const finished: SessionRecord[] = [];
    this.db.transaction(() => {
      for (const { stream } of behind) {
        const draftId = stream.slice(SESSION_STREAM_PREFIX.length);
        const before = this.record(draftId);
        let record = before;
        for (const event of this.events.read(stream, before?.lastSeq ?? 0)) {
          record = foldSessionEvent(record ?? newSessionRecord(draftId, event.wallMs), event);
        }
        if (!record) continue;
        this.write(record, before);
        if (justFinished(before ?? newSessionRecord(draftId, record.startedAt), record)) finished.push(record);
      }
      // Judged once every row is in: each against the sessions of its item finished before it.
      for (const record of finished) this.write(this.judged(record), record);
    })();
    return behind.length;
  }

  /** One page of the list, newest first, and how many sessions the filter holds (counted up to TOTAL_CAP). */
  list(query: SessionQuery): SessionPage {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    if (query.from !== undefined) {
      where.push('started_at >= @from');
      params['from'] = dayStart(query.from);
    }
    if (query.to !== undefined) {
      where.push('started_at < @to');
      params['to'] = dayStart(query.to) + DAY_MS;
    }
    if (query.clerk !== undefined) {
      where.push('clerk = @clerk');
      params['clerk'] = query.clerk;
    }
    if (query.itemCode !== undefined) {
      where.push('item_code = @item');
      params['item'] = query.itemCode;
    }
    if (query.outcome !== undefined) {
      where.push('outcome = @outcome');
      params['outcome'] = query.outcome;
    }
    // Written as the partial indexes are, so the planner can use them; the bits are our constants.
    if (query.flag !== undefined) {
      where.push('flags != 0');
      if (query.flag !== 'any') where.push(`(flags & ${FLAG_BITS[query.flag]}) != 0`);
    }
    if (query.reviewed !== undefined) where.push(query.reviewed ? 'reviewed = 1' : 'reviewed = 0');
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const paged = [...where];
    if (query.after !== undefined) {
      const after = decodeCursor(query.after);
      paged.push('(started_at < @afterAt OR (started_at = @afterAt AND draft_id < @afterId))');
      params['afterAt'] = after.startedAt;
      params['afterId'] = after.draftId;
    }
    const rows = this.cached<Record<string, string | number>, Row>(
      `SELECT * FROM counter_sessions ${paged.length > 0 ? `WHERE ${paged.join(' AND ')}` : ''}
       ORDER BY started_at DESC, draft_id DESC LIMIT @limit`,
    ).all({ ...params, limit: query.limit + 1 });
    const more = rows.length > query.limit;
    const shown = more ? rows.slice(0, query.limit) : rows;
    const { n } = this.cached<Record<string, string | number>, { n: number }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM counter_sessions ${filter} LIMIT ${TOTAL_CAP + 1})`,
    ).get(withoutCursor(params))!;
    const last = shown.at(-1);
    return {
      sessions: this.summaries(shown),
      nextCursor: more && last ? encodeCursor({ startedAt: last.started_at, draftId: last.draft_id }) : null,
      total: Math.min(n, TOTAL_CAP),
      totalCapped: n > TOTAL_CAP,
    };
  }

  /** The clerks and items the index holds, for the list's filters. */
  facets(): SessionFacets {
    const clerks = this.db
      .prepare<[], { clerk: string }>(
        'SELECT DISTINCT clerk FROM counter_sessions WHERE clerk IS NOT NULL ORDER BY clerk',
      )
      .all()
      .map(({ clerk }) => ({ username: clerk, name: this.names.clerk(clerk) ?? clerk }));
    const items = this.db
      .prepare<[], { item_code: string }>(
        'SELECT DISTINCT item_code FROM counter_sessions WHERE item_code IS NOT NULL ORDER BY item_code',
      )
      .all()
      .map(({ item_code: code }) => ({ code, name: this.names.item(code) ?? code }));
    return { clerks, items };
  }

  /**
   * A session as the supervisor opens it: its row, chapters, flags with what raised them,
   * comments and sign-off, and its chain verified now (the row keeps what was found).
   */
  get(draftId: string): SessionDetail {
    this.requireRow(draftId);
    const stream = SESSION_STREAM_PREFIX + draftId;
    const events = [...this.events.read(stream)];
    const chain = this.verified(draftId);
    const record = this.record(draftId)!;
    const { chapters, missing } = sessionChapters(events);
    const notes: SupervisionNote[] = [];
    for (const event of events) {
      const text = typeof event.payload['text'] === 'string' ? event.payload['text'] : undefined;
      if (event.kind === SUPERVISION_COMMENTED) {
        notes.push({ seq: event.seq, kind: 'comment', by: event.actor, at: event.wallMs, ...(text ? { text } : {}) });
      }
      if (event.kind === SUPERVISION_SIGNED_OFF) {
        const comment = typeof event.payload['comment'] === 'string' ? event.payload['comment'] : '';
        notes.push({
          seq: event.seq,
          kind: 'signOff',
          by: event.actor,
          at: event.wallMs,
          verdict: event.payload['verdict'] === 'issues' ? 'issues' : 'ok',
          ...(comment ? { text: comment } : {}),
        });
      }
    }
    return {
      session: this.summaries([this.requireRow(draftId)])[0]!,
      chapters,
      missing,
      overrides: chapters.filter((c) => c.kind === 'override').map((c) => c.subject ?? ''),
      recorded: record.recorded,
      gaps: videoGaps(events),
      usualMs: record.usualMs,
      chain,
      notes,
    };
  }

  /** A supervisor's comment (批注), appended to the session's stream. Any session, open or finished, any number of times. */
  comment(supervisor: string, draftId: string, text: string): SessionDetail {
    this.requireRow(draftId);
    this.events.append({
      stream: SESSION_STREAM_PREFIX + draftId,
      actor: supervisor,
      kind: SUPERVISION_COMMENTED,
      payload: { text },
    });
    return this.get(draftId);
  }

  /**
   * The supervisor's sign-off (签署督查意见): once per session, on a finished session only,
   * and never "ok" on a chain that no longer verifies. A later word is a comment.
   */
  signOff(supervisor: string, draftId: string, verdict: SignOffVerdict, comment?: string): SessionDetail {
    this.db.transaction(() => {
      this.requireRow(draftId);
      const record = this.record(draftId)!;
      if (record.outcome === 'open') {
        throw new AppError('supervision.sessionOpen', `session ${draftId} is still open at the window`);
      }
      if (record.signedAt !== null) {
        throw new AppError('supervision.alreadySignedOff', `session ${draftId} was signed off already`, {
          by: this.names.clerk(record.signedBy ?? '') ?? record.signedBy ?? '',
          at: hallDateTime(record.signedAt),
        });
      }
      const chain = this.verified(draftId);
      if (verdict === 'ok' && !chain.ok) {
        throw new AppError('supervision.chainBroken', `session ${draftId}: chain broken at ${chain.firstBadSeq}`);
      }
      this.events.append({
        stream: SESSION_STREAM_PREFIX + draftId,
        actor: supervisor,
        kind: SUPERVISION_SIGNED_OFF,
        payload: { verdict, ...(comment ? { comment } : {}), chain: chain.ok ? 'intact' : chain.reason },
      });
    })();
    return this.get(draftId);
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private fold(event: LoggedEvent): void {
    const draftId = event.stream.slice(SESSION_STREAM_PREFIX.length);
    const stored = this.record(draftId);
    const before = stored ?? newSessionRecord(draftId, event.wallMs);
    const after = foldSessionEvent(before, event);
    if (after === before) return;
    this.write(justFinished(before, after) ? this.judged(after) : after, stored);
  }

  /** The record with its duration judged against the item's sessions finished before it. */
  private judged(record: SessionRecord): SessionRecord {
    if (record.endedAt === null || record.itemCode === null) return record;
    const earlier = this.cached<[string, number, string], { duration_ms: number }>(
      `SELECT duration_ms FROM counter_sessions
       WHERE item_code = ? AND outcome IN ('sealed', 'correction') AND ended_at < ? AND draft_id != ?
       ORDER BY ended_at DESC LIMIT ${LONG_SAMPLE}`,
    )
      .all(record.itemCode, record.endedAt, record.draftId)
      .map((row) => row.duration_ms);
    return { ...record, ...judgeDuration(record.endedAt - record.startedAt, earlier) };
  }

  /** Verifies the session's chain and keeps the answer in its row (the list's chainBroken flag). */
  private verified(draftId: string) {
    const chain = this.events.verify(SESSION_STREAM_PREFIX + draftId);
    const record = this.record(draftId);
    const found = chain.ok ? 'ok' : 'broken';
    if (record && record.chain !== found) this.write({ ...record, chain: found }, record);
    return chain;
  }

  private record(draftId: string): SessionRecord | undefined {
    const row = this.cached<[string], { record: string }>('SELECT record FROM counter_sessions WHERE draft_id = ?').get(
      draftId,
    );
    return row && (JSON.parse(row.record) as SessionRecord);
  }

  private requireRow(draftId: string): Row {
    const row = this.cached<[string], Row>('SELECT * FROM counter_sessions WHERE draft_id = ?').get(draftId);
    if (!row) throw new AppError('supervision.sessionNotFound', `no counter session ${draftId}`);
    return row;
  }

  /**
   * Writes the record's row. Most events (a form change, a video segment) move only the
   * fold's state: then the indexed columns stay as they are and only the record is
   * rewritten, which leaves the seven indexes alone.
   */
  private write(record: SessionRecord, previous?: SessionRecord): void {
    const columns = columnsOf(record);
    const record_ = JSON.stringify(record);
    if (previous && sameColumns(columnsOf(previous), columns)) {
      this.cached<[number, string, string], never>(
        'UPDATE counter_sessions SET last_seq = ?, record = ? WHERE draft_id = ?',
      ).run(record.lastSeq, record_, record.draftId);
      return;
    }
    this.cached<Record<string, string | number | null>, never>(
      `INSERT INTO counter_sessions (draft_id, clerk, item_code, started_at, ended_at, duration_ms, outcome, flags,
         reviewed, last_seq, record)
       VALUES (@draftId, @clerk, @itemCode, @startedAt, @endedAt, @durationMs, @outcome, @flags, @reviewed, @lastSeq,
         @record)
       ON CONFLICT (draft_id) DO UPDATE SET clerk = excluded.clerk, item_code = excluded.item_code,
         started_at = excluded.started_at, ended_at = excluded.ended_at, duration_ms = excluded.duration_ms,
         outcome = excluded.outcome, flags = excluded.flags, reviewed = excluded.reviewed,
         last_seq = excluded.last_seq, record = excluded.record`,
    ).run({ draftId: record.draftId, ...columns, lastSeq: record.lastSeq, record: record_ });
  }

  private summaries(rows: readonly Row[]): SessionSummary[] {
    return rows.map((row) => {
      const record = JSON.parse(row.record) as SessionRecord;
      return {
        draftId: row.draft_id,
        clerk: row.clerk,
        clerkName: row.clerk === null ? null : (this.names.clerk(row.clerk) ?? row.clerk),
        itemCode: row.item_code,
        itemName: row.item_code === null ? null : (this.names.item(row.item_code) ?? null),
        startedAt: row.started_at,
        endedAt: row.ended_at,
        durationMs: row.duration_ms,
        outcome: row.outcome,
        packetId: record.packetId,
        flags: flagsFromBits(row.flags),
        comments: record.comments,
        signOff:
          record.verdict !== null && record.signedBy !== null && record.signedAt !== null
            ? { verdict: record.verdict, by: record.signedBy, at: record.signedAt }
            : null,
        lastReviewer: record.lastReviewer,
      };
    });
  }

  private cached<P extends unknown[] | object, R>(sql: string): Statement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as unknown as Statement<P, R>;
  }
}

/** The columns the list filters and sorts by, as the record gives them. */
function columnsOf(record: SessionRecord) {
  return {
    clerk: record.clerk,
    itemCode: record.itemCode,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    durationMs: record.endedAt === null ? null : record.endedAt - record.startedAt,
    outcome: record.outcome,
    flags: flagBits(flagsOf(record)),
    reviewed: record.signedAt === null ? 0 : 1,
  };
}

function sameColumns(a: ReturnType<typeof columnsOf>, b: ReturnType<typeof columnsOf>): boolean {
  return (Object.keys(a) as Array<keyof typeof a>).every((key) => a[key] === b[key]);
}

/** Midnight of a hall day (`YYYY-MM-DD`), epoch ms. */
function dayStart(date: string): number {
  const day = dayNumber(date);
  if (day === null) throw new AppError('request.invalidInput', `not a date: ${date}`, { fields: 'from/to' });
  return day * DAY_MS - HALL_OFFSET_MS;
}

function withoutCursor(params: Record<string, string | number>): Record<string, string | number> {
  const { afterAt: _at, afterId: _id, ...rest } = params;
  return rest;
}

/** The cursor as the contract carries it: opaque to the UI, checked when it comes back. */
export function encodeCursor(cursor: { startedAt: number; draftId: string }): string {
  return Buffer.from(JSON.stringify([cursor.startedAt, cursor.draftId])).toString('base64url');
}

export function decodeCursor(text: string): { startedAt: number; draftId: string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string') {
    return { startedAt: value[0] as number, draftId: value[1] };
  }
  throw new AppError('request.invalidInput', 'sessions.list: the cursor is not one this core gave', {
    fields: 'after',
  });
}

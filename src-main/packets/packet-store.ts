// Sealed packets (收件包) and their files: written once, in the sealing transaction,
// and never changed (the schema's triggers refuse it). Their state in the queue lives
// in packet_state, moved only through `moveTo`, which refuses a move the state machine
// (common/packet-states.ts) does not allow and logs every move in packet_transitions.
// Sealing also enters a packet with originals to post in original_postings, which the
// mailing list (mailing-list.ts) reads and completes. No other module touches these tables.
import { randomBytes } from 'node:crypto';
import { AppError } from '../common/errors.ts';
import { type Manifest, manifestHash, type NoticeKind, type SealedOutcome, travels } from '../common/manifest.ts';
import {
  canMove,
  FINISHED_STATES,
  INITIAL_STATE,
  PACKET_STATES,
  SENDING_STATES,
  type PacketState,
} from '../common/packet-states.ts';
import {
  CLERK_ATTENTION_STATES,
  type Handover,
  type PacketSummary,
  type QueueCounts,
  type QueueFilter,
  type SealedPacket,
} from '../common/packets.ts';
import { newTrackingCode } from '../common/tracking-code.ts';
import { DOCUMENT_TITLES } from '../documents/model.ts';
import type { Database, Statement } from '../store/database.ts';
import {
  buildManifest,
  deadlineOf,
  distinctMaterialFiles,
  type Lineage,
  type NewPacket,
  postedOriginals,
  signatureFiles,
} from './build-manifest.ts';
import { SearchTerms, type Searchable } from './packet-search.ts';

const SERIES_CODE: Record<NoticeKind, string> = { receipt: 'SJ', acceptance: 'SL', correction: 'BZ', refusal: 'BY' };

/**
 * packets.outcome's codes (migration 003's CHECK, on an immutable table) predate 收受分离:
 * `accept` there means "travels to the department". The manifest keeps the outcome by
 * its name (`receive`, `accept_entrusted`); the queue reads it from there.
 */
type StoredOutcome = 'accept' | 'correction' | 'refuse';
function storedOutcome(outcome: SealedOutcome): StoredOutcome {
  if (travels(outcome)) return 'accept';
  return outcome === 'refuse' ? 'refuse' : 'correction';
}

interface PacketRow {
  packet_id: string;
  version: number;
  item_code: string;
  outcome: StoredOutcome;
  applicant_name: string;
  manifest: string;
  manifest_hash: string;
  sealed_at: number;
  deadline: string | null;
  state: PacketState;
  reason: string | null;
  tracking_code: string | null;
  handed_how: Handover['how'] | null;
  handed_by: string | null;
  handed_at: number | null;
}

/** A packet version some clock still runs for (PacketStore.openForDuties). */
export interface OpenPacket {
  packetId: string;
  version: number;
  clerkId: number;
  sealedAt: number;
  deadline: string | null;
  state: PacketState;
  applicantName: string;
  itemName: string;
  trackingCode: string | null;
  originalsUnposted: boolean;
}

/** Where a page ends: the last row's place in the queue's order (newest first). */
export interface PageCursor {
  sealedAt: number;
  packetId: string;
  version: number;
}

export interface PageQuery {
  filter: QueueFilter;
  /** Epoch ms the hall's today began (the `today` filter). */
  todayFrom: number;
  /** Typed by the clerk: a name, an ID number, a document number or a 查询号; empty for none. */
  query: string;
  after: PageCursor | null;
  limit: number;
  /** Versions the outbox holds for a person (sync's, not this store's, knowledge). */
  held: ReadonlyArray<{ packetId: string; version: number }>;
}

export interface Page {
  packets: Array<Omit<PacketSummary, 'deadlineStatus'>>;
  next: PageCursor | null;
  /** How many packets each filter holds, with the same search. */
  counts: QueueCounts;
}

const quoted = (states: Iterable<string>) => [...states].map((state) => `'${state}'`).join(', ');
const OPEN_STATES = quoted(PACKET_STATES.filter((state) => !FINISHED_STATES.has(state)));
const ATTENTION_STATES = quoted(CLERK_ATTENTION_STATES);
const SENDING = quoted(SENDING_STATES);
/** A later version replaces this one (a 补正 answered lives on in the new version). */
const LATEST = 'NOT EXISTS (SELECT 1 FROM packets n WHERE n.packet_id = p.packet_id AND n.version > p.version)';
// Each filter in a form the planner can drive by an index: the page order for all and
// today, the state index for open and 需人工处理 (whose sending states are only the recent).
const FILTERS: Record<QueueFilter, string> = {
  all: '1',
  today: 'p.sealed_at >= @todayFrom',
  open: `s.state IN (${OPEN_STATES}) AND ${LATEST}`,
  attention: `s.state IN (${ATTENTION_STATES}, ${SENDING}) AND ${LATEST} AND (s.state IN (${ATTENTION_STATES}) OR
    (p.packet_id, p.version) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(@held)))
    AND NOT EXISTS (SELECT 1 FROM handovers x WHERE x.packet_id = p.packet_id AND x.version = p.version AND x.state = s.state)`,
};
/** Every sealed version has its state row (written in the sealing transaction): these filters count without it. */
const STATELESS: ReadonlySet<QueueFilter> = new Set(['all', 'today']);
/** A search's hits, small enough to drive the query: its terms, and every version of a packet by its 查询号. */
const HITS = `SELECT packet_id, version FROM packet_search WHERE term IN (SELECT value FROM json_each(@terms))
  UNION SELECT m.packet_id, m.version FROM tracking_codes c JOIN packets m USING (packet_id) WHERE c.code = @code`;
const ROW_COLUMNS = `p.packet_id, p.version, p.item_code, p.outcome, p.applicant_name, p.manifest, p.manifest_hash,
  p.sealed_at, p.deadline, s.state, s.reason, t.code AS tracking_code, h.how AS handed_how, h.handed_by,
  h.handed_at`;

export class PacketStore {
  private readonly terms: SearchTerms;
  /** The queue's statements, compiled once: a page runs five, several times a minute. */
  private readonly statements = new Map<string, Statement>();

  /**
   * `searchKey`: keys the search index (store/keys.ts); `random`: n → n random bytes
   * (tests may fix it), the OS's CSPRNG by default.
   */
  constructor(
    private readonly db: Database,
    searchKey: Buffer,
    private readonly random: (n: number) => Uint8Array = randomBytes,
  ) {
    this.terms = new SearchTerms(searchKey);
  }

  /**
   * The packet's 查询号, reserved on first call: every version of a packet shares it, and
   * a seal tried again after a failed render gets the same code. Drawn at random (55 bits)
   * and checked unique among this window's codes.
   */
  trackingCode(packetId: string, at: number): string {
    return this.db.transaction(() => {
      const known = this.trackingCodeOf(packetId);
      if (known) return known;
      for (;;) {
        const code = newTrackingCode(this.random);
        const { changes } = this.db
          .prepare('INSERT INTO tracking_codes (packet_id, code, reserved_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
          .run(packetId, code, at);
        if (changes === 1) return code;
      }
    })();
  }

  /** The packet's 查询号, or null for a packet sealed before packets had one. */
  trackingCodeOf(packetId: string): string | null {
    return (
      this.db.prepare<[string], { code: string }>('SELECT code FROM tracking_codes WHERE packet_id = ?').get(packetId)
        ?.code ?? null
    );
  }

  /** Writes packet, files and first state; call inside the sealing transaction. */
  insert(input: NewPacket): { packet: SealedPacket; manifest: Manifest } {
    const manifest = buildManifest(input, this.lineage(input));
    const hash = manifestHash(manifest);
    const { review } = input;
    const deadline = deadlineOf(review);
    this.db
      .prepare(
        `INSERT INTO packets (packet_id, version, previous_version, item_code, outcome, applicant_name, manifest,
           manifest_hash, clerk_id, sealed_at, deadline)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.packetId,
        input.version,
        input.previousVersion,
        input.item.code,
        storedOutcome(review.outcome),
        input.state.company?.name || input.state.applicant.name,
        JSON.stringify(manifest),
        hash,
        input.clerk.id,
        input.sealedAt,
        deadline,
      );
    const insertFile = this.db.prepare(
      `INSERT INTO packet_files (packet_id, version, sha256, role, material_id, document_kind, name, media_type, size)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const file of distinctMaterialFiles(input.files)) {
      insertFile.run(
        input.packetId,
        input.version,
        file.sha256,
        'material',
        file.materialId,
        null,
        file.name,
        file.mediaType,
        file.size,
      );
    }
    for (const notice of input.notices) {
      insertFile.run(
        input.packetId,
        input.version,
        notice.sha256,
        'document',
        null,
        notice.kind,
        `${notice.number}.pdf`,
        'application/pdf',
        notice.size,
      );
    }
    for (const file of signatureFiles(input.signature)) {
      insertFile.run(
        input.packetId,
        input.version,
        file.sha256,
        'signature',
        null,
        null,
        file.name,
        file.mediaType,
        file.size,
      );
    }
    this.index(input.packetId, input.version, manifest);
    const state = INITIAL_STATE[review.outcome];
    this.moveTo(input.packetId, input.version, state, null, input.sealedAt);
    // A packet that travels with originals to post goes on the mailing list (mailing-list.ts).
    if (state === 'sealed' && postedOriginals(manifest).length > 0) {
      this.db
        .prepare('INSERT INTO original_postings (packet_id, version, sealed_at) VALUES (?, ?, ?)')
        .run(input.packetId, input.version, input.sealedAt);
    }
    const packet: SealedPacket = {
      packetId: input.packetId,
      version: input.version,
      outcome: review.outcome,
      state,
      manifestHash: hash,
      deadline,
      trackingCode: input.trackingCode,
      documents: input.notices.map(({ kind, number, title, sha256 }) => ({ kind, number, title, sha256 })),
    };
    return { packet, manifest };
  }

  private lineage(input: NewPacket): Lineage {
    if (!input.previousVersion) return { previousVersion: null, windowCorrectionOf: null };
    const earlier = this.db
      .prepare<[string, number], { version: number; outcome: StoredOutcome }>(
        'SELECT version, outcome FROM packets WHERE packet_id = ? AND version < ? ORDER BY version DESC',
      )
      .all(input.packetId, input.version);
    const supplemented = earlier.find((row) => row.version === input.previousVersion);
    return {
      previousVersion: earlier.find((row) => row.outcome === 'accept')?.version ?? null,
      windowCorrectionOf: supplemented?.outcome === 'correction' ? supplemented.version : null,
    };
  }

  /** Records a state change and its transition row; refuses a move the state machine does not allow. */
  moveTo(packetId: string, version: number, state: PacketState, reason: string | null, at: number): void {
    const current = this.state(packetId, version) ?? null;
    if (!canMove(current, state)) {
      throw new AppError(
        'internal',
        `packet ${packetId} v${version} cannot move from ${current ?? '(none)'} to ${state}`,
      );
    }
    this.db
      .prepare(
        `INSERT INTO packet_state (packet_id, version, state, reason, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (packet_id, version) DO UPDATE SET state = excluded.state, reason = excluded.reason,
           updated_at = excluded.updated_at`,
      )
      .run(packetId, version, state, reason, at);
    this.db
      .prepare(
        'INSERT INTO packet_transitions (packet_id, version, from_state, to_state, reason, at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(packetId, version, current, state, reason, at);
  }

  /** The state of a packet version in the queue, or undefined when there is no such version. */
  state(packetId: string, version: number): PacketState | undefined {
    return this.db
      .prepare<[string, number], { state: PacketState }>(
        'SELECT state FROM packet_state WHERE packet_id = ? AND version = ?',
      )
      .get(packetId, version)?.state;
  }

  exists(packetId: string, version: number): boolean {
    return (
      this.db.prepare('SELECT 1 FROM packets WHERE packet_id = ? AND version = ?').get(packetId, version) !== undefined
    );
  }

  /** The manifest exactly as sealed (its hash is over these bytes' canonical form). */
  manifestText(packetId: string, version: number): string | undefined {
    return this.db
      .prepare<[string, number], { manifest: string }>(
        'SELECT manifest FROM packets WHERE packet_id = ? AND version = ?',
      )
      .get(packetId, version)?.manifest;
  }

  latest(packetId: string): { version: number; outcome: SealedOutcome; manifest: Manifest } | undefined {
    const row = this.db
      .prepare<[string], { version: number; manifest: string }>(
        'SELECT version, manifest FROM packets WHERE packet_id = ? ORDER BY version DESC LIMIT 1',
      )
      .get(packetId);
    if (!row) return undefined;
    const manifest = JSON.parse(row.manifest) as Manifest;
    return { version: row.version, outcome: manifest.review.outcome, manifest };
  }

  manifest(packetId: string, version: number): Manifest | undefined {
    const text = this.manifestText(packetId, version);
    return text === undefined ? undefined : (JSON.parse(text) as Manifest);
  }

  /** Whether a blob belongs to any packet (documents and materials may be read by staff). */
  hasFile(sha256: string): { name: string; mediaType: string } | undefined {
    const row = this.db
      .prepare<[string], { name: string; media_type: string }>(
        'SELECT name, media_type FROM packet_files WHERE sha256 = ? LIMIT 1',
      )
      .get(sha256);
    return row && { name: row.name, mediaType: row.media_type };
  }

  /**
   * One page of the queue, newest first, after `after` (keyset paging: a deep page costs
   * what the first does), with the count of every filter under the same search.
   */
  page(query: PageQuery): Page {
    const search = this.terms.query(query.query);
    const searching = query.query.trim() !== '';
    const params = {
      todayFrom: query.todayFrom,
      held: JSON.stringify(query.held.map((h) => [h.packetId, h.version])),
      terms: JSON.stringify(search.terms),
      code: search.trackingCode,
      ...(query.after
        ? { afterAt: query.after.sealedAt, afterId: query.after.packetId, afterVersion: query.after.version }
        : {}),
      limit: query.limit + 1,
    };
    // A search drives from its hits; without one the filter's index does.
    // CROSS JOIN fixes the order (SQLite keeps its left side outer): the hits, a handful,
    // lead even where no ANALYZE has told the planner how few they are.
    const from = (filter: QueueFilter, joins: string) =>
      `${searching ? `(${HITS}) h CROSS JOIN packets p USING (packet_id, version)` : 'packets p'} ${joins}
       WHERE ${FILTERS[filter]}`;
    const STATE = `${searching ? 'CROSS ' : ''}JOIN packet_state s USING (packet_id, version)`;
    // The page's keys first (indexes only), then its rows: a filter driven by state sorts
    // its candidates by time without reading a manifest it will not show.
    const keys = this.cached<typeof params, { packet_id: string; version: number; sealed_at: number }>(
      `SELECT p.packet_id, p.version, p.sealed_at FROM ${from(query.filter, STATE)}
         ${query.after ? 'AND (p.sealed_at, p.packet_id, p.version) < (@afterAt, @afterId, @afterVersion)' : ''}
       ORDER BY p.sealed_at DESC, p.packet_id DESC, p.version DESC LIMIT @limit`,
    ).all(params);
    const byKey = new Map(
      this.cached<{ keys: string }, PacketRow>(
        `SELECT ${ROW_COLUMNS} FROM packets p JOIN packet_state s USING (packet_id, version)
         LEFT JOIN tracking_codes t USING (packet_id)
         LEFT JOIN handovers h ON h.packet_id = p.packet_id AND h.version = p.version AND h.state = s.state
         WHERE (p.packet_id, p.version) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(@keys))`,
      )
        .all({ keys: JSON.stringify(keys.map((k) => [k.packet_id, k.version])) })
        .map((row) => [`${row.packet_id}#${row.version}`, row]),
    );
    const rows = keys.map((k) => byKey.get(`${k.packet_id}#${k.version}`)!);
    const more = rows.length > query.limit;
    const shown = more ? rows.slice(0, query.limit) : rows;
    const last = shown.at(-1);
    const counts = {} as QueueCounts;
    for (const filter of Object.keys(FILTERS) as QueueFilter[]) {
      const { n } = this.cached<typeof params, { n: number }>(
        `SELECT count(*) AS n FROM ${from(filter, STATELESS.has(filter) ? '' : STATE)}`,
      ).get(params)!;
      counts[filter] = n;
    }
    return {
      packets: shown.map(summaryOf),
      next: more && last ? { sealedAt: last.sealed_at, packetId: last.packet_id, version: last.version } : null,
      counts,
    };
  }

  private cached<P extends object, R>(sql: string): Statement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as Statement<P, R>;
  }

  /** The search rows of a version; call inside the transaction that writes the packet. */
  private index(packetId: string, version: number, manifest: Manifest): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO packet_search (term, packet_id, version) VALUES (?, ?, ?)');
    for (const term of this.terms.of(searchableOf(manifest))) insert.run(term, packetId, version);
  }

  /**
   * Indexes versions sealed before the search index existed (its key is not the
   * migration's to hold). Every sealed version has a receipt, so an indexed one has a row.
   */
  indexMissing(): number {
    const missing = this.db
      .prepare<[], { packet_id: string; version: number; manifest: string }>(
        `SELECT p.packet_id, p.version, p.manifest FROM packets p
         WHERE NOT EXISTS (SELECT 1 FROM packet_search x WHERE x.packet_id = p.packet_id AND x.version = p.version)`,
      )
      .all();
    this.db.transaction(() => {
      for (const row of missing) this.index(row.packet_id, row.version, JSON.parse(row.manifest) as Manifest);
    })();
    return missing.length;
  }

  /**
   * Packet versions still open for some clock (not finished), with who sealed them and
   * whether originals wait to be posted: what the duty board (duty-board.ts) reads.
   */
  openForDuties(): OpenPacket[] {
    return this.db
      .prepare<[], OpenPacket>(
        `SELECT p.packet_id AS packetId, p.version, p.clerk_id AS clerkId, p.sealed_at AS sealedAt, p.deadline,
                s.state, p.applicant_name AS applicantName, json_extract(p.manifest, '$.itemName') AS itemName,
                t.code AS trackingCode,
                (o.packet_id IS NOT NULL AND o.waybill IS NULL) AS originalsUnposted
         FROM packets p JOIN packet_state s USING (packet_id, version)
         LEFT JOIN tracking_codes t USING (packet_id)
         LEFT JOIN original_postings o USING (packet_id, version)
         WHERE s.state NOT IN (${[...FINISHED_STATES].map((state) => `'${state}'`).join(', ')})
         ORDER BY p.sealed_at`,
      )
      .all()
      .map((row) => ({ ...row, originalsUnposted: Boolean(row.originalsUnposted) }));
  }

  /**
   * Allocates the next number of each series; numbers are never reused. A series is
   * (hall, window, kind, year): each window PC keeps its own counters, so the window's id
   * in the number is what keeps two windows of one hall from issuing the same number.
   * Series from before the window was part of them (keyed hall/kind/year) stay in the
   * table unused; the new numbers cannot repeat theirs, which had no window part.
   */
  nextDocumentNumbers(
    issuer: { hallId: string; windowId: string },
    kinds: readonly NoticeKind[],
    day: string,
  ): Record<NoticeKind, string> {
    const year = day.slice(0, 4);
    const { hallId, windowId } = issuer;
    return this.db.transaction(() => {
      const numbers = {} as Record<NoticeKind, string>;
      for (const kind of kinds) {
        // A JSON array: ids may hold any character, and no two series may share a key.
        const series = JSON.stringify([hallId, windowId, SERIES_CODE[kind], year]);
        const { last } = this.db
          .prepare<[string], { last: number }>(
            `INSERT INTO document_counters (series, last) VALUES (?, 1)
             ON CONFLICT (series) DO UPDATE SET last = last + 1 RETURNING last`,
          )
          .get(series)!;
        numbers[kind] = documentNumber(hallId, windowId, SERIES_CODE[kind], year, last);
      }
      return numbers;
    })();
  }
}

function summaryOf(row: PacketRow): Omit<PacketSummary, 'deadlineStatus'> {
  const manifest = JSON.parse(row.manifest) as Manifest;
  return {
    packetId: row.packet_id,
    version: row.version,
    // The column keeps the old codes (`accept`: travels); the manifest names the outcome.
    outcome: manifest.review.outcome,
    state: row.state,
    reason: row.reason,
    manifestHash: row.manifest_hash,
    deadline: row.deadline,
    trackingCode: row.tracking_code,
    itemCode: row.item_code,
    itemName: manifest.itemName,
    applicantName: row.applicant_name,
    sealedAt: row.sealed_at,
    documents: manifest.documents.map((d) => ({ ...d, title: DOCUMENT_TITLES[d.kind] })),
    handedOver: row.handed_how ? { how: row.handed_how, by: row.handed_by!, at: row.handed_at! } : null,
  };
}

/** Whom and what a packet is found by: applicant, agent and company, and its document numbers. */
function searchableOf(manifest: Manifest): Searchable {
  const people = [manifest.applicant, manifest.agent].filter((person) => person !== undefined);
  return {
    names: [...people.map((person) => person.name), ...(manifest.company ? [manifest.company.name] : [])],
    idNumbers: [...people.map((person) => person.idNumber), ...(manifest.company ? [manifest.company.creditCode] : [])],
    documentNumbers: manifest.documents.map((document) => document.number),
  };
}

/** `{hall}-{window}-{kind code}-{year}-{000001}`: at most 64 + 64 + 2 + 4 + 7 + 4 characters (MAX_DOCUMENT_NUMBER). */
export function documentNumber(hallId: string, windowId: string, code: string, year: string, seq: number): string {
  return `${hallId}-${windowId}-${code}-${year}-${String(seq).padStart(6, '0')}`;
}

/** The cursor as the contract carries it: opaque to the UI, checked when it comes back. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.sealedAt, cursor.packetId, cursor.version])).toString('base64url');
}

export function decodeCursor(text: string): PageCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (
    Array.isArray(value) &&
    value.length === 3 &&
    Number.isSafeInteger(value[0]) &&
    typeof value[1] === 'string' &&
    Number.isSafeInteger(value[2])
  ) {
    return { sealedAt: value[0] as number, packetId: value[1], version: value[2] as number };
  }
  throw new AppError('request.invalidInput', 'packets.list: the cursor is not one this core gave', {
    fields: 'cursor',
  });
}

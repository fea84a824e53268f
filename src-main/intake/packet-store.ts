// Sealed packets (收件包) and their files: written once, in the sealing
// transaction, and never changed (the schema's triggers refuse it). Their state in
// the queue lives in packet_state, with every move logged in packet_transitions.
import type { ServiceItem } from '../catalog/schema.ts';
import { DOCUMENT_TITLES } from '../documents/model.ts';
import type { HallConfig } from '../core/config.ts';
import type { ReviewResult } from '../review/review.ts';
import type { Database } from '../store/database.ts';
import type { DraftFile, DraftState } from './draft.ts';
import type { DeadlineStatus } from './deadline-status.ts';
import { manifestHash } from '../sync/protocol.ts';
import { MANIFEST_FORMAT, type Manifest, type NoticeKind } from './manifest.ts';

export interface StoredNotice {
  kind: NoticeKind;
  number: string;
  title: string;
  sha256: string;
  size: number;
}

export interface SealedPacket {
  packetId: string;
  version: number;
  outcome: ReviewResult['outcome'];
  state: string;
  manifestHash: string;
  deadline: string | null;
  documents: Array<{ kind: NoticeKind; number: string; title: string; sha256: string }>;
}

export interface PacketSummary extends SealedPacket {
  itemCode: string;
  itemName: string;
  applicantName: string;
  reason: string | null;
  sealedAt: number;
  /** How the deadline stands on the hall's today (working days, see deadline-status.ts). */
  deadlineStatus: DeadlineStatus;
}

export interface NewPacket {
  packetId: string;
  version: number;
  previousVersion: number | null;
  item: ServiceItem;
  catalogVersion: number;
  state: DraftState;
  files: DraftFile[];
  review: ReviewResult;
  notices: StoredNotice[];
  clerk: { id: number; username: string; displayName: string };
  config: HallConfig;
  receivedAt: number;
  sealedAt: number;
}

/** Where a packet starts in the queue: only accepted packets travel to the department. */
const INITIAL_STATE: Record<ReviewResult['outcome'], string> = {
  accept: 'sealed',
  correction: 'correction_issued',
  refuse: 'refused_at_window',
};

const SERIES_CODE: Record<NoticeKind, string> = { receipt: 'SJ', acceptance: 'SL', correction: 'BZ', refusal: 'BY' };

interface PacketRow {
  packet_id: string;
  version: number;
  item_code: string;
  outcome: ReviewResult['outcome'];
  applicant_name: string;
  manifest: string;
  manifest_hash: string;
  sealed_at: number;
  deadline: string | null;
  state: string;
  reason: string | null;
}

export class PacketStore {
  constructor(private readonly db: Database) {}

  /** Writes packet, files and first state; call inside the sealing transaction. */
  insert(input: NewPacket): SealedPacket {
    const manifest = buildManifest(input, this.lineage(input));
    const hash = manifestHash(manifest);
    const { review } = input;
    const deadline = review.acceptance?.decisionDeadline.date ?? review.correction?.deadline.date ?? null;
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
        review.outcome,
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
    for (const file of dedupe(input.files)) {
      insertFile.run(input.packetId, input.version, file.sha256, 'material', file.materialId, null, file.name, file.mediaType, file.size);
    }
    for (const notice of input.notices) {
      insertFile.run(input.packetId, input.version, notice.sha256, 'document', null, notice.kind, `${notice.number}.pdf`, 'application/pdf', notice.size);
    }
    const state = INITIAL_STATE[review.outcome];
    this.moveTo(input.packetId, input.version, state, null, input.sealedAt);
    return {
      packetId: input.packetId,
      version: input.version,
      outcome: review.outcome,
      state,
      manifestHash: hash,
      deadline,
      documents: input.notices.map(({ kind, number, title, sha256 }) => ({ kind, number, title, sha256 })),
    };
  }

  private lineage(input: NewPacket): Lineage {
    if (!input.previousVersion) return { previousVersion: null, windowCorrectionOf: null };
    const earlier = this.db
      .prepare<[string, number], { version: number; outcome: ReviewResult['outcome'] }>(
        'SELECT version, outcome FROM packets WHERE packet_id = ? AND version < ? ORDER BY version DESC',
      )
      .all(input.packetId, input.version);
    const supplemented = earlier.find((row) => row.version === input.previousVersion);
    return {
      previousVersion: earlier.find((row) => row.outcome === 'accept')?.version ?? null,
      windowCorrectionOf: supplemented?.outcome === 'correction' ? supplemented.version : null,
    };
  }

  /** Records a state change and its transition row. */
  moveTo(packetId: string, version: number, state: string, reason: string | null, at: number): void {
    const current = this.db
      .prepare<[string, number], { state: string }>('SELECT state FROM packet_state WHERE packet_id = ? AND version = ?')
      .get(packetId, version);
    this.db
      .prepare(
        `INSERT INTO packet_state (packet_id, version, state, reason, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (packet_id, version) DO UPDATE SET state = excluded.state, reason = excluded.reason,
           updated_at = excluded.updated_at`,
      )
      .run(packetId, version, state, reason, at);
    this.db
      .prepare('INSERT INTO packet_transitions (packet_id, version, from_state, to_state, reason, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(packetId, version, current?.state ?? null, state, reason, at);
  }

  latest(packetId: string): { version: number; outcome: ReviewResult['outcome']; manifest: Manifest } | undefined {
    const row = this.db
      .prepare<[string], { version: number; outcome: ReviewResult['outcome']; manifest: string }>(
        'SELECT version, outcome, manifest FROM packets WHERE packet_id = ? ORDER BY version DESC LIMIT 1',
      )
      .get(packetId);
    return row && { version: row.version, outcome: row.outcome, manifest: JSON.parse(row.manifest) as Manifest };
  }

  manifest(packetId: string, version: number): Manifest | undefined {
    const row = this.db
      .prepare<[string, number], { manifest: string }>('SELECT manifest FROM packets WHERE packet_id = ? AND version = ?')
      .get(packetId, version);
    return row && (JSON.parse(row.manifest) as Manifest);
  }

  /** Whether a blob belongs to any packet (documents and materials may be read by staff). */
  hasFile(sha256: string): { name: string; mediaType: string } | undefined {
    const row = this.db
      .prepare<[string], { name: string; media_type: string }>('SELECT name, media_type FROM packet_files WHERE sha256 = ? LIMIT 1')
      .get(sha256);
    return row && { name: row.name, mediaType: row.media_type };
  }

  list(sealedSince: number): Array<Omit<PacketSummary, 'deadlineStatus'>> {
    const rows = this.db
      .prepare<[number], PacketRow>(
        `SELECT p.packet_id, p.version, p.item_code, p.outcome, p.applicant_name, p.manifest, p.manifest_hash,
                p.sealed_at, p.deadline, s.state, s.reason
         FROM packets p JOIN packet_state s USING (packet_id, version)
         WHERE p.sealed_at >= ? ORDER BY p.sealed_at DESC`,
      )
      .all(sealedSince);
    return rows.map((row) => {
      const manifest = JSON.parse(row.manifest) as Manifest;
      return {
        packetId: row.packet_id,
        version: row.version,
        outcome: row.outcome,
        state: row.state,
        reason: row.reason,
        manifestHash: row.manifest_hash,
        deadline: row.deadline,
        itemCode: row.item_code,
        itemName: manifest.itemName,
        applicantName: row.applicant_name,
        sealedAt: row.sealed_at,
        documents: manifest.documents.map((d) => ({ ...d, title: DOCUMENT_TITLES[d.kind] })),
      };
    });
  }

  /** Allocates the next number of each series; numbers are never reused. */
  nextDocumentNumbers(hallId: string, kinds: readonly NoticeKind[], day: string): Record<NoticeKind, string> {
    const year = day.slice(0, 4);
    return this.db.transaction(() => {
      const numbers = {} as Record<NoticeKind, string>;
      for (const kind of kinds) {
        const series = `${hallId}/${SERIES_CODE[kind]}/${year}`;
        const { last } = this.db
          .prepare<[string], { last: number }>(
            `INSERT INTO document_counters (series, last) VALUES (?, 1)
             ON CONFLICT (series) DO UPDATE SET last = last + 1 RETURNING last`,
          )
          .get(series)!;
        numbers[kind] = `${hallId}-${SERIES_CODE[kind]}-${year}-${String(last).padStart(6, '0')}`;
      }
      return numbers;
    })();
  }
}

/**
 * How a later version names its predecessors for the department: `previousVersion` is
 * the latest earlier version that travelled (the one the department asked to correct);
 * `windowCorrectionOf` the version supplemented when that was a 补正 issued at the window,
 * which the department never saw.
 */
interface Lineage {
  previousVersion: number | null;
  windowCorrectionOf: number | null;
}

function buildManifest(input: NewPacket, lineage: Lineage): Manifest {
  const { item, state, review, config } = input;
  const files = dedupe(input.files);
  return {
    format: MANIFEST_FORMAT,
    packetId: input.packetId,
    version: input.version,
    ...(lineage.previousVersion ? { previousVersion: lineage.previousVersion } : {}),
    ...(lineage.windowCorrectionOf ? { windowCorrectionOf: lineage.windowCorrectionOf } : {}),
    hallId: config.hall.id,
    windowId: config.window.id,
    windowRegionCode: config.regionCode,
    itemCode: item.code,
    itemName: item.name,
    catalogVersion: input.catalogVersion,
    departmentId: review.route?.departmentId ?? null,
    homeRegionCode: state.homeRegionCode,
    applicantKind: state.applicantKind,
    applicant: state.applicant,
    ...(state.company ? { company: state.company } : {}),
    ...(state.agent ? { agent: state.agent } : {}),
    form: state.answers,
    materials: item.materials
      .filter((m) => state.counts[m.id] || files.some((f) => f.materialId === m.id))
      .map((m) => ({
        materialId: m.id,
        name: m.name,
        original: state.counts[m.id]?.original ?? 0,
        copy: state.counts[m.id]?.copy ?? 0,
        electronic: state.counts[m.id]?.electronic ?? 0,
        files: files.filter((f) => f.materialId === m.id).map((f) => f.sha256),
      })),
    files: [
      ...files.map((f) => ({ sha256: f.sha256, size: f.size, mediaType: f.mediaType, name: f.name, materialId: f.materialId })),
      ...input.notices.map((n) => ({
        sha256: n.sha256,
        size: n.size,
        mediaType: 'application/pdf',
        name: `${n.number}.pdf`,
        document: n.kind,
      })),
    ],
    review: {
      outcome: review.outcome,
      findings: review.findings.map((f) => ({
        key: f.key,
        ruleId: f.ruleId,
        severity: f.severity,
        message: f.message,
        overridden: Boolean(f.override),
      })),
      overrides: review.overrides.map((o) => ({ findingKey: o.findingKey, ruleId: o.ruleId, reason: o.reason })),
    },
    documents: input.notices.map((n) => ({ kind: n.kind, number: n.number, sha256: n.sha256 })),
    clerk: { username: input.clerk.username, displayName: input.clerk.displayName },
    receivedAt: new Date(input.receivedAt).toISOString(),
    sealedAt: new Date(input.sealedAt).toISOString(),
    deadline: review.acceptance?.decisionDeadline.date ?? review.correction?.deadline.date ?? null,
  };
}

/** The same file may be given for a material twice; the packet lists it once per material. */
function dedupe(files: DraftFile[]): DraftFile[] {
  const seen = new Set<string>();
  return files.filter((f) => {
    const key = `${f.materialId}/${f.sha256}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

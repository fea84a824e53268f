// The clerk's intake (收件): a draft per applicant, autosaved on every change, its
// material files in the encrypted blob store, formal review on demand, and sealing
// into an immutable packet with its notices. Each step is appended to the counter
// session's stream of the event log.
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { type IdentityHolder, type PersonIdentity, personFromCard } from '../common/application.ts';
import { type IdentityCheck, type IdentityCheckInput } from '../common/identity-check.ts';
import { canonicalJson } from '../common/canonical-json.ts';
import type { CardIdentity } from '../common/id-card.ts';
import { AppError } from '../common/errors.ts';
import type { CatalogStore } from '../catalog/catalog-store.ts';
import type { ServiceItem } from '../common/catalog.ts';
import type { WorkingCalendar } from '../common/working-calendar.ts';
import type { HallConfig } from '../common/hall-config.ts';
import { startOfHallDay } from '../common/hall-time.ts';
import type { Clock } from '../common/hall-time.ts';
import type { EventLog, JsonValue } from '../recording/event-log.ts';
import { SESSION_STREAM_PREFIX } from '../recording/sessions.ts';
import {
  assertCountersigned,
  assertNoWindowFixes,
  isSealable,
  MIN_OVERRIDE_REASON_LENGTH,
  reviewApplication,
  type PreviousReview,
  type ReviewResult,
} from '../common/review/review.ts';
import type { Countersign, CountersignedBy } from '../common/review/findings.ts';
import { normaliseCreditCode, normaliseIdNumber } from '../common/review/identifiers.ts';
import { ACCEPTED_MEDIA_TYPES } from '../common/review/rules.ts';
import { codePointLabel, describeCharacters, printFindings, unprintableOf } from '../common/review/printing.ts';
import type { BlobStore, PutResult } from '../store/blob-store.ts';
import type { Database } from '../store/database.ts';
import {
  applicationOf,
  applyPatch,
  type DraftFile,
  type DraftPatch,
  DraftState,
  type DraftView,
  emptyDraftState,
  type LateSupplement,
  type PageCapture,
  personOf,
  type WizardStep,
} from '../common/draft.ts';
import { type NoticeRenderer, trackingOf } from './notices.ts';
import { deadlineStatus } from '../common/deadline-status.ts';
import type { CalendarDate } from '../common/dates.ts';
import type { PacketSummary, QueueCounts, SealedPacket } from '../common/packets.ts';
import { travels } from '../common/manifest.ts';
import { previousReviewOf, type StoredNotice } from '../packets/build-manifest.ts';
import type { PrintQueue, SealedSlip } from '../packets/print-queue.ts';
import type { SealingOutbox } from '../packets/outbox.ts';
import type { PacketStore, PageCursor, PageQuery } from '../packets/packet-store.ts';
import { isRecorded, recordBlob } from '../store/blob-records.ts';
import { isBindable, PageUnreadable, type PageToBind } from '../documents/render-protocol.ts';
import { KeyedQueue } from '../common/one-at-a-time.ts';
import {
  type Confirmation,
  type ConfirmationView,
  FACE_CONSENT_NOTICE_VERSION,
  type FaceConsent,
  viewHashOf,
} from '../common/applicant.ts';
import { confirmationView } from './confirmation-view.ts';
import {
  assertSignatureLongEnough,
  pointCount,
  SIGNATURE_LIMITS,
  type SignatureCapture,
  SignatureInk,
} from '../common/signature.ts';
import type { PacketSignature } from '../packets/build-manifest.ts';

/** A file received in full but not stored yet (a finished chunked upload). */
export interface IncomingFile {
  name: string;
  size: number;
  /** Its first bytes, enough to sniff the type. */
  head: Uint8Array;
  /** Commits it to the blob store. */
  store(): Promise<{ sha256: string; size: number }>;
}

export interface Clerk {
  id: number;
  username: string;
  displayName: string;
}

export interface IntakeDeps {
  db: Database;
  blobs: BlobStore;
  events: EventLog;
  catalog: CatalogStore;
  calendar: WorkingCalendar;
  notices: NoticeRenderer;
  config: HallConfig;
  clock: Clock;
  /** The hall's 补正期限 in working days when an item sets none. */
  correctionDays: number;
  packets: PacketStore;
  /** Where accepted packets go to travel to the department (sealed in the same transaction). */
  outbox?: SealingOutbox;
  /** The tracking URL template (`{code}` for the 查询号) at this moment, or undefined for none. */
  trackingUrlTemplate?: () => string | undefined;
  /** How many files are still being uploaded for a draft (a seal waits for none). */
  uploadsInProgress?: (draftId: string) => number;
  /** The last day of the 补正 the department asked for on a packet version (sync/department-documents.ts). */
  departmentCorrectionDue?: (packetId: string, version: number, itemCode: string) => CalendarDate | null;
  /** The receipt printer's queue: the seal's slips are queued with it and printed after it. */
  printQueue?: Pick<PrintQueue, 'enqueue' | 'kick'>;
  /**
   * Whether a seal needs the applicant's confirmation (or the clerk's recorded waiver) now:
   * the applicant desk's word (config and whether a screen was paired). Absent: never.
   */
  confirmationRequired?: () => boolean;
}

interface DraftRow {
  id: string;
  clerk_id: number;
  item_code: string;
  catalog_version: number;
  step: WizardStep;
  state: string;
  previous_packet_id: string | null;
  previous_version: number | null;
  created_at: number;
  updated_at: number;
}

/** The counter session's stream in the event log. */
export const sessionStream = (draftId: string): string => `${SESSION_STREAM_PREFIX}${draftId}`;

/** The actor of what the applicant did on their screen (consent, confirmation) in the session log. */
export const APPLICANT_ACTOR = 'applicant';

export class IntakeService {
  private readonly packets: PacketStore;
  // One writer per draft: its changing calls (save, add or remove a file, review, seal,
  // discard) run one after another, each on what the one before left. So a seal waits
  // for a file being stored and reviews the draft with it, and a change that arrives
  // after the seal is refused as `intake.draftSealed` instead of being lost with the draft.
  private readonly writers = new KeyedQueue<string>();

  constructor(private readonly deps: IntakeDeps) {
    this.packets = deps.packets;
  }

  listDrafts(clerk: Clerk): DraftView[] {
    const rows = this.deps.db
      .prepare<[number], DraftRow>('SELECT * FROM drafts WHERE clerk_id = ? ORDER BY updated_at DESC')
      .all(clerk.id);
    return rows.map((row) => this.view(row));
  }

  getDraft(clerk: Clerk, id: string): DraftView {
    return this.view(this.row(clerk, id));
  }

  createDraft(clerk: Clerk, itemCode: string): DraftView {
    const item = this.deps.catalog.item(itemCode);
    const version = this.deps.catalog.activeSummary()!.version;
    const kind = item.serviceObjects.includes('person') ? 'person' : 'company';
    return this.insertDraft(clerk, item, version, emptyDraftState(kind), null);
  }

  /**
   * 补正 resubmission: a new draft carrying the first version's answers, to become version
   * n+1. After the 补正's last day the application is 视为放弃: going on needs a decision,
   * the clerk's written reason (`late`), which the draft and the manifest carry.
   */
  supplement(clerk: Clerk, packetId: string, late?: { reason: string }): DraftView {
    const packet = this.packets.latest(packetId);
    if (!packet) throw new AppError('intake.packetNotFound', `no packet ${packetId}`);
    // 补正 issued at the window, or asked for by the department through the change feed.
    const queueState = this.packets.state(packetId, packet.version);
    if (packet.outcome !== 'correction' && queueState !== 'correction_required') {
      throw new AppError(
        'intake.notCorrectable',
        `packet ${packetId} v${packet.version} is ${queueState ?? packet.outcome}`,
      );
    }
    const item = this.deps.catalog.item(packet.manifest.itemCode);
    const version = this.deps.catalog.activeSummary()!.version;
    const { manifest } = packet;
    const due =
      queueState === 'correction_required'
        ? (this.deps.departmentCorrectionDue?.(packetId, packet.version, manifest.itemCode) ?? null)
        : manifest.deadline;
    const lateSupplement = due === null ? undefined : this.lateSupplement(due, late);
    const state = DraftState.parse({
      ...emptyDraftState(manifest.applicantKind),
      applicant: manifest.applicant,
      ...(manifest.company ? { company: manifest.company } : {}),
      ...(manifest.operatorRole ? { operatorRole: manifest.operatorRole } : {}),
      ...(manifest.guardian ? { guardian: manifest.guardian } : {}),
      ...(manifest.agent ? { agent: manifest.agent } : {}),
      homeRegionCode: manifest.homeRegionCode,
      answers: manifest.form,
      // What the clerk confirmed for the first version stands (packets sealed before manifests said: none).
      conditions: manifest.conditions ?? {},
      counts: Object.fromEntries(
        manifest.materials.map((m) => [m.materialId, { original: m.original, copy: m.copy, electronic: m.electronic }]),
      ),
      ...(manifest.delivery ? { delivery: manifest.delivery } : {}),
      ...(lateSupplement ? { lateSupplement } : {}),
    });
    const draft = this.insertDraft(clerk, item, version, state, { packetId, version: packet.version });
    // Files already handed in stay with the resubmission; only what was missing is added.
    const now = this.deps.clock.now();
    for (const file of manifest.files) {
      if (file.materialId) insertDraftFile(this.deps.db, draft.id, file.materialId, file, now);
    }
    return this.getDraft(clerk, draft.id);
  }

  /** Autosave: applies the change, stores it and logs what changed, in one transaction. */
  saveDraft(clerk: Clerk, id: string, patch: DraftPatch): Promise<DraftView> {
    return this.write(clerk, id, (row) => {
      const stored = DraftState.parse(JSON.parse(row.state));
      const typed = normalised(patch, this.itemOrNull(row.item_code));
      const { next, changed } = applyPatch(stored, {
        ...typed,
        ...(typed.applicant ? { applicant: asSaved(typed.applicant, stored.applicant) } : {}),
        ...(typed.agent ? { agent: asSaved(typed.agent, stored.agent) } : {}),
        ...(typed.guardian
          ? { guardian: { ...typed.guardian, person: asSaved(typed.guardian.person, stored.guardian?.person) } }
          : {}),
      });
      // Each patch is within the caps; what they add up to must be too.
      const merged = DraftState.safeParse(next);
      if (!merged.success) {
        const fields = [...new Set(merged.error.issues.map((issue) => issue.path.join('.')))].join(', ');
        throw new AppError('request.invalidInput', `draft ${id} would exceed its limits: ${fields}`, { fields });
      }
      const step = patch.step ?? row.step;
      if (changed.length === 0 && step === row.step) return this.view(row);
      this.deps.db
        .prepare('UPDATE drafts SET state = ?, step = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify(next), step, this.deps.clock.now(), id);
      if (step !== row.step) this.log(clerk, id, 'intake.stepChanged', { from: row.step, to: step });
      if (changed.length > 0) {
        this.log(clerk, id, 'intake.draftChanged', { changed, values: valuesOf(next, changed) });
      }
      return this.view(this.row(clerk, id));
    });
  }

  /**
   * Fills the applicant's, the guardian's or the agent's identity from a card the reader read, and logs the
   * reading in the session: the card's kind, the hash of its fields, never the photo.
   */
  useCard(clerk: Clerk, id: string, who: IdentityHolder, card: CardReadingFacts): Promise<DraftView> {
    return this.write(clerk, id, (row) => {
      const stored = DraftState.parse(JSON.parse(row.state));
      const person = personFromCard(card.identity, card.readAt);
      const { next, changed } = applyPatch(
        stored,
        who === 'guardian'
          ? { guardian: { relation: stored.guardian?.relation ?? 'parent', person } }
          : { [who]: person },
      );
      this.deps.db
        .prepare('UPDATE drafts SET state = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify(next), this.deps.clock.now(), id);
      this.log(clerk, id, 'identity.cardRead', {
        who,
        readId: card.readId,
        readAt: card.readAt,
        cardType: card.identity.cardType,
        fieldsSha256: createHash('sha256').update(canonicalJson(card.identity)).digest('hex'),
        photo: card.identity.photo.present,
        findings: card.findingRules,
      });
      if (changed.length > 0) this.log(clerk, id, 'intake.draftChanged', { changed, values: valuesOf(next, changed) });
      return this.view(this.row(clerk, id));
    });
  }

  /**
   * Records the 人证核验 of the person at the counter: the face match's outcome (only after the
   * applicant's consent on their screen), or the clerk's comparison by eye, with the clerk's
   * verdict and reason where the match did not pass. Each outcome and each verdict is an event
   * of the session; no face image or embedding is kept or logged.
   */
  recordIdentityCheck(clerk: Clerk, id: string, who: IdentityHolder, check: IdentityCheckInput): Promise<DraftView> {
    return this.write(clerk, id, (row) => {
      const state = DraftState.parse(JSON.parse(row.state));
      const person = personOf(state, who);
      if (!person || person.idNumber.trim() === '') {
        throw new AppError('intake.identityCheckNoPerson', `draft ${id} has no ${who} identity to check`, { who });
      }
      if (check.method === 'face' && person.source !== 'idCard') {
        // The chip photo is the reference: a typed identity has none.
        throw new AppError('intake.identityCheckNoCard', `${who} of draft ${id} was not read from a card`);
      }
      if (check.method === 'face' && state.faceConsent?.granted !== true) {
        throw new AppError('intake.faceConsentMissing', `no face-recognition consent recorded for draft ${id}`);
      }
      const now = this.deps.clock.now();
      const identityCheck: IdentityCheck = { who, check, idNumber: person.idNumber, clerk: clerk.username, at: now };
      this.deps.db
        .prepare('UPDATE drafts SET state = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify({ ...state, identityCheck }), now, id);
      if (check.method === 'face') {
        this.log(clerk, id, 'identity.faceMatch', {
          who,
          outcome: check.outcome,
          similarity: round3(check.similarity),
          live: round3(check.live),
          real: round3(check.real),
          frames: check.frames,
        });
        if (check.verdict) {
          this.log(clerk, id, 'identity.clerkVerdict', {
            who,
            outcome: check.outcome,
            verdict: check.verdict,
            reason: check.reason ?? '',
          });
        }
      } else {
        this.log(clerk, id, 'identity.visualCheck', {
          who,
          cause: check.cause,
          verdict: check.verdict,
          reason: check.reason ?? '',
        });
      }
      return this.view(this.row(clerk, id));
    });
  }

  /**
   * Stores a captured or uploaded file for a material; only images and PDFs are taken.
   * The file arrived in chunks and is not stored yet: it is checked first (type sniffed
   * from its first bytes), so a refused file leaves no blob behind.
   */
  addFile(
    clerk: Clerk,
    id: string,
    materialId: string,
    file: IncomingFile,
    options: { capture?: PageCapture; replacing?: string; thumbnail?: Uint8Array } = {},
  ): Promise<DraftView> {
    return this.writers.run(id, async () => {
      const row = this.row(clerk, id);
      return this.storeFile(clerk, row, materialId, file, options);
    });
  }

  /** Moves a page of a material to `to` (0: first); the others keep their order around it. */
  moveFile(clerk: Clerk, id: string, materialId: string, sha256: string, to: number): Promise<DraftView> {
    return this.write(clerk, id, () => {
      const pages = this.deps.db
        .prepare<[string, string], { sha256: string }>(
          'SELECT sha256 FROM draft_files WHERE draft_id = ? AND material_id = ? ORDER BY position, added_at, sha256',
        )
        .all(id, materialId)
        .map((p) => p.sha256);
      const from = pages.indexOf(sha256);
      if (from < 0)
        throw new AppError('intake.fileNotFound', `draft ${id} has no file ${sha256.slice(0, 12)} at ${materialId}`);
      const target = Math.max(0, Math.min(pages.length - 1, to));
      if (target !== from) {
        pages.splice(target, 0, ...pages.splice(from, 1));
        const update = this.deps.db.prepare(
          'UPDATE draft_files SET position = ? WHERE draft_id = ? AND material_id = ? AND sha256 = ?',
        );
        pages.forEach((page, position) => update.run(position, id, materialId, page));
        this.log(clerk, id, 'intake.materialMoved', { materialId, sha256, from, to: target });
      }
      return this.view(this.row(clerk, id));
    });
  }

  /**
   * 此件经与原件核对无误: records (or takes back) that the clerk checked the material's camera
   * pages against the originals shown, with the clerk and the hall's date. Only a material
   * with camera pages and with originals or copies due can carry it.
   */
  certifyCopy(clerk: Clerk, id: string, materialId: string, certified: boolean): Promise<DraftView> {
    return this.write(clerk, id, (row) => {
      const material = this.deps.catalog.item(row.item_code).materials.find((m) => m.id === materialId);
      if (!material) {
        throw new AppError('request.invalidInput', `item ${row.item_code} has no material ${materialId}`, {
          fields: 'materialId',
        });
      }
      const state = DraftState.parse(JSON.parse(row.state));
      const certifiedCopies = { ...state.certifiedCopies };
      if (certified === materialId in certifiedCopies) return this.view(row);
      if (certified) {
        const pages = this.deps.db
          .prepare<[string, string], { n: number }>(
            `SELECT count(*) AS n FROM draft_files WHERE draft_id = ? AND material_id = ? AND source = 'documentCamera'`,
          )
          .get(id, materialId)!.n;
        if (pages === 0 || material.counts.original + material.counts.copy === 0) {
          throw new AppError(
            'intake.certifyNotApplicable',
            `material ${materialId} has ${pages} camera page(s) and ${material.counts.original + material.counts.copy} original(s) or copies due`,
            { material: material.name },
          );
        }
        const now = this.deps.clock.now();
        certifiedCopies[materialId] = {
          username: clerk.username,
          displayName: clerk.displayName,
          on: this.deps.calendar.localDate(now),
          at: now,
        };
      } else {
        delete certifiedCopies[materialId];
      }
      this.deps.db
        .prepare('UPDATE drafts SET state = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify({ ...state, certifiedCopies }), this.deps.clock.now(), id);
      this.log(clerk, id, certified ? 'intake.copyCertified' : 'intake.copyCertificationWithdrawn', { materialId });
      return this.view(this.row(clerk, id));
    });
  }

  /** A material's pages changed: a check against the originals no longer covers them. */
  private dropCertification(clerk: Clerk, id: string, materialId: string): void {
    const row = this.row(clerk, id);
    const state = DraftState.parse(JSON.parse(row.state));
    if (!state.certifiedCopies?.[materialId]) return;
    const { [materialId]: _dropped, ...certifiedCopies } = state.certifiedCopies;
    this.deps.db
      .prepare('UPDATE drafts SET state = ? WHERE id = ?')
      .run(JSON.stringify({ ...state, certifiedCopies }), id);
    this.log(clerk, id, 'intake.copyCertificationWithdrawn', { materialId, reason: 'pagesChanged' });
  }

  private async storeFile(
    clerk: Clerk,
    row: DraftRow,
    materialId: string,
    file: IncomingFile,
    { capture, replacing, thumbnail }: { capture?: PageCapture; replacing?: string; thumbnail?: Uint8Array },
  ): Promise<DraftView> {
    const { id } = row;
    const { name } = file;
    const item = this.deps.catalog.item(row.item_code);
    if (!item.materials.some((m) => m.id === materialId)) {
      throw new AppError('request.invalidInput', `item ${item.code} has no material ${materialId}`, {
        fields: 'materialId',
      });
    }
    // file-type loads with the first file, not at start (a few MiB a core that takes no files need not hold).
    const { fileTypeFromBuffer } = await import('file-type');
    const detected = await fileTypeFromBuffer(file.head);
    if (!detected || !(ACCEPTED_MEDIA_TYPES as readonly string[]).includes(detected.mime)) {
      throw new AppError('intake.unsupportedFile', `${detected?.mime ?? 'unknown type'} is not an image or PDF`, {
        name,
      });
    }
    if (thumbnail) await checkThumbnail(thumbnail, fileTypeFromBuffer, name);
    this.checkDraftSize(id, file.size, name);
    const stored = await file.store();
    const small = thumbnail && (await this.deps.blobs.put(thumbnail).catch(this.forgetting([stored])));
    return this.recordStored(small ? [stored, small] : [stored], () => {
      const now = this.deps.clock.now();
      recordBlob(this.deps.db, stored, now);
      if (small) recordBlob(this.deps.db, small, now);
      const file = {
        sha256: stored.sha256,
        name,
        mediaType: detected.mime,
        size: stored.size,
        thumbnail: small ? small.sha256 : null,
      };
      const source = capture?.source ?? 'file';
      if (replacing === undefined) {
        insertDraftFile(this.deps.db, id, materialId, file, now, { source });
      } else {
        // A page retaken takes the place of the one it replaces.
        const old = this.deps.db
          .prepare<[string, string, string], { position: number }>(
            'SELECT position FROM draft_files WHERE draft_id = ? AND material_id = ? AND sha256 = ?',
          )
          .get(id, materialId, replacing);
        if (!old)
          throw new AppError(
            'intake.fileNotFound',
            `draft ${id} has no file ${replacing.slice(0, 12)} at ${materialId}`,
          );
        this.deps.db
          .prepare('DELETE FROM draft_files WHERE draft_id = ? AND material_id = ? AND sha256 = ?')
          .run(id, materialId, replacing);
        insertDraftFile(this.deps.db, id, materialId, file, now, { position: old.position, source });
      }
      this.deps.db.prepare('UPDATE drafts SET updated_at = ? WHERE id = ?').run(now, id);
      this.dropCertification(clerk, id, materialId);
      this.log(clerk, id, replacing === undefined ? 'intake.materialAdded' : 'intake.materialRetaken', {
        materialId,
        sha256: stored.sha256,
        mediaType: detected.mime,
        size: stored.size,
        ...(replacing === undefined ? {} : { replaced: replacing }),
        ...(capture ? { capture: capture as unknown as JsonValue } : {}),
      });
      return this.view(this.row(clerk, id));
    });
  }

  /**
   * Records blobs this call has just stored, in one transaction with `record`. When the
   * transaction fails (a full disk) the blobs are removed at once (see `forget`).
   */
  private recordStored<T>(stored: PutResult[], record: () => T): T {
    let result: T;
    try {
      result = this.deps.db.transaction(record)();
    } catch (error) {
      this.forget(stored);
      throw error;
    }
    for (const blob of stored) this.deps.blobs.settle(blob.sha256);
    return result;
  }

  /** A catch that forgets what was stored before the step that failed, and fails on. */
  private forgetting(stored: PutResult[]): (error: unknown) => never {
    return (error) => {
      this.forget(stored);
      throw error;
    };
  }

  /**
   * Blobs this call stored and will not record go now, not at the next start's check —
   * unless something records them or another call storing the same content is under way.
   */
  private forget(stored: PutResult[]): void {
    for (const blob of stored) {
      this.deps.blobs.removeUnrecorded(blob.sha256, () => isRecorded(this.deps.db, blob.sha256));
    }
  }

  /** intake.draftTooLarge when `adding` more bytes would take the draft's files over the configured limit. */
  private checkDraftSize(id: string, adding: number, name: string): void {
    const limit = this.deps.config.intake.maxDraftBytes;
    const held =
      this.deps.db
        .prepare<[string], { total: number | null }>('SELECT sum(size) AS total FROM draft_files WHERE draft_id = ?')
        .get(id)?.total ?? 0;
    if (held + adding > limit) {
      throw new AppError(
        'intake.draftTooLarge',
        `draft ${id} holds ${held} bytes; ${adding} more would pass the limit of ${limit} (intake.maxDraftBytes)`,
        { name, limitMB: Math.floor(limit / 2 ** 20) },
      );
    }
  }

  removeFile(clerk: Clerk, id: string, materialId: string, sha256: string): Promise<DraftView> {
    return this.write(clerk, id, () => {
      const { changes } = this.deps.db
        .prepare('DELETE FROM draft_files WHERE draft_id = ? AND material_id = ? AND sha256 = ?')
        .run(id, materialId, sha256);
      if (changes > 0) {
        this.log(clerk, id, 'intake.materialRemoved', { materialId, sha256 });
        this.dropCertification(clerk, id, materialId);
      }
      return this.view(this.row(clerk, id));
    });
  }

  /** A file of the draft; `thumbnail`: its small picture where it has one (the file itself where not). */
  async fileBytes(
    clerk: Clerk,
    id: string,
    sha256: string,
    { thumbnail = false }: { thumbnail?: boolean } = {},
  ): Promise<{ bytes: Buffer; mediaType: string; name: string }> {
    this.row(clerk, id);
    const file = this.deps.db
      .prepare<[string, string], { name: string; media_type: string; thumbnail_sha256: string | null }>(
        'SELECT name, media_type, thumbnail_sha256 FROM draft_files WHERE draft_id = ? AND sha256 = ?',
      )
      .get(id, sha256);
    if (!file) throw new AppError('store.blobMissing', `draft ${id} has no file ${sha256.slice(0, 12)}`);
    if (thumbnail && file.thumbnail_sha256) {
      return { bytes: await this.deps.blobs.read(file.thumbnail_sha256), mediaType: 'image/jpeg', name: file.name };
    }
    return { bytes: await this.deps.blobs.read(sha256), mediaType: file.media_type, name: file.name };
  }

  /**
   * 申请人签名 from the applicant screen (the paired page's `applicant.sign`; the pairing says
   * which draft, so no clerk is asked for). Checked — the strokes within their caps and not
   * a dot, the image a real PNG of sane size — then stored as two blobs, the PNG and the
   * strokes as canonical JSON, recorded in the draft's state and logged with hashes only.
   * A new signature replaces the old. The applicant signs after confirming what the clerk
   * entered, so a later change of the draft does not void it: the confirmation is where
   * they check, the signature is their mark on it.
   */
  attachSignature(draftId: string, capture: SignatureCapture): Promise<DraftView> {
    return this.writers.run(draftId, async () => {
      const parsed = SignatureInk.safeParse({ width: capture.width, height: capture.height, strokes: capture.strokes });
      if (!parsed.success) {
        const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(input)'))].join(', ');
        throw new AppError('signature.invalid', `signature of draft ${draftId} fails its schema: ${fields}`, {
          fields,
        });
      }
      const ink = parsed.data;
      assertSignatureLongEnough(ink.strokes);
      await checkSignatureImage(capture.png);
      const row = this.draftRow(draftId);
      const image = await this.deps.blobs.put(capture.png);
      const strokes = await this.deps.blobs
        .put(new TextEncoder().encode(canonicalJson(ink)))
        .catch(this.forgetting([image]));
      return this.recordStored([image, strokes], () => {
        const now = this.deps.clock.now();
        recordBlob(this.deps.db, image, now);
        recordBlob(this.deps.db, strokes, now);
        const state = DraftState.parse(JSON.parse(row.state));
        const before = state.signature;
        const signature = {
          image: image.sha256,
          strokes: strokes.sha256,
          width: ink.width,
          height: ink.height,
          at: now,
        };
        this.deps.db
          .prepare('UPDATE drafts SET state = ?, updated_at = ? WHERE id = ?')
          .run(JSON.stringify({ ...state, signature }), now, draftId);
        this.deps.events.append({
          stream: sessionStream(draftId),
          actor: 'applicant',
          kind: 'applicant.signed',
          payload: {
            image: image.sha256,
            imageSize: image.size,
            strokes: strokes.sha256,
            strokeCount: ink.strokes.length,
            points: pointCount(ink.strokes),
            width: ink.width,
            height: ink.height,
            ...(before ? { replaced: 'onPaper' in before ? 'onPaper' : before.image } : {}),
          },
        });
        return this.view(this.draftRow(draftId));
      });
    });
  }

  /**
   * The applicant cannot sign on the screen (no applicant display, the pad unusable, the
   * applicant unable): they sign the printed documents by hand, and the clerk says why.
   * Replaces a screen signature given before; logged.
   */
  signatureUnavailable(clerk: Clerk, id: string, reason: string): Promise<DraftView> {
    return this.write(clerk, id, (row) => {
      const why = reason.trim();
      if (why === '') throw new AppError('signature.reasonMissing', `draft ${id}: no reason for signing on paper`);
      const state = DraftState.parse(JSON.parse(row.state));
      const before = state.signature;
      const now = this.deps.clock.now();
      const signature = { onPaper: true as const, reason: why.slice(0, 500), at: now };
      this.deps.db
        .prepare('UPDATE drafts SET state = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify({ ...state, signature }), now, id);
      this.log(clerk, id, 'applicant.signatureOnPaper', {
        reason: signature.reason,
        ...(before && !('onPaper' in before) ? { replaced: before.image } : {}),
      });
      return this.view(this.row(clerk, id));
    });
  }

  /** The applicant's signature image for the clerk's review (`signature.notGiven` when there is none on screen). */
  async signatureImage(
    clerk: Clerk,
    id: string,
  ): Promise<{ bytes: Buffer; mediaType: 'image/png'; width: number; height: number; at: number }> {
    const state = DraftState.parse(JSON.parse(this.row(clerk, id).state));
    const signature = state.signature;
    if (!signature || 'onPaper' in signature) {
      throw new AppError('signature.notGiven', `draft ${id} has no signature given on screen`);
    }
    return {
      bytes: await this.deps.blobs.read(signature.image),
      mediaType: 'image/png',
      width: signature.width,
      height: signature.height,
      at: signature.at,
    };
  }

  /** Formal review as of now; changes nothing in the draft, and is logged to the session. */
  review(clerk: Clerk, id: string): Promise<ReviewResult> {
    return this.write(clerk, id, (row) => {
      const result = this.runReview(clerk, row, this.deps.catalog.item(row.item_code));
      // A seal may follow: the render worker starts reading its fonts now.
      this.deps.notices.warmUp();
      this.log(clerk, id, 'intake.reviewed', {
        outcome: result.outcome,
        findings: result.findings.map((f) => f.key),
        overrides: result.overrides.map((o) => ({ findingKey: o.findingKey, reason: o.reason })),
        ...missedOf(result),
      });
      return result;
    });
  }

  /**
   * Records a supervisor's countersign (主管会签) of one finding, as review stands now: a
   * countersign-level override with its reason, or a finding the previous version's notice
   * missed. The caller has verified the supervisor's password (AuthService.countersigner).
   * It holds for this draft, this finding as shown and this reason only (see Countersign).
   */
  countersign(clerk: Clerk, id: string, findingKey: string, supervisor: CountersignedBy): Promise<ReviewResult> {
    return this.write(clerk, id, (row) => {
      const item = this.deps.catalog.item(row.item_code);
      const before = this.runReview(clerk, row, item);
      const finding = before.findings.find((f) => f.key === findingKey);
      if (!finding || !before.awaitingCountersign.includes(findingKey)) {
        throw new AppError('intake.countersignNotNeeded', `finding ${findingKey} of draft ${id} awaits no countersign`);
      }
      const state = DraftState.parse(JSON.parse(row.state));
      const signed: Countersign = {
        findingKey,
        reason: finding.override?.reason ?? '',
        message: finding.message,
        by: supervisor,
      };
      const countersigns = [...(state.countersigns ?? []).filter((c) => c.findingKey !== findingKey), signed];
      this.deps.db
        .prepare('UPDATE drafts SET state = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify({ ...state, countersigns }), this.deps.clock.now(), id);
      this.log(clerk, id, 'intake.countersigned', {
        findingKey,
        ruleId: finding.ruleId,
        reason: signed.reason,
        overridden: finding.override !== undefined,
        missedInNotice: finding.missedInNotice === true,
        supervisor: supervisor.username,
        supervisorId: supervisor.supervisorId,
        at: supervisor.at,
      });
      return this.runReview(clerk, this.row(clerk, id), item);
    });
  }

  /** What the applicant screen shows for this draft as it stands now (its review run afresh), with its hash. */
  applicantView(clerk: Clerk, id: string): Promise<{ view: ConfirmationView; viewHash: string }> {
    return this.write(clerk, id, (row) => this.currentView(clerk, row));
  }

  /** 人脸识别单独同意 as the applicant answered it on their screen (granted or refused), logged. */
  recordFaceConsent(clerk: Clerk, id: string, granted: boolean): Promise<FaceConsent> {
    return this.write(clerk, id, (row) => {
      const consent: FaceConsent = { granted, at: this.deps.clock.now(), noticeVersion: FACE_CONSENT_NOTICE_VERSION };
      this.updateState(row, (state) => ({ ...state, faceConsent: consent }));
      this.deps.events.append({
        stream: sessionStream(id),
        actor: APPLICANT_ACTOR,
        kind: 'applicant.consent',
        payload: { granted, noticeVersion: consent.noticeVersion, clerk: clerk.username },
      });
      return consent;
    });
  }

  /**
   * The applicant confirmed the view whose hash is `viewHash`: recorded only when it is
   * still the draft's view (the clerk may have changed the draft since it was shown).
   */
  recordConfirmation(clerk: Clerk, id: string, viewHash: string): Promise<void> {
    return this.write(clerk, id, (row) => {
      const current = this.currentView(clerk, row);
      if (current.viewHash !== viewHash) {
        throw new AppError('applicant.viewChanged', `draft ${id} changed since its view was shown`);
      }
      const confirmation: Confirmation = { by: 'applicant', at: this.deps.clock.now(), viewHash };
      this.updateState(row, (state) => ({ ...state, confirmation }));
      this.deps.events.append({
        stream: sessionStream(id),
        actor: APPLICANT_ACTOR,
        kind: 'applicant.confirmed',
        payload: { viewHash, clerk: clerk.username },
      });
    });
  }

  /** The clerk records why the applicant could not confirm (no screen, cannot read, screen broken …). */
  waiveConfirmation(clerk: Clerk, id: string, reason: string): Promise<void> {
    return this.write(clerk, id, (row) => {
      const confirmation: Confirmation = { waived: true, reason, clerk: clerk.username, at: this.deps.clock.now() };
      this.updateState(row, (state) => ({ ...state, confirmation }));
      this.log(clerk, id, 'applicant.confirmationWaived', { reason });
    });
  }

  private currentView(clerk: Clerk, row: DraftRow): { view: ConfirmationView; viewHash: string } {
    const item = this.deps.catalog.item(row.item_code);
    const state = DraftState.parse(JSON.parse(row.state));
    const view = confirmationView(row.id, item, state, this.files(row.id), this.runReview(clerk, row, item));
    return { view, viewHash: viewHashOf(view) };
  }

  private updateState(row: DraftRow, change: (state: DraftState) => DraftState): void {
    const next = DraftState.parse(change(DraftState.parse(JSON.parse(row.state))));
    this.deps.db
      .prepare('UPDATE drafts SET state = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(next), this.deps.clock.now(), row.id);
  }

  /**
   * No seal of what the applicant has not confirmed: when the desk requires it, the
   * draft must hold a waiver or an applicant's confirmation of the view it gives now; a
   * confirmation that no longer matches is refused whether required or not (it would
   * vouch for something the applicant never saw).
   */
  private assertConfirmed(clerk: Clerk, row: DraftRow, state: DraftState): void {
    const confirmation = state.confirmation;
    if (confirmation && 'waived' in confirmation) return;
    if (!confirmation) {
      if (this.deps.confirmationRequired?.() !== true) return;
      throw new AppError('intake.notConfirmed', `draft ${row.id} was not confirmed by the applicant`);
    }
    if (this.currentView(clerk, row).viewHash !== confirmation.viewHash) {
      throw new AppError('intake.notConfirmed', `draft ${row.id} changed after the applicant confirmed it`);
    }
  }

  discard(clerk: Clerk, id: string): Promise<void> {
    return this.write(clerk, id, () => {
      this.deps.db.prepare('DELETE FROM drafts WHERE id = ?').run(id);
      this.log(clerk, id, 'intake.discarded', {});
    });
  }

  /**
   * Seals the draft into a packet with the review's outcome: the notices are rendered
   * and stored first, then packet, files, state and the draft's removal commit in one
   * transaction. After this the packet never changes. Characters the notices cannot
   * print (review's `print.characters` warnings) must be among `confirmUnprintable`,
   * the clerk's confirmation, or nothing is numbered or rendered.
   */
  seal(clerk: Clerk, id: string, confirmUnprintable: readonly string[] = []): Promise<SealedPacket> {
    return this.writers.run(id, () => this.sealNow(clerk, this.row(clerk, id), confirmUnprintable));
  }

  private async sealNow(clerk: Clerk, row: DraftRow, confirmUnprintable: readonly string[]): Promise<SealedPacket> {
    const { id } = row;
    // A file the clerk saw being added must be in the packet: no seal while one is on its way.
    const uploading = this.deps.uploadsInProgress?.(id) ?? 0;
    if (uploading > 0) {
      throw new AppError('intake.uploadInProgress', `${uploading} file(s) of draft ${id} are still uploading`, {
        count: uploading,
      });
    }
    const item = this.deps.catalog.item(row.item_code);
    const review = this.runReview(clerk, row, item);
    // The window does not serve this: it does not receive, and issues nothing in its own name.
    if (!isSealable(review)) {
      const reasons = review.decline?.reasons ?? [];
      throw new AppError(
        'intake.notReceivable',
        `draft ${id} is outside what this window serves (${reasons.length} reasons)`,
        {
          reasons: reasons.join('；'),
        },
      );
    }
    // What the clerk typed, ticked or scanned wrong is fixed at the window, never issued as 补正.
    assertNoWindowFixes(review);
    // An override beyond the clerk's say, or the window's own miss in the last notice, waits for a supervisor.
    assertCountersigned(review);
    const unprintable = unprintableOf(review.findings);
    this.checkConfirmed(unprintable, confirmUnprintable);
    const state = DraftState.parse(JSON.parse(row.state));
    // What the applicant confirmed is what is sealed (or the clerk recorded why they could not).
    this.assertConfirmed(clerk, row, state);
    const files = this.files(id);
    const packetId = row.previous_packet_id ?? id;
    const version = (row.previous_version ?? 0) + 1;
    const now = this.deps.clock.now();
    // Two 补正 drafts of one packet would both become version n+1: the first sealed takes it.
    this.refuseSealedVersion(packetId, version);
    // Before anything is rendered or numbered: what the department would refuse stays a draft.
    if (travels(review.outcome)) this.deps.outbox?.check({ itemCode: item.code, files });

    // 申请人签名: drawn where the applicant signs, and its files travel with the packet.
    const signature = await this.signatureToSeal(state);
    // The 查询号 the receipt prints and the manifest carries; kept for a seal tried again.
    const trackingCode = this.packets.trackingCode(packetId, now);
    // Blobs this seal stores (bound pages, notices): removed again if it fails before the packet is recorded.
    const stored: PutResult[] = [];
    const prepare = async () => {
      // Bound first: the worker that binds then renders the notices, and is released after them.
      const packetFiles = await this.bindCameraPages(item, state, files, stored);
      const notices = await this.deps.notices.render({
        item,
        departments: this.deps.catalog.active().departments,
        review,
        state,
        files,
        packetId,
        tracking: trackingOf(trackingCode, this.deps.trackingUrlTemplate?.()),
        version,
        clerk,
        config: this.deps.config,
        sealedAt: now,
        ...(signature?.png ? { applicantSignature: signature.png } : {}),
        numbers: (kinds) =>
          this.packets.nextDocumentNumbers(
            { hallId: this.deps.config.hall.id, windowId: this.deps.config.window.id },
            kinds,
            review.receivedOn,
          ),
      });
      // The worker's word on what it drew as boxes; the table the check used should have said the same.
      this.checkConfirmed(
        notices.flatMap((n) => n.unprintable),
        confirmUnprintable,
      );
      // The thermal slips print from the same models as the PDFs.
      const slips: SealedSlip[] = notices.flatMap((n) =>
        n.kind === 'receipt' || n.kind === 'correction' ? [{ document: n.kind, model: n.model }] : [],
      );
      const storedNotices: StoredNotice[] = [];
      for (const notice of notices) {
        const blob = await this.deps.blobs.put(notice.bytes);
        stored.push(blob);
        storedNotices.push({ kind: notice.kind, number: notice.number, title: notice.title, ...blob });
      }
      return { packetFiles, slips, storedNotices };
    };
    const { packetFiles, slips, storedNotices } = await prepare().catch((error: unknown) => {
      this.forget(stored);
      throw error;
    });

    const result = this.recordStored(stored, () => {
      this.refuseSealedVersion(packetId, version); // nor its version sealed from another 补正 draft
      for (const blob of stored) recordBlob(this.deps.db, blob, now);
      const head = this.deps.events.head(sessionStream(id));
      const { packet: sealed, manifest } = this.packets.insert({
        packetId,
        version,
        previousVersion: row.previous_version,
        item,
        catalogVersion: row.catalog_version,
        state,
        files: packetFiles,
        review,
        notices: storedNotices,
        clerk,
        config: this.deps.config,
        receivedAt: row.created_at,
        sealedAt: now,
        trackingCode,
        session: head ? { stream: sessionStream(id), ...head } : null,
        ...(signature ? { signature: signature.packet } : {}),
      });
      // Signed manifest and outbox rows in the same transaction as the packet.
      this.deps.outbox?.enqueue({
        packetId,
        version,
        outcome: review.outcome,
        manifest,
        manifestHash: sealed.manifestHash,
      });
      this.deps.printQueue?.enqueue({
        packetId,
        version,
        slips,
        by: clerk.username,
        sessionStream: sessionStream(id),
        sealedAt: now,
      });
      this.deps.db.prepare('DELETE FROM drafts WHERE id = ?').run(id);
      this.log(clerk, id, 'intake.sealed', {
        packetId,
        version,
        trackingCode,
        outcome: review.outcome,
        manifestHash: sealed.manifestHash,
        overrides: review.overrides.map((o) => ({
          findingKey: o.findingKey,
          reason: o.reason,
          ...(o.countersignedBy ? { countersignedBy: o.countersignedBy.username } : {}),
        })),
        ...missedOf(review),
        documents: storedNotices.map((n) => ({ kind: n.kind, number: n.number, sha256: n.sha256 })),
        ...(unprintable.length > 0 ? { unprintableConfirmed: unprintable.map(codePointLabel) } : {}),
        ...(signature
          ? { applicantSignature: 'onPaper' in signature.packet ? 'onPaper' : signature.packet.image.sha256 }
          : {}),
      });
      return sealed;
    });
    this.deps.outbox?.sealed({ packetId, version });
    // The packet is safe: the receipt prints now, and the seal does not wait for it.
    this.deps.printQueue?.kick();
    return result;
  }

  /** The draft's signature as the seal takes it: the packet's record, and the PNG the documents print. */
  private async signatureToSeal(state: DraftState): Promise<{ packet: PacketSignature; png?: Uint8Array } | undefined> {
    const signature = state.signature;
    if (!signature) return undefined;
    if ('onPaper' in signature) return { packet: { onPaper: true } };
    const png = await this.deps.blobs.read(signature.image);
    const strokes = await this.deps.blobs.read(signature.strokes);
    return {
      packet: {
        image: { sha256: signature.image, size: png.byteLength },
        strokes: { sha256: signature.strokes, size: strokes.byteLength },
      },
      png,
    };
  }

  /**
   * The packet's files: each material's pages from the document camera bound into one PDF
   * (stored, and added to `stored`), in the place of its first page; files the clerk
   * picked travel unchanged (an applicant's signed PDF must stay byte for byte). The
   * notices still count the pages the clerk took.
   */
  private async bindCameraPages(
    item: ServiceItem,
    state: DraftState,
    files: DraftFile[],
    stored: PutResult[],
  ): Promise<DraftFile[]> {
    const isPage = (f: DraftFile) => f.source === 'documentCamera' && isBindable(f.mediaType);
    const bound = new Map<string, DraftFile>();
    for (const material of item.materials) {
      const pages = files.filter((f) => f.materialId === material.id && isPage(f));
      if (pages.length === 0) continue;
      const certified = state.certifiedCopies?.[material.id];
      // A copy of an identity card only where the item asks for one (and so may be copied).
      const copy = material.idCard === true && material.counts.copy > 0;
      const bytes = await this.deps.notices
        .bindPages({
          pages: await Promise.all(
            pages.map(async (page) => ({
              bytes: await this.deps.blobs.read(page.sha256),
              mediaType: page.mediaType as PageToBind['mediaType'],
            })),
          ),
          layout: copy ? 'idCard' : 'pages',
          ...(certified ? { certificate: { clerk: certified.displayName, on: certified.on } } : {}),
        })
        .catch((error: unknown) => {
          if (!(error instanceof PageUnreadable)) throw error;
          const page = pages[error.index];
          throw new AppError('intake.pageUnreadable', error.message, {
            material: material.name,
            page: error.index + 1,
            name: page?.name ?? '',
          });
        });
      const blob = await this.deps.blobs.put(bytes);
      stored.push(blob);
      bound.set(material.id, {
        materialId: material.id,
        name: copy
          ? `${material.name}复印件（${Math.ceil(pages.length / 2)}页）.pdf`
          : `${material.name}（${pages.length}页）.pdf`,
        mediaType: 'application/pdf',
        ...blob,
      });
    }
    return files.flatMap((f) => {
      if (!isPage(f)) return [f];
      const pdf = bound.get(f.materialId);
      if (!pdf) return [];
      bound.delete(f.materialId); // in the place of the material's first page, once
      return [pdf];
    });
  }

  /** A page of the queue with each packet's deadline counted on the hall's calendar today. */
  listPackets(query: Omit<PageQuery, 'todayFrom'>): {
    packets: PacketSummary[];
    next: PageCursor | null;
    counts: QueueCounts;
    /** The hall's day the deadlines were counted on. */
    today: CalendarDate;
  } {
    const now = this.deps.clock.now();
    const today = this.deps.calendar.localDate(now);
    const warning = this.deps.config.queue.deadlineWarningWorkingDays;
    const page = this.packets.page({ ...query, todayFrom: startOfHallDay(now) });
    return {
      ...page,
      today,
      packets: page.packets.map((packet) => ({
        ...packet,
        deadlineStatus: deadlineStatus(packet, today, this.deps.calendar, warning),
      })),
    };
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private insertDraft(
    clerk: Clerk,
    item: ServiceItem,
    catalogVersion: number,
    state: DraftState,
    previous: { packetId: string; version: number } | null,
  ): DraftView {
    const id = uuidv7();
    const now = this.deps.clock.now();
    this.deps.db.transaction(() => {
      this.deps.db
        .prepare(
          `INSERT INTO drafts (id, clerk_id, item_code, catalog_version, step, state, previous_packet_id,
             previous_version, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'applicant', ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          clerk.id,
          item.code,
          catalogVersion,
          JSON.stringify(state),
          previous?.packetId ?? null,
          previous?.version ?? null,
          now,
          now,
        );
      this.log(clerk, id, 'intake.started', {
        itemCode: item.code,
        catalogVersion,
        ...(previous ? { supplements: `${previous.packetId}#${previous.version}` } : {}),
        ...(state.lateSupplement ? { lateSupplement: state.lateSupplement } : {}),
      });
    })();
    return this.getDraft(clerk, id);
  }

  /**
   * A 补正 whose last day (`due`) has passed needs the clerk's reason to go on
   * (intake.supplementLate asks for it); before that day nothing is recorded.
   */
  private lateSupplement(due: CalendarDate, late: { reason: string } | undefined): LateSupplement | undefined {
    const today = this.deps.calendar.localDate(this.deps.clock.now());
    if (due >= today) return undefined;
    if (!late) throw new AppError('intake.supplementLate', `the 补正 was due on ${due}`, { due });
    const reason = late.reason.trim();
    if ([...reason].length < MIN_OVERRIDE_REASON_LENGTH) {
      throw new AppError(
        'review.overrideReasonTooShort',
        `late supplement reason of ${[...reason].length} characters`,
        {
          min: MIN_OVERRIDE_REASON_LENGTH,
        },
      );
    }
    return { due, reason };
  }

  /** intake.notCorrectable when this version of the packet exists (sealed from another 补正 draft). */
  private refuseSealedVersion(packetId: string, version: number): void {
    if (this.packets.exists(packetId, version)) {
      throw new AppError(
        'intake.notCorrectable',
        `packet ${packetId} v${version} was sealed from another draft already`,
      );
    }
  }

  /**
   * Formal review, and what its documents could not print: warnings that leave the
   * outcome as it is (the same documents are issued either way).
   */
  private runReview(clerk: Clerk, row: DraftRow, item: ServiceItem): ReviewResult {
    const state = DraftState.parse(JSON.parse(row.state));
    const files = this.files(row.id);
    const application = applicationOf(row.item_code, state, files);
    const review = reviewApplication(item, application, {
      calendar: this.deps.calendar,
      receivedAt: this.deps.clock.now(),
      correctionDays: this.deps.correctionDays,
      overrides: state.overrides,
      departments: this.deps.catalog.active().departments,
      countersigns: state.countersigns ?? [],
      ...this.previousReview(row),
    });
    const unprintable = this.deps.notices.check({
      item,
      departments: this.deps.catalog.active().departments,
      review,
      state,
      files,
      packetId: row.previous_packet_id ?? row.id,
      clerk,
      config: this.deps.config,
    });
    review.findings.push(...printFindings(unprintable, state.applicantKind));
    return review;
  }

  /** For a 补正 resubmission: the review of the version it supplements, as its manifest records it. */
  private previousReview(row: DraftRow): { previous?: PreviousReview } {
    if (row.previous_packet_id === null || row.previous_version === null) return {};
    const manifest = this.packets.manifest(row.previous_packet_id, row.previous_version);
    return manifest ? { previous: previousReviewOf(manifest) } : {};
  }

  /** intake.unprintableCharacters unless the clerk confirmed every character the documents print as a box. */
  private checkConfirmed(unprintable: readonly string[], confirmed: readonly string[]): void {
    const open = [...new Set(unprintable)].filter((c) => !confirmed.includes(c));
    if (open.length === 0) return;
    throw new AppError(
      'intake.unprintableCharacters',
      `${open.length} characters the documents print as empty boxes were not confirmed`,
      { characters: describeCharacters(open) },
    );
  }

  /** Runs a change of the draft as its only writer, on the row as it stands when its turn comes. */
  private write<T>(clerk: Clerk, id: string, change: (row: DraftRow) => T): Promise<T> {
    return this.writers.run(id, async () => this.deps.db.transaction(() => change(this.row(clerk, id)))());
  }

  /** A draft by id alone (the applicant screen's calls: its pairing named the draft); gone as in `row`. */
  private draftRow(id: string): DraftRow {
    const row = this.deps.db.prepare<[string], DraftRow>('SELECT * FROM drafts WHERE id = ?').get(id);
    if (row) return row;
    const last = this.deps.events.last(sessionStream(id));
    if (last?.kind === 'intake.sealed') {
      const packetId = String(last.payload['packetId']);
      throw new AppError('intake.draftSealed', `draft ${id} was sealed into packet ${packetId}`, { packetId });
    }
    throw new AppError('intake.draftNotFound', `no draft ${id}`);
  }

  private row(clerk: Clerk, id: string): DraftRow {
    const row = this.deps.db
      .prepare<[string, number], DraftRow>('SELECT * FROM drafts WHERE id = ? AND clerk_id = ?')
      .get(id, clerk.id);
    if (row) return row;
    // Gone: sealed (say so, and into which packet) or discarded, or never this clerk's.
    const last = this.deps.events.last(sessionStream(id));
    if (last?.kind === 'intake.sealed' && last.actor === clerk.username) {
      const packetId = String(last.payload['packetId']);
      throw new AppError('intake.draftSealed', `draft ${id} was sealed into packet ${packetId}`, { packetId });
    }
    throw new AppError('intake.draftNotFound', `no draft ${id} for this clerk`);
  }

  private files(draftId: string): DraftFile[] {
    return this.deps.db
      .prepare<
        [string],
        {
          material_id: string;
          sha256: string;
          name: string;
          media_type: string;
          size: number;
          source: 'documentCamera' | 'file';
        }
      >(
        // Materials in the order their first page came, each material's pages in the clerk's order.
        `SELECT material_id, sha256, name, media_type, size, source FROM draft_files AS f WHERE draft_id = ?
         ORDER BY (SELECT min(added_at) FROM draft_files AS m WHERE m.draft_id = f.draft_id AND m.material_id = f.material_id),
           material_id, position, added_at, sha256`,
      )
      .all(draftId)
      .map((f) => ({
        materialId: f.material_id,
        sha256: f.sha256,
        name: f.name,
        mediaType: f.media_type,
        size: f.size,
        source: f.source,
      }));
  }

  private itemOrNull(code: string): ServiceItem | null {
    try {
      return this.deps.catalog.item(code);
    } catch {
      return null; // gone from the active catalog: the draft stays, sealing will say so
    }
  }

  private view(row: DraftRow): DraftView {
    let itemName = row.item_code;
    try {
      itemName = this.deps.catalog.item(row.item_code).name;
    } catch {
      // An item gone from the active catalog: the draft stays; sealing will say so.
    }
    return {
      id: row.id,
      itemCode: row.item_code,
      itemName,
      catalogVersion: row.catalog_version,
      step: row.step,
      state: DraftState.parse(JSON.parse(row.state)),
      files: this.files(row.id),
      previous: row.previous_packet_id
        ? { packetId: row.previous_packet_id, version: row.previous_version ?? 1 }
        : null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  private log(clerk: Clerk, draftId: string, kind: string, payload: { [key: string]: JsonValue }): void {
    this.deps.events.append({ stream: sessionStream(draftId), actor: clerk.username, kind, payload });
  }
}

/** A card reading as the intake takes it (the card desk holds it). */
export interface CardReadingFacts {
  readId: string;
  readAt: number;
  identity: CardIdentity;
  /** The rules of formal review the card's checks found (logged with the reading). */
  findingRules: string[];
}

/**
 * A person as a save may store it: `idCard` only for exactly the identity the card filled
 * in (the UI resending it unchanged); anything else is typed by hand, whatever it claims.
 */
/** Scores as the log keeps them: three decimals say all a reader needs. */
function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function asSaved(person: PersonIdentity, stored: PersonIdentity | undefined): PersonIdentity {
  if (person.source === 'idCard' && stored?.source === 'idCard' && canonicalJson(person) === canonicalJson(stored)) {
    return person;
  }
  const { card: _card, ...typed } = person;
  return { ...typed, source: 'manual' };
}

/**
 * A change as it is kept: identifiers in their written form (a lowercase x of an ID number
 * as X, a credit code in capitals), so review, notices and the department see one spelling.
 */
function normalised(patch: DraftPatch, item: ServiceItem | null): DraftPatch {
  const person = (p: PersonIdentity): PersonIdentity => ({ ...p, idNumber: normaliseIdNumber(p.idNumber) });
  const out: DraftPatch = { ...patch };
  if (patch.applicant) out.applicant = person(patch.applicant);
  if (patch.agent) out.agent = person(patch.agent);
  if (patch.guardian) out.guardian = { ...patch.guardian, person: person(patch.guardian.person) };
  if (patch.company) out.company = { ...patch.company, creditCode: normaliseCreditCode(patch.company.creditCode) };
  if (patch.answers && item) {
    const answers = { ...patch.answers };
    for (const field of item.fields) {
      const value = answers[field.key];
      if (typeof value !== 'string') continue;
      if (field.type === 'idNumber') answers[field.key] = normaliseIdNumber(value);
      if (field.type === 'creditCode') answers[field.key] = normaliseCreditCode(value);
    }
    out.answers = answers;
  }
  return out;
}

/** The findings the previous version's notice missed, for the event log (absent when none). */
function missedOf(review: ReviewResult): { missedInNotice?: JsonValue } {
  const missed = review.findings.filter((f) => f.missedInNotice);
  if (missed.length === 0) return {};
  return {
    missedInNotice: missed.map((f) => ({
      findingKey: f.key,
      countersignedBy: f.countersignedBy?.username ?? null,
    })),
  };
}

function valuesOf(state: DraftState, changed: string[]): { [key: string]: JsonValue } {
  const values: { [key: string]: JsonValue } = {};
  for (const path of changed) {
    const [head, key] = path.split('.') as [keyof DraftState, string | undefined];
    const value = key ? (state[head] as Record<string, unknown>)[key] : state[head];
    values[path] = (value ?? null) as JsonValue;
  }
  return values;
}

/** Adds a page at the end of its material (or at `position`); the same content twice in a material is one page. */
function insertDraftFile(
  db: Database,
  draftId: string,
  materialId: string,
  file: { sha256: string; name: string; mediaType: string; size: number; thumbnail?: string | null },
  now: number,
  { position, source = 'file' }: { position?: number; source?: PageCapture['source'] } = {},
): void {
  db.prepare(
    `INSERT OR IGNORE INTO draft_files (draft_id, material_id, sha256, name, media_type, size, added_at, position, source, thumbnail_sha256)
     VALUES (?, ?, ?, ?, ?, ?, ?, coalesce(?, (SELECT coalesce(max(position) + 1, 0) FROM draft_files WHERE draft_id = ? AND material_id = ?)), ?, ?)`,
  ).run(
    draftId,
    materialId,
    file.sha256,
    file.name,
    file.mediaType,
    file.size,
    now,
    position ?? null,
    draftId,
    materialId,
    source,
    file.thumbnail ?? null,
  );
}

/** A thumbnail must be a JPEG (what the screens make; its size is checked at the contract). */
async function checkThumbnail(
  bytes: Uint8Array,
  sniff: (bytes: Uint8Array) => Promise<{ mime: string } | undefined>,
  name: string,
): Promise<void> {
  const type = await sniff(bytes);
  if (type?.mime !== 'image/jpeg') {
    throw new AppError(
      'intake.badThumbnail',
      `thumbnail of ${name} is ${type?.mime ?? 'of no known type'}, not a JPEG`,
      {
        name,
      },
    );
  }
}

/** The widest or tallest signature image taken, in px (a 1920 px pad at device pixel ratio 2, with room). */
const MAX_SIGNATURE_IMAGE_SIDE = 8192;

/** `signature.tooLarge` / `signature.badImage` unless the bytes are a PNG within the limits. */
async function checkSignatureImage(png: Uint8Array): Promise<void> {
  if (png.byteLength > SIGNATURE_LIMITS.imageBytes) {
    throw new AppError('signature.tooLarge', `signature image of ${png.byteLength} bytes`, {
      limitKB: SIGNATURE_LIMITS.imageBytes / 1024,
    });
  }
  const { fileTypeFromBuffer } = await import('file-type');
  const type = await fileTypeFromBuffer(png);
  if (type?.mime !== 'image/png' || png.byteLength < 33) {
    throw new AppError('signature.badImage', `signature image is ${type?.mime ?? 'of no known type'}, not a PNG`);
  }
  // IHDR, always the first chunk: width and height as 32-bit big-endian at bytes 16 and 20.
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width < 1 || height < 1 || width > MAX_SIGNATURE_IMAGE_SIDE || height > MAX_SIGNATURE_IMAGE_SIDE) {
    throw new AppError('signature.badImage', `signature image of ${width}×${height} px`);
  }
}

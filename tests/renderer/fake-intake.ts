// The intake side of the in-memory core: the real seed catalog and its search, the
// real draft patching, the real formal review over the shipped working-day calendar,
// and sealing into packets whose documents are small PDFs. Only storage (maps
// instead of SQLite and blob files) and PDF rendering are stand-ins.
import { newTrackingCode } from '../../src-main/common/tracking-code.ts';
import { DOCUMENT_TITLES } from '../../src-main/documents/model.ts';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { v7 as uuidv7 } from 'uuid';
import type { Handlers } from '../../src-main/api/dispatcher.ts';
import { UPLOAD_CHUNK_BYTES } from '../../src-main/api/contract/index.ts';
import { AppError } from '../../src-main/common/errors.ts';
import type {
  CatalogSummary,
  DraftView,
  PacketSummary,
  ReviewResult,
  SealedPacket,
} from '../../src-main/api/contract/index.ts';
import { parseTrustedKeys, verifyCatalogFile } from '../../src-main/catalog/catalog-file.ts';
import { loadWorkingCalendar } from '../../src-main/calendar/calendar-files.ts';
import { deadlineStatus } from '../../src-main/common/deadline-status.ts';
import { CatalogSearch } from '../../src-main/catalog/catalog-search.ts';
import { Catalog, type ServiceItem } from '../../src-main/common/catalog.ts';
import {
  applicationOf,
  applyPatch,
  type DraftFile,
  type DraftPatch,
  DraftState,
  emptyDraftState,
  personOf,
  type WizardStep,
} from '../../src-main/common/draft.ts';
import type { NoticeKind } from '../../src-main/common/manifest.ts';
import { INITIAL_STATE, type PacketState } from '../../src-main/common/packet-states.ts';
import { noticesFor } from '../../src-main/common/manifest.ts';
import {
  assertCountersigned,
  assertNoWindowFixes,
  isSealable,
  type PreviousReview,
  reviewApplication,
  type ReviewResult as FullReview,
} from '../../src-main/common/review/review.ts';
import { type CountersignedBy, isWindowFinding } from '../../src-main/common/review/findings.ts';
import { describeCharacters, printFindings, unprintableOf } from '../../src-main/common/review/printing.ts';
import { unprintableCharacters } from '../../src-main/documents/glyph-coverage.ts';
import { ACCEPTED_MEDIA_TYPES } from '../../src-main/common/review/rules.ts';

const root = process.cwd();
/** The shipped seed catalog and calendar, read once for every test. */
export const seedCatalog: Catalog = Catalog.parse(
  (JSON.parse(readFileSync(resolve(root, 'assets/catalog/seed-catalog.json'), 'utf8')) as { catalog: unknown }).catalog,
);
const calendar = loadWorkingCalendar(resolve(root, 'assets/calendar'));
const trustedKeys = parseTrustedKeys(
  JSON.parse(readFileSync(resolve(root, 'assets/catalog/demo-signer.pub.json'), 'utf8')),
);

export function seedItem(code: string): ServiceItem {
  const item = seedCatalog.items.find((i) => i.code === code);
  if (!item) throw new Error(`no seed item ${code}`);
  return item;
}

const TITLES = DOCUMENT_TITLES;
const SERIES: Record<NoticeKind, string> = { receipt: 'SJ', acceptance: 'SL', correction: 'BZ', refusal: 'BY' };

export interface Clerk {
  id: number;
  username: string;
  displayName: string;
}

interface FakeDraft {
  id: string;
  clerkId: number;
  itemCode: string;
  step: WizardStep;
  state: DraftState;
  files: DraftFile[];
  previous: { packetId: string; version: number } | null;
  /** 补正 resubmission: the review of the version it supplements (the core reads it from the manifest). */
  previousReview?: PreviousReview;
  createdAt: number;
  updatedAt: number;
}

export interface FakePacket extends Omit<PacketSummary, 'deadlineStatus'> {
  state: PacketState;
  draftState: DraftState;
  files: DraftFile[];
}

interface FakeUpload {
  clerkId: number;
  name: string;
  size: number;
  parts: Uint8Array[];
  received: number;
}

interface StoredFile {
  bytes: Uint8Array;
  mediaType: string;
  name: string;
}

type IntakeMethods =
  | 'catalog.list'
  | 'catalog.install'
  | 'catalog.search'
  | 'catalog.item'
  | 'drafts.list'
  | 'drafts.create'
  | 'drafts.get'
  | 'drafts.save'
  | 'drafts.addFile'
  | 'uploads.limits'
  | 'uploads.begin'
  | 'uploads.chunk'
  | 'uploads.abort'
  | 'drafts.removeFile'
  | 'drafts.moveFile'
  | 'drafts.certifyCopy'
  | 'drafts.fileContent'
  | 'drafts.identityCheck'
  | 'drafts.signature'
  | 'drafts.signOnPaper'
  | 'drafts.review'
  | 'drafts.countersign'
  | 'drafts.seal'
  | 'drafts.discard'
  | 'drafts.supplement'
  | 'packets.list'
  | 'documents.get'
  | 'documents.department';

function catalogSummary(catalog: Catalog, installedBy: string, active: boolean): CatalogSummary {
  return {
    version: catalog.version,
    publisher: catalog.publisher,
    issuedAt: catalog.issuedAt,
    signerKeyId: 'demo-dept-2026',
    sha256: '0'.repeat(64),
    itemCount: catalog.items.length,
    installedAt: Date.UTC(2026, 2, 10),
    installedBy,
    active,
  };
}

export class FakeIntake {
  readonly drafts = new Map<string, FakeDraft>();
  readonly packets: FakePacket[] = [];
  readonly blobs = new Map<string, StoredFile>();
  /** Every patch `drafts.save` received, in order. */
  readonly saves: DraftPatch[] = [];
  /** Makes the next n saves fail as if the link dropped. */
  failSaves = 0;
  /** The per-file limit and chunk size `uploads.*` answer with (the core's come from its config). */
  uploadLimit = 1024 * 1024 * 1024;
  uploadChunkBytes = UPLOAD_CHUNK_BYTES;
  /** While set, each chunk's answer waits for it: lets a spec see an upload half-way. */
  chunkGate: Promise<void> | null = null;
  /** Every chunk call's offset and length, in order. */
  readonly chunks: Array<{ offset: number; length: number }> = [];
  /** What each drafts.seal asked, in order. */
  readonly sealInputs: Array<{ id: string; confirmUnprintable?: string[] }> = [];
  private readonly uploads = new Map<string, FakeUpload>();
  private readonly search = new CatalogSearch(seedCatalog.items);
  /** Installed catalog versions, newest first; verified with the real signature check. */
  readonly catalogs: CatalogSummary[] = [catalogSummary(seedCatalog, 'system', true)];
  private readonly counters = new Map<string, number>();
  /** Called inside sealing with the new packet and the department its review routed it to (the outbox). */
  onSealed: ((packet: FakePacket, departmentId: string | null) => void) | undefined;

  constructor(private readonly now: () => number) {}

  /** A draft as a clerk left it earlier (for resume specs). */
  seedDraft(clerk: Clerk, itemCode: string, changes: DraftPatch = {}): DraftView {
    const draft = this.create(clerk, itemCode);
    this.save(clerk, draft.id, changes);
    return this.view(this.draft(clerk, draft.id));
  }

  /** A file already taken for a material, as an earlier upload would have left it. */
  seedFile(draftId: string, materialId: string, name: string, bytes: Uint8Array, mediaType: string): void {
    const draft = this.drafts.get(draftId);
    if (!draft) throw new Error(`no draft ${draftId}`);
    const sha256 = this.put(bytes, mediaType, name);
    draft.files.push({ materialId, sha256, name, mediaType, size: bytes.length });
  }

  /** Seals a seeded draft as `drafts.seal` would (for specs that start with packets in the queue). */
  sealDraft(clerk: Clerk, id: string): SealedPacket {
    return this.seal(clerk, this.draft(clerk, id));
  }

  /** Each sealed version's review, by `packetId#version` (the core keeps it in the manifest). */
  private readonly sealedReviews = new Map<string, FullReview>();

  /** `countersigner` checks a supervisor's password as the auth service would (the fake core's accounts). */
  handlers(
    clerk: () => Clerk,
    countersigner: (username: string, password: string) => CountersignedBy,
  ): Pick<Handlers<null>, IntakeMethods> {
    return {
      'catalog.list': () => ({ catalogs: this.catalogs }),
      'catalog.install': ({ fileText }) => {
        const { catalog } = verifyCatalogFile(fileText, trustedKeys);
        const active = this.catalogs.find((c) => c.active)!;
        if (catalog.version <= active.version) {
          throw new AppError('catalog.notNewer', `version ${catalog.version}`, {
            version: catalog.version,
            activeVersion: active.version,
          });
        }
        active.active = false;
        const summary = catalogSummary(catalog, 'installer', true);
        this.catalogs.unshift(summary);
        return summary;
      },
      'catalog.search': ({ query, limit }) => ({
        hits: this.search.search(query, limit).map(({ code, name, matchedBy }) => ({ code, name, matchedBy })),
      }),
      'catalog.item': ({ code }) => this.item(code),
      'drafts.list': () => ({
        drafts: [...this.drafts.values()]
          .filter((d) => d.clerkId === clerk().id)
          .sort((a, b) => b.updatedAt - a.updatedAt)
          .map((d) => this.view(d)),
      }),
      'drafts.create': ({ itemCode }) => this.create(clerk(), itemCode),
      'drafts.get': ({ id }) => this.view(this.draft(clerk(), id)),
      'drafts.save': ({ id, patch }) => {
        if (this.failSaves > 0) {
          this.failSaves--;
          throw new AppError('store.diskFull', 'simulated failure');
        }
        this.saves.push(patch);
        return this.save(clerk(), id, patch);
      },
      'uploads.limits': () => ({ maxBytes: this.uploadLimit, chunkBytes: this.uploadChunkBytes }),
      'uploads.begin': ({ name, size }) => {
        if (size > this.uploadLimit) {
          throw new AppError('upload.tooLarge', `${size} bytes`, {
            name,
            size: String(size),
            limit: String(this.uploadLimit),
          });
        }
        const uploadId = uuidv7();
        this.uploads.set(uploadId, { clerkId: clerk().id, name, size, parts: [], received: 0 });
        return { uploadId, maxBytes: this.uploadLimit, chunkBytes: this.uploadChunkBytes };
      },
      'uploads.chunk': async ({ uploadId, offset, bytes }) => {
        const upload = this.upload(clerk(), uploadId);
        this.chunks.push({ offset, length: bytes.byteLength });
        if (offset !== upload.received) {
          throw new AppError('upload.wrongOffset', `at ${offset}`, { expected: upload.received });
        }
        upload.parts.push(Uint8Array.from(bytes));
        upload.received += bytes.byteLength;
        await this.chunkGate;
        return { received: upload.received, complete: upload.received === upload.size };
      },
      'uploads.abort': ({ uploadId }) => {
        this.upload(clerk(), uploadId);
        this.uploads.delete(uploadId);
        return {};
      },
      'drafts.addFile': async ({ id, materialId, uploadId, capture }) => {
        const upload = this.upload(clerk(), uploadId);
        this.uploads.delete(uploadId);
        if (upload.received !== upload.size) throw new AppError('upload.incomplete', 'not all bytes');
        const { name } = upload;
        // Not Buffer.concat: under jsdom a Buffer is not the Uint8Array file-type checks for.
        const bytes = new Uint8Array(upload.size);
        let at = 0;
        for (const part of upload.parts) {
          bytes.set(part, at);
          at += part.byteLength;
        }
        const draft = this.draft(clerk(), id);
        const item = this.item(draft.itemCode);
        if (!item.materials.some((m) => m.id === materialId)) {
          throw new AppError('request.invalidInput', `no material ${materialId}`, { fields: 'materialId' });
        }
        const detected = await fileTypeFromBuffer(bytes);
        if (!detected || !(ACCEPTED_MEDIA_TYPES as readonly string[]).includes(detected.mime)) {
          throw new AppError('intake.unsupportedFile', `${detected?.mime ?? 'unknown type'} is not an image or PDF`, {
            name,
          });
        }
        const sha256 = this.put(bytes, detected.mime, name);
        if (!draft.files.some((f) => f.materialId === materialId && f.sha256 === sha256)) {
          const source = capture?.source ?? 'file';
          draft.files.push({ materialId, sha256, name, mediaType: detected.mime, size: bytes.length, source });
        }
        dropCertification(draft, materialId);
        draft.updatedAt = this.now();
        return this.view(draft);
      },
      'drafts.removeFile': ({ id, materialId, sha256 }) => {
        const draft = this.draft(clerk(), id);
        draft.files = draft.files.filter((f) => !(f.materialId === materialId && f.sha256 === sha256));
        dropCertification(draft, materialId);
        return this.view(draft);
      },
      // As IntakeService.certifyCopy: camera pages and originals or copies due, or a refusal.
      'drafts.certifyCopy': ({ id, materialId, certified }) => {
        const draft = this.draft(clerk(), id);
        const material = this.item(draft.itemCode).materials.find((m) => m.id === materialId);
        if (!material)
          throw new AppError('request.invalidInput', `no material ${materialId}`, { fields: 'materialId' });
        const certifiedCopies = { ...draft.state.certifiedCopies };
        if (!certified) delete certifiedCopies[materialId];
        else {
          const pages = draft.files.filter((f) => f.materialId === materialId && f.source === 'documentCamera');
          if (pages.length === 0 || material.counts.original + material.counts.copy === 0) {
            throw new AppError('intake.certifyNotApplicable', 'nothing to certify', { material: material.name });
          }
          const user = clerk();
          certifiedCopies[materialId] = {
            username: user.username,
            displayName: user.displayName,
            // The hall's date (UTC+8), as the core's calendar gives it.
            on: new Date(this.now() + 8 * 3600_000).toISOString().slice(0, 10),
            at: this.now(),
          };
        }
        draft.state = { ...draft.state, certifiedCopies };
        return this.view(draft);
      },
      'drafts.moveFile': ({ id, materialId, sha256, to }) => {
        const draft = this.draft(clerk(), id);
        const page = draft.files.find((f) => f.materialId === materialId && f.sha256 === sha256);
        if (!page) throw new AppError('intake.fileNotFound', `no file ${sha256.slice(0, 12)}`);
        const others = draft.files.filter((f) => f !== page);
        const ofMaterial = others.filter((f) => f.materialId === materialId);
        const before = ofMaterial[Math.min(to, ofMaterial.length)];
        const at = before ? others.indexOf(before) : others.length;
        draft.files = [...others.slice(0, at), page, ...others.slice(at)];
        return this.view(draft);
      },
      'drafts.fileContent': ({ id, sha256 }) => {
        const draft = this.draft(clerk(), id);
        const file = draft.files.find((f) => f.sha256 === sha256);
        const blob = this.blobs.get(sha256);
        if (!file || !blob) throw new AppError('store.blobMissing', `no file ${sha256.slice(0, 12)}`);
        return { bytes: blob.bytes, mediaType: file.mediaType, name: file.name };
      },
      // As the core records it (tests/main/intake/identity-check.test.ts has the refusals).
      'drafts.identityCheck': ({ id, who, check }) => {
        const draft = this.draft(clerk(), id);
        const person = personOf(draft.state, who);
        if (!person) throw new AppError('intake.identityCheckNoPerson', `no ${who}`, { who });
        if (check.method === 'face' && draft.state.faceConsent?.granted !== true) {
          throw new AppError('intake.faceConsentMissing', 'no consent');
        }
        draft.state = {
          ...draft.state,
          identityCheck: { who, check, idNumber: person.idNumber, clerk: clerk().username, at: Date.now() },
        };
        return this.view(draft);
      },
      // As IntakeService.signatureImage / .signatureUnavailable.
      'drafts.signature': ({ id }) => {
        const signature = this.draft(clerk(), id).state.signature;
        const blob = signature && !('onPaper' in signature) ? this.blobs.get(signature.image) : undefined;
        if (!signature || 'onPaper' in signature || !blob) throw new AppError('signature.notGiven', `draft ${id}`);
        const { width, height, at } = signature;
        return { bytes: blob.bytes, mediaType: 'image/png' as const, width, height, at };
      },
      'drafts.signOnPaper': ({ id, reason }) => {
        const draft = this.draft(clerk(), id);
        draft.state = { ...draft.state, signature: { onPaper: true, reason, at: this.now() } };
        return this.view(draft);
      },
      'drafts.review': ({ id }) => this.review(this.draft(clerk(), id)),
      'drafts.countersign': ({ id, findingKey, username, password }) => {
        const draft = this.draft(clerk(), id);
        const by = countersigner(username, password);
        const finding = this.review(draft).findings.find((f) => f.key === findingKey);
        if (!finding || !this.review(draft).awaitingCountersign.includes(findingKey)) {
          throw new AppError('intake.countersignNotNeeded', `${findingKey} awaits no countersign`);
        }
        const signed = { findingKey, reason: finding.override?.reason ?? '', message: finding.message, by };
        draft.state = {
          ...draft.state,
          countersigns: [...(draft.state.countersigns ?? []).filter((c) => c.findingKey !== findingKey), signed],
        };
        return this.review(draft);
      },
      'drafts.seal': ({ id, confirmUnprintable }) => {
        this.sealInputs.push({ id, ...(confirmUnprintable ? { confirmUnprintable } : {}) });
        const draft = this.draft(clerk(), id);
        // As the core: the window's own slips are fixed before anything is sealed, and countersigns are in.
        assertNoWindowFixes(this.review(draft));
        assertCountersigned(this.review(draft));
        return this.seal(clerk(), draft, confirmUnprintable ?? []);
      },
      'drafts.discard': ({ id }) => {
        this.draft(clerk(), id);
        this.drafts.delete(id);
        return {};
      },
      'drafts.supplement': ({ packetId, late }) => this.supplement(clerk(), packetId, late),
      // Every packet of the scope, newest first; the fake core pages and searches them (fake-queue.ts).
      'packets.list': ({ scope }) => {
        const since = scope === 'today' ? startOfHallDay(this.now()) : 0;
        const today = calendar.localDate(this.now());
        return {
          nextCursor: null,
          counts: { today: 0, open: 0, attention: 0, all: this.packets.length },
          packets: this.packets
            .filter((p) => p.sealedAt >= since)
            .sort((a, b) => b.sealedAt - a.sealedAt)
            .map(({ draftState: _state, files: _files, ...summary }) => ({
              ...summary,
              deadlineStatus: deadlineStatus(summary, today, calendar, 1),
            })),
        };
      },
      'documents.get': ({ sha256 }) => {
        const document = this.packets.flatMap((p) => p.documents).find((d) => d.sha256 === sha256);
        const blob = this.blobs.get(sha256);
        if (!document || !blob) throw new AppError('store.blobMissing', `no packet file ${sha256.slice(0, 12)}`);
        return { bytes: blob.bytes, mediaType: blob.mediaType, name: blob.name };
      },
      // The real core renders the department's document from the change feed (sync/department-documents.ts).
      'documents.department': ({ packetId, version, cursor }) => ({
        // A copy in this realm's Uint8Array: jsdom's TextEncoder gives another realm's, which the contract refuses.
        bytes: new Uint8Array(
          new TextEncoder().encode(`%PDF-1.4\n% department ${packetId} v${version} #${cursor}\n%%EOF\n`),
        ),
        mediaType: 'application/pdf',
        name: `department-${cursor}.pdf`,
      }),
    };
  }

  /** The ID numbers a packet is found by: applicant's and agent's. */
  idNumbersOf(packetId: string, version: number): string[] {
    const packet = this.packets.find((p) => p.packetId === packetId && p.version === version);
    if (!packet) return [];
    return [
      packet.draftState.applicant.idNumber,
      ...(packet.draftState.agent ? [packet.draftState.agent.idNumber] : []),
    ];
  }

  item(code: string): ServiceItem {
    const item = seedCatalog.items.find((i) => i.code === code);
    if (!item) throw new AppError('catalog.itemNotFound', `no item ${code}`, { code });
    return item;
  }

  private create(clerk: Clerk, itemCode: string): DraftView {
    const item = this.item(itemCode);
    const kind = item.serviceObjects.includes('person') ? 'person' : 'company';
    return this.insert(clerk, item, emptyDraftState(kind), null);
  }

  private insert(
    clerk: Clerk,
    item: ServiceItem,
    state: DraftState,
    previous: FakeDraft['previous'],
    files: DraftFile[] = [],
  ): DraftView {
    const now = this.now();
    const draft: FakeDraft = {
      id: uuidv7(),
      clerkId: clerk.id,
      itemCode: item.code,
      step: 'applicant',
      state,
      files,
      previous,
      createdAt: now,
      updatedAt: now,
    };
    this.drafts.set(draft.id, draft);
    return this.view(draft);
  }

  private save(clerk: Clerk, id: string, patch: DraftPatch): DraftView {
    const draft = this.draft(clerk, id);
    const { next, changed } = applyPatch(draft.state, patch);
    if (changed.length > 0 || (patch.step && patch.step !== draft.step)) {
      draft.state = DraftState.parse(next);
      draft.step = patch.step ?? draft.step;
      draft.updatedAt = this.now();
    }
    return this.view(draft);
  }

  private upload(clerk: Clerk, id: string): FakeUpload {
    const upload = this.uploads.get(id);
    if (!upload || upload.clerkId !== clerk.id) throw new AppError('upload.notFound', `no upload ${id}`);
    return upload;
  }

  /** As IntakeService.attachSignature, from the applicant screen (tests of the clerk's view give one). */
  giveSignature(id: string, png: Uint8Array, pad = { width: 800, height: 300 }): void {
    const draft = this.drafts.get(id);
    if (!draft) throw new AppError('intake.draftNotFound', `no draft ${id}`);
    const image = this.put(png, 'image/png', 'signature.png');
    const strokes = this.put(new TextEncoder().encode('{}'), 'application/json', 'strokes.json');
    draft.state = { ...draft.state, signature: { image, strokes, ...pad, at: this.now() } };
  }

  private draft(clerk: Clerk, id: string): FakeDraft {
    const draft = this.drafts.get(id);
    if (!draft || draft.clerkId !== clerk.id) throw new AppError('intake.draftNotFound', `no draft ${id}`);
    return draft;
  }

  private view(draft: FakeDraft): DraftView {
    return {
      id: draft.id,
      itemCode: draft.itemCode,
      itemName: this.item(draft.itemCode).name,
      catalogVersion: seedCatalog.version,
      step: draft.step,
      state: structuredClone(draft.state),
      files: draft.files.map((f) => ({ ...f })),
      previous: draft.previous,
      createdAt: draft.createdAt,
      updatedAt: draft.updatedAt,
    };
  }

  private put(bytes: Uint8Array, mediaType: string, name: string): string {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (!this.blobs.has(sha256)) this.blobs.set(sha256, { bytes: Uint8Array.from(bytes), mediaType, name });
    return sha256;
  }

  /** As IntakeService.runReview. */
  private review(draft: FakeDraft): ReviewResult {
    const { state } = draft;
    const application = applicationOf(draft.itemCode, state, draft.files);
    const review = reviewApplication(this.item(draft.itemCode), application, {
      calendar,
      receivedAt: this.now(),
      correctionDays: 5,
      overrides: state.overrides,
      countersigns: state.countersigns ?? [],
      ...(draft.previousReview ? { previous: draft.previousReview } : {}),
    });
    // As the core does, for the applicant's name only (the fixtures' other texts all print).
    const characters = unprintableCharacters(state.applicant.name);
    if (characters.length > 0) {
      review.findings.push(...printFindings([{ field: 'applicant.name', characters }], state.applicantKind));
    }
    return review;
  }

  private seal(_clerk: Clerk, draft: FakeDraft, confirmUnprintable: readonly string[] = []): SealedPacket {
    const review = this.review(draft);
    if (!isSealable(review)) {
      throw new AppError('intake.notReceivable', 'outside what this window serves', {
        reasons: (review.decline?.reasons ?? []).join('；'),
      });
    }
    const open = unprintableOf(review.findings).filter((c) => !confirmUnprintable.includes(c));
    if (open.length > 0) {
      throw new AppError('intake.unprintableCharacters', `${open.length} not confirmed`, {
        characters: describeCharacters(open),
      });
    }
    const packetId = draft.previous?.packetId ?? draft.id;
    const version = (draft.previous?.version ?? 0) + 1;
    const year = review.receivedOn.slice(0, 4);
    const documents = noticesFor(review.outcome).map((kind) => {
      const series = `${SERIES[kind]}/${year}`;
      const n = (this.counters.get(series) ?? 0) + 1;
      this.counters.set(series, n);
      const number = `DEMO-HALL-${SERIES[kind]}-${year}-${String(n).padStart(6, '0')}`;
      const bytes = new TextEncoder().encode(`%PDF-1.4\n% ${TITLES[kind]} ${number}\n%%EOF\n`);
      const sha256 = this.put(Uint8Array.from(bytes), 'application/pdf', `${number}.pdf`);
      return { kind, number, title: TITLES[kind], sha256 };
    });
    const item = this.item(draft.itemCode);
    const deadline = review.decision?.decisionDeadline.date ?? review.correction?.deadline.date ?? null;
    const sealed: SealedPacket = {
      packetId,
      version,
      outcome: review.outcome,
      state: INITIAL_STATE[review.outcome],
      manifestHash: createHash('sha256').update(`${packetId}#${version}`).digest('hex'),
      deadline,
      trackingCode: fakeTrackingCode(packetId),
      documents,
    };
    const packet: FakePacket = {
      ...sealed,
      itemCode: item.code,
      itemName: item.name,
      applicantName: draft.state.company?.name || draft.state.applicant.name,
      reason: null,
      sealedAt: this.now(),
      handedOver: null,
      draftState: structuredClone(draft.state),
      files: draft.files.map((f) => ({ ...f })),
    };
    this.packets.push(packet);
    this.sealedReviews.set(`${packetId}#${version}`, review);
    this.onSealed?.(packet, review.decision?.departmentId ?? review.route?.departmentId ?? null);
    this.drafts.delete(draft.id);
    return sealed;
  }

  private supplement(clerk: Clerk, packetId: string, late?: { reason: string }): DraftView {
    const packet = this.packets.filter((p) => p.packetId === packetId).sort((a, b) => b.version - a.version)[0];
    if (!packet) throw new AppError('intake.packetNotFound', `no packet ${packetId}`);
    // 补正 issued at the window, or asked for by the department through the change feed.
    if (packet.outcome !== 'correction' && packet.state !== 'correction_required') {
      throw new AppError('intake.notCorrectable', `packet is ${packet.state}`);
    }
    // As the core: a window 补正 past its last day needs the clerk's reason (not the department's, in this fake).
    const due = packet.outcome === 'correction' ? packet.deadline : null;
    const lapsed = due !== null && due < calendar.localDate(this.now());
    if (lapsed && !late) throw new AppError('intake.supplementLate', `due ${due}`, { due });
    // As the core: the clerk's confirmations carry over; overrides, countersigns and an earlier lateness do not.
    const { countersigns: _signed, lateSupplement: _late, ...kept } = structuredClone(packet.draftState);
    const state: DraftState = {
      ...kept,
      overrides: [],
      ...(lapsed && late ? { lateSupplement: { due, reason: late.reason.trim() } } : {}),
    };
    const view = this.insert(
      clerk,
      this.item(packet.itemCode),
      state,
      { packetId, version: packet.version },
      packet.files.map((f) => ({ ...f })),
    );
    const sealed = this.sealedReviews.get(`${packetId}#${packet.version}`);
    if (sealed) {
      const blocking = sealed.findings.filter((f) => f.severity === 'blocking' && !isWindowFinding(f));
      this.drafts.get(view.id)!.previousReview = {
        version: packet.version,
        blockingKeys: blocking.map((f) => f.key),
        notice: sealed.correction?.items ?? null,
      };
    }
    return view;
  }
}

/** Midnight in the hall's time zone (UTC+8). */
function startOfHallDay(now: number): number {
  const offset = 8 * 3_600_000;
  return Math.floor((now + offset) / 86_400_000) * 86_400_000 - offset;
}

/** A 查询号 fixed by the packet id, drawn as the core draws one (from hashed bytes instead of the CSPRNG). */
function fakeTrackingCode(packetId: string): string {
  let draw = 0;
  return newTrackingCode((n) => createHash('sha256').update(`${packetId}#${draw++}`).digest().subarray(0, n));
}

/** As the core: a material's pages changed, so a check against its originals no longer covers them. */
function dropCertification(draft: FakeDraft, materialId: string): void {
  if (!draft.state.certifiedCopies?.[materialId]) return;
  const { [materialId]: _dropped, ...rest } = draft.state.certifiedCopies;
  draft.state = { ...draft.state, certifiedCopies: rest };
}

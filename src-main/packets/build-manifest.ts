// Builds the manifest (收件清单) of a packet version from the sealed draft: the one
// place that knows how a draft, its review and its notices become the manifest.
import type { ServiceItem } from '../common/catalog.ts';
import type { Confirmation } from '../common/applicant.ts';
import { deliveryInEffect } from '../common/delivery.ts';
import { type ManifestIdentityCheck, manifestIdentityCheck } from '../common/identity-check.ts';
import { type DraftFile, type DraftState, personOf } from '../common/draft.ts';
import type { HallConfig } from '../common/hall-config.ts';
import { MANIFEST_FORMAT, type Manifest, type NoticeKind } from '../common/manifest.ts';
import type { CountersignedBy } from '../common/review/findings.ts';
import { isWindowFinding, type ReviewRuleId } from '../common/review/rules.ts';
import type { PreviousReview, ReviewResult, SealableReview } from '../common/review/review.ts';
import { SIGNATURE_FILE_NAMES, type SignatureFileRole } from '../common/signature.ts';

export interface StoredNotice {
  kind: NoticeKind;
  number: string;
  title: string;
  sha256: string;
  size: number;
}

export interface NewPacket {
  packetId: string;
  version: number;
  previousVersion: number | null;
  item: ServiceItem;
  catalogVersion: number;
  state: DraftState;
  files: DraftFile[];
  review: SealableReview;
  notices: StoredNotice[];
  clerk: { id: number; username: string; displayName: string };
  config: HallConfig;
  receivedAt: number;
  sealedAt: number;
  /** 查询号, reserved before the notices were rendered (PacketStore.trackingCode). */
  trackingCode: string;
  /** The head of the counter session's event chain at sealing (see Manifest.session). */
  session: { stream: string; seq: number; hash: string } | null;
  /** 申请人签名: its two stored files, or signed on paper; absent when neither was recorded. */
  signature?: PacketSignature;
}

/** The applicant's e-signature as a packet holds it: the PNG and the strokes JSON as blobs, or on paper. */
export type PacketSignature =
  { image: { sha256: string; size: number }; strokes: { sha256: string; size: number } } | { onPaper: true };

/** The signature's files of a packet, as the manifest and packet_files list them. */
export function signatureFiles(
  signature: PacketSignature | undefined,
): Array<{ sha256: string; size: number; mediaType: string; name: string; signature: SignatureFileRole }> {
  if (!signature || 'onPaper' in signature) return [];
  return [
    { ...signature.image, mediaType: 'image/png', name: SIGNATURE_FILE_NAMES.image, signature: 'image' },
    { ...signature.strokes, mediaType: 'application/json', name: SIGNATURE_FILE_NAMES.strokes, signature: 'strokes' },
  ];
}

/**
 * How a later version names its predecessors for the department: `previousVersion` is
 * the latest earlier version that travelled (the one the department asked to correct);
 * `windowCorrectionOf` the version supplemented when that was a 补正 issued at the window,
 * which the department never saw.
 */
export interface Lineage {
  previousVersion: number | null;
  windowCorrectionOf: number | null;
}

/** 承诺办结时限 (received) or 补正期限 (correction), YYYY-MM-DD. */
export function deadlineOf(review: ReviewResult): string | null {
  return review.decision?.decisionDeadline.date ?? review.correction?.deadline.date ?? null;
}

export function buildManifest(input: NewPacket, lineage: Lineage): Manifest {
  const { item, state, review, config } = input;
  const files = distinctMaterialFiles(input.files);
  const delivery = deliveryInEffect(item, state.delivery);
  return {
    format: MANIFEST_FORMAT,
    packetId: input.packetId,
    version: input.version,
    ...(lineage.previousVersion ? { previousVersion: lineage.previousVersion } : {}),
    ...(lineage.windowCorrectionOf ? { windowCorrectionOf: lineage.windowCorrectionOf } : {}),
    trackingCode: input.trackingCode,
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
    ...(state.operatorRole ? { operatorRole: state.operatorRole } : {}),
    ...(state.guardian ? { guardian: state.guardian } : {}),
    ...(state.agent ? { agent: state.agent } : {}),
    form: state.answers,
    conditions: state.conditions,
    materials: item.materials
      .filter((m) => state.counts[m.id] || files.some((f) => f.materialId === m.id))
      .map((m) => ({
        materialId: m.id,
        name: m.name,
        original: state.counts[m.id]?.original ?? 0,
        copy: state.counts[m.id]?.copy ?? 0,
        electronic: state.counts[m.id]?.electronic ?? 0,
        originalHandling: m.originalHandling,
        files: files.filter((f) => f.materialId === m.id).map((f) => f.sha256),
      })),
    files: [
      ...files.map((f) => ({
        sha256: f.sha256,
        size: f.size,
        mediaType: f.mediaType,
        name: f.name,
        materialId: f.materialId,
      })),
      ...input.notices.map((n) => ({
        sha256: n.sha256,
        size: n.size,
        mediaType: 'application/pdf',
        name: `${n.number}.pdf`,
        document: n.kind,
      })),
      ...signatureFiles(input.signature),
    ],
    review: {
      outcome: review.outcome,
      findings: review.findings.map((f) => ({
        key: f.key,
        ruleId: f.ruleId,
        severity: f.severity,
        message: f.message,
        overridden: Boolean(f.override),
        ...(f.severity === 'forwarded' && f.legalBasis !== undefined ? { legalBasis: f.legalBasis } : {}),
        ...(f.missedInNotice ? { missedInNotice: true } : {}),
        ...(f.countersignedBy ? { countersignedBy: countersignOf(f.countersignedBy) } : {}),
      })),
      overrides: review.overrides.map((o) => ({
        findingKey: o.findingKey,
        ruleId: o.ruleId,
        reason: o.reason,
        ...(o.countersignedBy ? { countersignedBy: countersignOf(o.countersignedBy) } : {}),
      })),
      ...(review.correction
        ? {
            correctionItems: review.correction.items.map((i) => ({
              findingKey: i.findingKey,
              message: i.message,
              supply: i.supply,
            })),
          }
        : {}),
    },
    documents: input.notices.map((n) => ({ kind: n.kind, number: n.number, sha256: n.sha256 })),
    clerk: { username: input.clerk.username, displayName: input.clerk.displayName },
    session: input.session,
    receivedAt: new Date(input.receivedAt).toISOString(),
    sealedAt: new Date(input.sealedAt).toISOString(),
    deadline: deadlineOf(review),
    ...(delivery ? { delivery } : {}),
    ...(state.lateSupplement ? { lateSupplement: state.lateSupplement } : {}),
    ...identityCheckOf(state),
    ...(state.confirmation ? { applicantConfirmation: confirmationOf(state.confirmation) } : {}),
    ...(input.signature ? { applicantSignature: manifestSignatureOf(input.signature) } : {}),
  };
}

/** The 人证核验 when it checked the person the draft names now (a card replaced since voids it). */
function identityCheckOf(state: NewPacket['state']): { identityCheck?: ManifestIdentityCheck } {
  const stored = state.identityCheck;
  if (!stored) return {};
  const check = manifestIdentityCheck(stored, personOf(state, stored.who));
  return check ? { identityCheck: check } : {};
}

function confirmationOf(confirmation: Confirmation): NonNullable<Manifest['applicantConfirmation']> {
  return 'waived' in confirmation
    ? { waived: true, reason: confirmation.reason }
    : { at: new Date(confirmation.at).toISOString(), viewHash: confirmation.viewHash };
}

function manifestSignatureOf(signature: PacketSignature): NonNullable<Manifest['applicantSignature']> {
  return 'onPaper' in signature
    ? { onPaper: true }
    : { image: signature.image.sha256, strokes: signature.strokes.sha256 };
}

function countersignOf(by: CountersignedBy): { username: string; displayName: string; at: string } {
  return { username: by.username, displayName: by.displayName, at: new Date(by.at).toISOString() };
}

/**
 * What a 补正 resubmission's review needs of the version it supplements: its blocking
 * findings on the applicant's side and its notice's items — none when the window issued
 * no notice (the department asked for the 补正). Packets sealed before manifests listed
 * the items: the blocking findings not set aside, which is what their notice listed.
 */
export function previousReviewOf(manifest: Pick<Manifest, 'version' | 'review'>): PreviousReview {
  const blocking = manifest.review.findings.filter(
    (f) => f.severity === 'blocking' && !isWindowFinding({ ruleId: f.ruleId as ReviewRuleId }),
  );
  const notice =
    manifest.review.outcome !== 'correction'
      ? null
      : (manifest.review.correctionItems ??
        blocking.filter((f) => !f.overridden).map((f) => ({ findingKey: f.key, message: f.message, supply: '' })));
  return { version: manifest.version, blockingKeys: blocking.map((f) => f.key), notice };
}

/** The originals this packet version sends by post, material by material. */
export function postedOriginals(
  manifest: Pick<Manifest, 'materials'>,
): Array<{ materialId: string; name: string; count: number }> {
  return manifest.materials
    .filter((m) => m.originalHandling === 'posted' && m.original > 0)
    .map((m) => ({ materialId: m.materialId, name: m.name, count: m.original }));
}

/** The same file may be given for a material twice; the packet lists it once per material. */
export function distinctMaterialFiles(files: DraftFile[]): DraftFile[] {
  const seen = new Set<string>();
  return files.filter((f) => {
    const key = `${f.materialId}/${f.sha256}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

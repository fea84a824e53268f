// The packet manifest (报件清单): everything the approving department needs to know
// about one sealed packet, with every file named by SHA-256 and size. Its hash is
// taken over the RFC 8785 canonical JSON (`manifestHash` in src-main/sync/protocol.ts,
// which both sides share).
import type { ReviewResult } from '../review/review.ts';
import type { DraftState } from './draft.ts';


export const MANIFEST_FORMAT = 'tongban-packet/1';

export type NoticeKind = 'receipt' | 'acceptance' | 'correction' | 'refusal';

export interface ManifestFile {
  sha256: string;
  size: number;
  mediaType: string;
  name: string;
  /** Which material it belongs to, or which notice it is. */
  materialId?: string;
  document?: NoticeKind;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  packetId: string;
  version: number;
  /** The latest earlier version the department received (the one it asked to correct). */
  previousVersion?: number;
  /** The version supplemented when that was a 补正 issued at the window (never sent). */
  windowCorrectionOf?: number;
  hallId: string;
  windowId: string;
  windowRegionCode: string;
  itemCode: string;
  itemName: string;
  catalogVersion: number;
  departmentId: string | null;
  homeRegionCode: string;
  applicantKind: DraftState['applicantKind'];
  applicant: DraftState['applicant'];
  company?: DraftState['company'];
  agent?: DraftState['agent'];
  form: DraftState['answers'];
  materials: Array<{
    materialId: string;
    name: string;
    original: number;
    copy: number;
    electronic: number;
    files: string[];
  }>;
  files: ManifestFile[];
  review: {
    outcome: ReviewResult['outcome'];
    findings: Array<{ key: string; ruleId: string; severity: string; message: string; overridden: boolean }>;
    overrides: Array<{ findingKey: string; ruleId: string; reason: string }>;
  };
  documents: Array<{ kind: NoticeKind; number: string; sha256: string }>;
  clerk: { username: string; displayName: string };
  receivedAt: string;
  sealedAt: string;
  /** 承诺办结时限 (accept) or 补正期限 (correction), YYYY-MM-DD. */
  deadline: string | null;
}

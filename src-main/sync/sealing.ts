// Sync's side of sealing (the packets module's SealingOutbox): before anything is
// written it refuses what the department's protocol would refuse; inside the sealing
// transaction it signs the manifest and writes the outbox rows; after the commit it
// wakes the worker.
import { AppError } from '../common/errors.ts';
import { distinctFiles, ItemCode, Manifest, ManifestFile, travels, WindowId } from '../common/manifest.ts';
import type { SignatureScheme } from '../common/sync-protocol.ts';
import type { SealedVersion, SealingOutbox } from '../packets/outbox.ts';
import type { Departments } from './departments.ts';
import type { OutboxStore } from './outbox-store.ts';
import type { WindowKeys } from './secrets.ts';
import { signManifest } from './signing.ts';

export interface SyncSealingDeps {
  windowId: string;
  departments: Departments;
  keys: WindowKeys;
  store: OutboxStore;
  /** Files larger than this go to the bulk lane. */
  bulkThresholdBytes: number;
  /** After the sealing transaction committed: there is something to send. */
  onSealed(): void;
}

export class SyncSealing implements SealingOutbox {
  constructor(private readonly deps: SyncSealingDeps) {}

  check(input: { itemCode: string; files: ReadonlyArray<{ name: string; mediaType: string }> }): void {
    const problems: string[] = [];
    if (!WindowId.safeParse(this.deps.windowId).success) problems.push('windowId');
    if (!ItemCode.safeParse(input.itemCode).success) problems.push('itemCode');
    for (const file of input.files) {
      const parsed = ManifestFile.safeParse({
        sha256: '0'.repeat(64),
        size: 0,
        mediaType: file.mediaType,
        name: file.name,
      });
      if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => String(issue.path[0])));
    }
    if (problems.length > 0) {
      const fields = [...new Set(problems)].join(', ');
      throw new AppError('sync.manifestInvalid', `the department's protocol would refuse: ${fields}`, { fields });
    }
  }

  enqueue(sealed: SealedVersion): void {
    // A 补正 (or, in old packets, a 不予受理) issued at the window never travels: the applicant has it in hand.
    if (!travels(sealed.outcome)) return;
    // The manifest as built, checked against the protocol's rules before it is signed.
    const parsed = Manifest.safeParse(sealed.manifest);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].slice(0, 5).join(', ');
      throw new AppError('sync.manifestInvalid', `manifest does not satisfy the sync protocol: ${fields}`, { fields });
    }
    const departmentId = sealed.manifest.departmentId ?? '';
    const department = this.deps.departments.info(departmentId);
    let scheme: SignatureScheme | null = null;
    let signature: string | null = null;
    if (department) {
      scheme = department.scheme;
      signature = JSON.stringify(signManifest(sealed.manifest, this.deps.keys.get(scheme)));
    }
    this.deps.store.enqueue({
      packetId: sealed.packetId,
      version: sealed.version,
      departmentId,
      manifestHash: sealed.manifestHash,
      scheme,
      signature,
      files: distinctFiles(parsed.data),
      bulkThresholdBytes: this.deps.bulkThresholdBytes,
      blocked: department
        ? undefined
        : {
            code: 'sync.departmentUnknown',
            detail: `no department ${departmentId} in the config`,
            params: { departmentId },
          },
    });
  }

  sealed(): void {
    this.deps.onSealed();
  }
}

// Registering a packet version (PUT) and committing it (POST …/commit): the checks a
// department makes before it answers `delivered`. Idempotent by the UNIQUE key
// (packet_id, version) and a guarded state update, so a retry replays the stored answer.
import {
  CommitRequest,
  distinctFiles,
  manifestHash,
  PacketId,
  PutPacketRequest,
  type CommitReceipt,
  type ManifestSignature,
  type PacketStatus,
} from '../../src-main/common/sync-protocol.ts';
import { verifyManifest } from '../../src-main/sync/signing.ts';
import { isUniqueViolation, type InboxDb, type PacketRow, type WindowRow } from './db.ts';
import { InboxError } from './errors.ts';
import { STORED_BYTES_ALTERED } from './sealed-file-store.ts';
import type { InboxStorage } from './storage.ts';

export interface PacketServiceOptions {
  db: InboxDb;
  storage: InboxStorage;
  now: () => number;
  /** Prefix of the department reference (收件编号), e.g. `TB`. */
  referencePrefix: string;
  warn: (message: string, fields?: Record<string, unknown>) => void;
}

export interface PacketKey {
  packetId: string;
  version: number;
}

/** Reads `{packetId}` and `{version}` from the path, or answers 400. */
export function parsePacketKey(params: unknown): PacketKey {
  const { packetId, version } = (params ?? {}) as Record<string, unknown>;
  if (!PacketId.safeParse(packetId).success)
    throw new InboxError('request.invalid', 'packetId in the path must be a lower-case UUIDv7');
  if (typeof version !== 'string' || !/^[1-9][0-9]{0,5}$/.test(version)) {
    throw new InboxError('request.invalid', 'version in the path must be a positive integer');
  }
  return { packetId: packetId as string, version: Number(version) };
}

export class PacketService {
  constructor(private readonly options: PacketServiceOptions) {}

  /** PUT /v1/packets/{packetId}/versions/{version} */
  async register(window: WindowRow, key: PacketKey, body: unknown, uploadEndpoint: string): Promise<PacketStatus> {
    const { db, now } = this.options;
    const parsed = PutPacketRequest.safeParse(body);
    if (!parsed.success) throw invalid(parsed.error.issues);
    const { manifest, signature } = parsed.data;
    if (manifest.packetId !== key.packetId || manifest.version !== key.version) {
      throw new InboxError('manifest.pathMismatch', 'manifest packetId and version must equal those in the path');
    }
    if (manifest.windowId !== window.window_id) {
      throw new InboxError(
        'auth.windowMismatch',
        `manifest is from window ${manifest.windowId}, token belongs to another window`,
      );
    }
    // Hash what was sent, not the parsed copy: the signature covers the client's bytes.
    const hash = manifestHash((body as { manifest: unknown }).manifest);

    const existing = await db.packet(key.packetId, key.version);
    if (existing) return this.replay(existing, hash, uploadEndpoint);

    const verdict = verifyManifest((body as { manifest: unknown }).manifest, signature, {
      scheme: window.scheme,
      publicKey: window.public_key,
    });
    if (!verdict.ok) throw new InboxError(verdict.code, verdict.message);

    const at = now();
    try {
      await db.write(async () => {
        const other = await db.latestVersion(key.packetId);
        if (other && other.window_id !== window.window_id) {
          throw new InboxError('packet.conflict', 'this packet id belongs to another window');
        }
        if (manifest.previousVersion === undefined) {
          // Without previousVersion a version is the department's first sight of the packet
          // (version 1, or the answer to a 补正 issued at the window): only one may be.
          const registered = await db.otherVersion(key.packetId, key.version);
          if (registered) {
            throw manifest.windowCorrectionOf !== undefined
              ? new InboxError(
                  'packet.windowCorrectionConflict',
                  `version ${registered.version} of this packet is already registered; a version answering a correction ` +
                    `issued at the window (windowCorrectionOf ${manifest.windowCorrectionOf}) must be the first one sent`,
                )
              : new InboxError(
                  'packet.conflict',
                  `version ${registered.version} of this packet is already registered; a later version must name ` +
                    'the version it corrects (previousVersion)',
                );
          }
        } else {
          const previous = await db.packet(key.packetId, manifest.previousVersion);
          if (!previous) {
            throw new InboxError(
              'packet.previousVersionMissing',
              `version ${manifest.previousVersion} of this packet was never registered`,
            );
          }
          if (previous.state !== 'correction_required') {
            throw new InboxError(
              'packet.correctionNotRequested',
              `version ${previous.version} is ${previous.state}; a new version may only answer correction_required`,
            );
          }
          const rival = await db.versionCorrecting(key.packetId, manifest.previousVersion);
          if (rival) {
            throw new InboxError(
              'packet.conflict',
              `version ${rival.version} already corrects version ${manifest.previousVersion}`,
            );
          }
        }
        await db.insertPacket(
          {
            packet_id: key.packetId,
            version: key.version,
            previous_version: manifest.previousVersion ?? null,
            window_id: window.window_id,
            item_code: manifest.itemCode,
            manifest_hash: hash,
            manifest: JSON.stringify((body as { manifest: unknown }).manifest),
            signature: JSON.stringify(signature),
            state: 'receiving',
            registered_at: at,
            received_at: null,
            department_reference: null,
            updated_at: at,
            tracking_code: manifest.trackingCode ?? null,
          },
          manifest.files.map((file, position) => ({
            position,
            sha256: file.sha256,
            size: file.size,
            media_type: file.mediaType,
            name: file.name,
          })),
        );
      });
    } catch (error) {
      // A concurrent PUT of the same key won the insert: answer as for a replay.
      if (isUniqueViolation(error)) {
        const winner = await db.packet(key.packetId, key.version);
        if (winner) return this.replay(winner, hash, uploadEndpoint);
      }
      throw error;
    }
    return this.status(window, key, uploadEndpoint);
  }

  /** GET /v1/packets/{packetId}/versions/{version}: the same answer as PUT, without a body. */
  async status(window: WindowRow, key: PacketKey, uploadEndpoint: string): Promise<PacketStatus> {
    const packet = await this.owned(window, key);
    return this.answer(packet, uploadEndpoint);
  }

  /** POST /v1/packets/{packetId}/versions/{version}/commit */
  async commit(window: WindowRow, key: PacketKey, body: unknown): Promise<CommitReceipt> {
    const { db, storage, now } = this.options;
    const parsed = CommitRequest.safeParse(body ?? {});
    if (!parsed.success) throw invalid(parsed.error.issues);
    const packet = await this.owned(window, key);
    if (parsed.data.manifestHash !== undefined && parsed.data.manifestHash !== packet.manifest_hash) {
      throw new InboxError('packet.conflict', 'this version was registered with another manifest');
    }
    if (packet.state !== 'receiving') return receipt(packet);

    // The signature again: the window's key may have been replaced since the PUT.
    const manifest = JSON.parse(packet.manifest) as { files: Array<{ sha256: string; size: number }> };
    const verdict = verifyManifest(manifest, JSON.parse(packet.signature) as ManifestSignature, {
      scheme: window.scheme,
      publicKey: window.public_key,
    });
    if (!verdict.ok) throw new InboxError(verdict.code, verdict.message);

    const missing: string[] = [];
    const listed = distinctFiles(manifest);
    // Only what this window sent: committing would otherwise tell it what others hold.
    const sent = await db.filesSentBy(
      window.window_id,
      listed.map((file) => file.sha256),
    );
    for (const { sha256, size } of listed) {
      const file = sent.get(sha256);
      if (!file || file.size !== size) {
        missing.push(sha256);
        continue;
      }
      // Every byte once more before `delivered`: the disk may have lost what the upload checked.
      // Unless this process hashed it when its upload finished and the file has not been
      // written, replaced or removed since (storage.remembered: one stat).
      let actual: { sha256: string; size: number };
      try {
        actual = (await storage.remembered(file.path)) ?? (await storage.digest(file.path));
      } catch (error) {
        const { code, status_code: status } = error as { code?: string; status_code?: number };
        // Gone, or (encrypted at rest) failing authentication: as good as altered.
        if (code !== 'ENOENT' && code !== STORED_BYTES_ALTERED && status !== 404) throw error;
        actual = { sha256: '', size: -1 };
      }
      if (actual.sha256 !== sha256 || actual.size !== size) {
        this.options.warn('stored file lost or altered; dropped so the window uploads it again', { sha256 });
        await db.deleteFile(sha256);
        await storage.discard(file.path);
        missing.push(sha256);
      }
    }
    if (missing.length > 0) {
      throw new InboxError(
        'packet.filesMissing',
        `${missing.length} file(s) not received yet; upload them, then commit again`,
        {
          missingFiles: missing,
        },
      );
    }

    const at = now();
    await db.write(async () => {
      const reference = departmentReference(this.options.referencePrefix, at, packet.seq);
      const moved = await db.setState(key.packetId, key.version, 'receiving', 'delivered', at, {
        received_at: at,
        department_reference: reference,
      });
      if (moved === 1) await db.appendChange(packet, { state: 'delivered' }, at);
    });
    // A concurrent commit may have won: either way the stored receipt is the answer.
    return receipt((await db.packet(key.packetId, key.version)) as PacketRow);
  }

  private async owned(window: WindowRow, key: PacketKey): Promise<PacketRow> {
    const packet = await this.options.db.packet(key.packetId, key.version);
    if (!packet)
      throw new InboxError('packet.notFound', `packet ${key.packetId} version ${key.version} was never registered`);
    if (packet.window_id !== window.window_id)
      throw new InboxError('auth.windowMismatch', 'this packet belongs to another window');
    return packet;
  }

  private replay(existing: PacketRow, hash: string, uploadEndpoint: string): Promise<PacketStatus> {
    if (existing.manifest_hash !== hash) {
      throw new InboxError(
        'packet.conflict',
        'this packet version was registered with a different manifest (hash differs)',
      );
    }
    return this.answer(existing, uploadEndpoint);
  }

  private async answer(packet: PacketRow, uploadEndpoint: string): Promise<PacketStatus> {
    return {
      packetId: packet.packet_id,
      version: packet.version,
      manifestHash: packet.manifest_hash,
      state: packet.state,
      missingFiles: await this.options.db.missingFiles(packet.packet_id, packet.version),
      uploadEndpoint,
    };
  }
}

function receipt(packet: PacketRow): CommitReceipt {
  return {
    packetId: packet.packet_id,
    version: packet.version,
    state: 'delivered',
    receivedAt: new Date(packet.received_at ?? packet.updated_at).toISOString(),
    departmentReference: packet.department_reference ?? '',
  };
}

/** 收件编号: prefix, the China-time date of receipt, and the packet's sequence number. */
function departmentReference(prefix: string, at: number, seq: number): string {
  const chinaDate = new Date(at + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
  return `${prefix}${chinaDate}${String(seq).padStart(6, '0')}`;
}

export function invalid(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): InboxError {
  const first = issues[0];
  const where = first && first.path.length > 0 ? first.path.map(String).join('.') : 'body';
  return new InboxError('request.invalid', `${where}: ${first?.message ?? 'invalid'}`, {
    issues: issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  });
}

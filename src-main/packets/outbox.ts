// What sealing asks of whatever sends packets to the approving department. The packets
// module declares it; sync implements it; intake calls it around the sealing transaction.
import type { Manifest, SealedOutcome } from '../common/manifest.ts';

export interface SealedVersion {
  packetId: string;
  version: number;
  outcome: SealedOutcome;
  /** The manifest as sealed, and the SHA-256 of its canonical JSON. */
  manifest: Manifest;
  manifestHash: string;
}

export interface SealingOutbox {
  /** Before anything is written: refuses what the department's protocol would refuse. */
  check(input: { itemCode: string; files: ReadonlyArray<{ name: string; mediaType: string }> }): void;
  /** Inside the sealing transaction: signs the manifest and writes the outbox rows. */
  enqueue(sealed: SealedVersion): void;
  /** After the sealing transaction committed. */
  sealed(sealed: { packetId: string; version: number }): void;
}

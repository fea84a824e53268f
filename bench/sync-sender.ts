// The sending side of the memory run, alone in its process so its resident memory is
// the window's and nobody else's: boots a hall core, streams a large file into a
// draft, seals it and waits until the department has it. sync.ts runs this file as
// compiled JavaScript against dist/ (the way the product runs), never under tsx, whose
// loader thread alone adds about 50 MiB. Prints one JSON line with what it measured.
import { rmSync } from 'node:fs';
import { MiB } from './support.ts';
import { draftWithLargeFile, openHall, type InboxRef } from './sync-hall.ts';

export interface SenderInput {
  inbox: InboxRef;
  dataDir: string;
  bytes: number;
  seed: number;
  timeoutMs: number;
}

export interface SenderResult {
  /** RSS once the core is up, before anyone signs in: the idle core (configured profile). */
  idleRssMiB: number;
  /** RSS once the window is enrolled (an installer and a clerk signed in: the clerk's libraries warming). */
  bootRssMiB: number;
  /** Peak RSS from drafts.seal to delivered, sampled every 20 ms. */
  uploadPeakRssMiB: number;
  /** The kernel's peak RSS of the whole process (boot, streaming the file in, sealing, sending). */
  maxRssMiB: number;
  /** The kernel's peak before sealing: above it, the peak belongs to sealing and sending. */
  maxRssBeforeSealMiB: number;
  /** RSS the moment before drafts.seal: what sealing and sending add is measured from here. */
  rssAtSealMiB: number;
  putMs: number;
  sealToDeliveredMs: number;
  payloadBytes: number;
}

const rssMiB = () => process.memoryUsage.rss() / MiB;
const maxRssMiB = () => process.resourceUsage().maxRSS / 1024;

async function main(input: SenderInput): Promise<SenderResult> {
  const hall = await openHall({ endpoint: input.inbox.url, inbox: input.inbox, dataDir: input.dataDir });
  try {
    const bootRssMiB = rssMiB();
    const putStarted = performance.now();
    const draftId = await draftWithLargeFile(hall, input.bytes, input.seed);
    const putMs = performance.now() - putStarted;
    const maxRssBeforeSealMiB = maxRssMiB();

    const rssAtSealMiB = rssMiB();
    let uploadPeakRssMiB = rssAtSealMiB;
    const sampler = setInterval(() => (uploadPeakRssMiB = Math.max(uploadPeakRssMiB, rssMiB())), 20);
    const started = performance.now();
    const sealed = await hall.call<{ packetId: string }>('drafts.seal', { id: draftId });
    const deliveredAt = await hall.reach(sealed.packetId, 'delivered', input.timeoutMs);
    clearInterval(sampler);
    uploadPeakRssMiB = Math.max(uploadPeakRssMiB, rssMiB());
    return {
      idleRssMiB: hall.idleRssMiB,
      bootRssMiB,
      uploadPeakRssMiB,
      maxRssMiB: maxRssMiB(),
      maxRssBeforeSealMiB,
      rssAtSealMiB,
      putMs,
      sealToDeliveredMs: deliveredAt - started,
      payloadBytes: await hall.payloadBytes(sealed.packetId),
    };
  } finally {
    await hall.close();
    rmSync(input.dataDir, { recursive: true, force: true });
  }
}

main(JSON.parse(process.argv[2] ?? '{}') as SenderInput).then(
  (result) => {
    console.log(JSON.stringify(result));
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

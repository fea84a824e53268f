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
  /** The large file is written by a process of its own (large-file.ts), not by the sender. */
  fileInChild?: boolean;
}

export interface SenderResult {
  /** RSS once the core is up, before anyone signs in: the idle core (configured profile). */
  idleRssMiB: number;
  /** RSS once the window is enrolled (an installer and a clerk signed in: the clerk's libraries warming). */
  bootRssMiB: number;
  /** Peak RSS from drafts.seal to delivered, sampled every 20 ms. */
  uploadPeakRssMiB: number;
  /** Peak RSS while drafts.seal runs: the notices render in a worker thread then. */
  sealPeakRssMiB: number;
  /** Peak RSS from the seal's answer (render worker ended) to delivered: the sending itself. */
  sendingPeakRssMiB: number;
  /** RSS right after the seal's answer. */
  rssAfterSealMiB: number;
  /** Peak of process.memoryUsage().arrayBuffers while sending: Buffers not yet collected. */
  sendingPeakArrayBuffersMiB: number;
  sealMs: number;
  /** process.memoryUsage() in MiB at the moments named. */
  usage: Record<'idle' | 'signedIn' | 'beforeSeal' | 'afterSeal' | 'delivered', Usage>;
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

export interface Usage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

const rssMiB = () => process.memoryUsage.rss() / MiB;
function usage(): Usage {
  const u = process.memoryUsage();
  const mib = (n: number) => Math.round((n / MiB) * 10) / 10;
  return {
    rss: mib(u.rss),
    heapTotal: mib(u.heapTotal),
    heapUsed: mib(u.heapUsed),
    external: mib(u.external),
    arrayBuffers: mib(u.arrayBuffers),
  };
}
const maxRssMiB = () => process.resourceUsage().maxRSS / 1024;

async function main(input: SenderInput): Promise<SenderResult> {
  const hall = await openHall({ endpoint: input.inbox.url, inbox: input.inbox, dataDir: input.dataDir });
  try {
    const bootRssMiB = rssMiB();
    const signedIn = usage();
    const putStarted = performance.now();
    const draftId = await draftWithLargeFile(hall, input.bytes, input.seed, { inChild: input.fileInChild ?? false });
    const putMs = performance.now() - putStarted;
    const maxRssBeforeSealMiB = maxRssMiB();

    // SYNC_GC_BEFORE_SEAL (a diagnostic; sync.ts then starts the sender with --expose-gc): a
    // full collection first, so the figures that follow hold no garbage of streaming the file in.
    if (process.env.SYNC_GC_BEFORE_SEAL) (globalThis as { gc?: () => void }).gc?.();
    const beforeSeal = usage();
    const rssAtSealMiB = rssMiB();
    let sealing = true;
    let sealPeakRssMiB = rssAtSealMiB;
    let sendingPeakRssMiB = 0;
    let sendingPeakArrayBuffersMiB = 0;
    const sample = () => {
      const rss = rssMiB();
      if (sealing) sealPeakRssMiB = Math.max(sealPeakRssMiB, rss);
      else {
        sendingPeakRssMiB = Math.max(sendingPeakRssMiB, rss);
        sendingPeakArrayBuffersMiB = Math.max(sendingPeakArrayBuffersMiB, process.memoryUsage().arrayBuffers / MiB);
      }
    };
    const sampler = setInterval(sample, 20);
    const started = performance.now();
    const sealed = await hall.call<{ packetId: string }>('drafts.seal', { id: draftId });
    const sealMs = performance.now() - started;
    sample();
    sealing = false;
    const rssAfterSealMiB = rssMiB();
    const afterSeal = usage();
    const deliveredAt = await hall.reach(sealed.packetId, 'delivered', input.timeoutMs);
    clearInterval(sampler);
    sample();
    const delivered = usage();
    return {
      idleRssMiB: hall.idleRssMiB,
      bootRssMiB,
      uploadPeakRssMiB: Math.max(sealPeakRssMiB, sendingPeakRssMiB),
      sealPeakRssMiB,
      sendingPeakRssMiB,
      rssAfterSealMiB,
      sendingPeakArrayBuffersMiB,
      sealMs,
      usage: { idle: hall.idleUsage, signedIn, beforeSeal, afterSeal, delivered },
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

// Receipt printer figures: how long after the clerk presses 封装 the printer gets the
// receipt's first byte (target under 200 ms after the seal's answer: the clerk hands the
// slip over while the packet travels), through the real core, its print queue and the
// printer simulator on a real TCP port.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoConfig, type HallConfig } from '../src-main/common/hall-config.ts';
import { PrinterSimulator } from '../src-main/devices/printer/simulator.ts';
import { addScannedPages, openDesk, startDraft } from './desk.ts';
import { bootCore, median, record, workDir } from './support.ts';

const ROUNDS = 5;

export async function benchPrinter(): Promise<void> {
  const printer = new PrinterSimulator({ paper: 80 });
  const tcp = await printer.listenTcp(0);
  const dir = workDir();
  const config: HallConfig = {
    ...demoConfig(),
    devices: {
      ...demoConfig().devices,
      receiptPrinter: { transport: 'tcp', host: '127.0.0.1', port: tcp.port, paper: 80 },
    },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const core = await bootCore(dir);
  const { call } = await openDesk(core);

  // The receipt's first byte is its initialise command (ESC @); status questions come before it.
  let firstByte: ((at: number) => void) | undefined;
  printer.onEvent((event) => {
    if (event.kind === 'init' && firstByte) {
      firstByte(performance.now());
      firstByte = undefined;
    }
  });

  const afterPress: number[] = [];
  const afterAnswer: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const draftId = await startDraft(call);
    await addScannedPages(call, draftId, 1 + round * 50);
    await call('drafts.review', { id: draftId });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const printed = new Promise<number>((resolve) => (firstByte = resolve));
    const pressed = performance.now();
    await call('drafts.seal', { id: draftId });
    const answered = performance.now();
    const at = await printed;
    afterPress.push(at - pressed);
    afterAnswer.push(at - answered);
  }
  record(
    'seal pressed → first receipt byte at the printer (TCP)',
    `${median(afterPress).toFixed(0)} ms`,
    `median of ${ROUNDS} seals of 50-page packets; the seal's own work (PDF notices, blobs, transaction) included`,
  );
  record(
    "seal's answer → first receipt byte at the printer",
    `${median(afterAnswer).toFixed(0)} ms`,
    'target < 200 ms; negative: the printer had it before the clerk saw the sealed view',
  );
  await core.close();
  await printer.close();
  rmSync(dir, { recursive: true, force: true });
}

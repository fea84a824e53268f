// The receipt printer in the registry (core/printer-slot.ts) against the simulator on a real
// TCP port and on a real pty: the health board says what the printer says (ready, paper
// near its end, out of paper, cover open, not answering, answering garbage, gone), a
// printer that goes away and comes back is found again without a restart, and the queue
// hears when it can print again.
import { describe, expect, it } from 'vitest';
import type { HealthSnapshot } from '../../../src-main/common/health.ts';
import { createStreamLogger } from '../../../src-main/core/log.ts';
import { HealthBoard } from '../../../src-main/core/health.ts';
import { PrinterSlot, RECEIPT_PRINTER } from '../../../src-main/core/printer-slot.ts';
import type { ReceiptPrinterConfig } from '../../../src-main/common/hall-config.ts';
import { PrinterSimulator } from '../../../src-main/devices/printer/simulator.ts';
import { testPage } from '../../../src-main/devices/printer/test-page.ts';
import { LogCapture, TestClock } from '../helpers.ts';
import { onCleanup } from '../devices/idcard/rig.ts';

async function eventually(what: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!what()) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function startSlot(config: ReceiptPrinterConfig) {
  const health = new HealthBoard(new TestClock());
  let last: HealthSnapshot['entries'][number] | undefined;
  health.subscribe((snapshot) => {
    last = snapshot.entries.find((e) => e.id === RECEIPT_PRINTER);
  });
  const log = new LogCapture();
  const slot = new PrinterSlot(config, {
    health,
    logger: createStreamLogger(log, 'debug'),
    pollMs: 30,
    printer: { statusTimeoutMs: 200, settleMs: 10 },
  });
  let ready = 0;
  slot.onReady(() => ready++);
  slot.start();
  onCleanup(() => slot.close());
  return {
    slot,
    log,
    state: () => (last ? `${last.state}:${last.reason ?? ''}` : ''),
    readyCount: () => ready,
  };
}

async function tcpPrinter(port = 0) {
  const printer = new PrinterSimulator({ paper: 58 });
  const tcp = await printer.listenTcp(port);
  onCleanup(() => printer.close());
  return { printer, tcp };
}

describe('the receipt printer on the health board', () => {
  it('says what the printer says, and tells the queue each time it can print again', async () => {
    const { printer, tcp } = await tcpPrinter();
    const rig = startSlot({ transport: 'tcp', host: '127.0.0.1', port: tcp.port, paper: 58 });
    await eventually(() => rig.state() === 'ready:');
    expect(rig.readyCount()).toBe(1);

    printer.setState({ paperNearEnd: true });
    await eventually(() => rig.state() === 'ready:paperNearEnd');
    printer.setState({ paperOut: true });
    await eventually(() => rig.state() === 'error:paperOut');
    printer.setState({ paperOut: false, paperNearEnd: false, coverOpen: true });
    await eventually(() => rig.state() === 'error:coverOpen');
    printer.setState({ coverOpen: false, offline: true });
    await eventually(() => rig.state() === 'error:printerOffline');
    printer.setState({ offline: false });
    await eventually(() => rig.state() === 'ready:');
    expect(rig.readyCount()).toBe(2);

    printer.inject({ kind: 'garbage' });
    await eventually(() => rig.state() === 'error:protocolError');
    printer.clearFaults();
    printer.inject({ kind: 'silent' });
    await eventually(() => rig.state() === 'error:timeout');
    printer.clearFaults();
    await eventually(() => rig.state() === 'ready:');
    expect(rig.readyCount()).toBe(3);
  });

  it('a printer that goes away is not connected, and is found again on its port without a restart', async () => {
    const first = await tcpPrinter();
    const rig = startSlot({ transport: 'tcp', host: '127.0.0.1', port: first.tcp.port, paper: 58 });
    await eventually(() => rig.state() === 'ready:');
    await first.printer.close();
    await eventually(() => rig.state() === 'absent:notConnected');
    await expect(rig.slot.print(testPage({ paper: 58 }))).rejects.toMatchObject({ code: 'printer.unreachable' });

    const again = await tcpPrinter(first.tcp.port);
    await eventually(() => rig.state() === 'ready:', 10_000);
    const outcome = await rig.slot.print(testPage({ paper: 58, text: '又连上了' }));
    expect(outcome.bytes).toBeGreaterThan(100);
    expect(again.printer.text()).toContain('又连上了');
  });

  it('is busy while a job prints and ready after it', async () => {
    const { printer, tcp } = await tcpPrinter();
    const rig = startSlot({ transport: 'tcp', host: '127.0.0.1', port: tcp.port, paper: 58 });
    await eventually(() => rig.state() === 'ready:');
    const seen: string[] = [];
    const watch = setInterval(() => seen.push(rig.state()), 1);
    await rig.slot.print(testPage({ paper: 58 }));
    clearInterval(watch);
    expect(seen).toContain('busy:printing');
    expect(rig.state()).toBe('ready:');
    expect(printer.text()).toContain('打印测试页');
  });

  it('a serial printer on a real pty', async () => {
    const printer = new PrinterSimulator({ paper: 80 });
    const pty = await printer.listenPty();
    onCleanup(() => printer.close());
    const rig = startSlot({ transport: 'serial', serial: { path: pty.path, baudRate: 115200 }, paper: 80 });
    await eventually(() => rig.state() === 'ready:');
    await rig.slot.print(testPage({ paper: 80, text: '串口打印' }));
    expect(printer.text()).toContain('串口打印');
  });

  it('a USB device file that is not there is not connected; none configured says so', async () => {
    const rig = startSlot({ transport: 'usb-device-file', path: '/dev/usb/lp-not-here', paper: 80 });
    await eventually(() => rig.state() === 'absent:notConnected');
    const none = startSlot({ transport: 'none' });
    expect(none.state()).toBe('absent:notConfigured');
    expect(none.slot.configured).toBe(false);
    await expect(none.slot.print(testPage({ paper: 80 }))).rejects.toMatchObject({ code: 'printer.notConfigured' });
  });
});

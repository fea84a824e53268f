// The reader left on the counter (devices/idcard/presence.ts) over a real pty: a placed
// card is read once and told once; left lying, it is not read again; a new card is; a
// removal is told; an unreadable card is told so once and left alone; a reader that
// goes away ends the loop with device.gone.
import { describe, expect, it } from 'vitest';
import type { CardEvent } from '../../../../src-main/devices/idcard/presence.ts';
import { CardPresence } from '../../../../src-main/devices/idcard/presence.ts';
import type { EmulatorOptions } from '../../../../src-main/devices/idcard/simulator.ts';
import { ptyRig } from './rig.ts';

const INTERVAL = 40;

async function watch(emulator?: EmulatorOptions) {
  const rig = await ptyRig(emulator ? { emulator } : {});
  const events: CardEvent[] = [];
  const busy: boolean[] = [];
  const presence = new CardPresence(rig.reader, (event) => events.push(event), {
    intervalMs: INTERVAL,
    onBusy: (b) => busy.push(b),
  });
  const running = presence.run();
  running.catch(() => undefined);
  const until = async (what: () => boolean, ms = 3000) => {
    const end = performance.now() + ms;
    while (!what()) {
      if (performance.now() > end) throw new Error('timed out waiting');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const polls = (n: number) => new Promise((resolve) => setTimeout(resolve, n * (INTERVAL + 15)));
  return { ...rig, events, busy, presence, running, until, polls };
}

const kinds = (events: CardEvent[]) =>
  events.map((e) =>
    e.kind === 'placed'
      ? `placed:${e.card.identity.name}`
      : e.kind === 'unreadable'
        ? `unreadable:${e.error.code}`
        : e.kind,
  );

describe('card presence', () => {
  it('reads a placed card once, not again while it lies there, then tells its removal', async () => {
    const { emulator, events, busy, presence, running, until, polls } = await watch();
    await polls(3);
    expect(events).toEqual([]);
    emulator.place(1);
    await until(() => events.length === 1);
    expect(kinds(events)).toEqual(['placed:王建国']);
    await polls(8);
    expect(kinds(events)).toEqual(['placed:王建国']);
    expect(emulator.received.filter((c) => c === 'read')).toHaveLength(1);
    expect(busy).toEqual([true, false]);
    expect(presence.cardPresent).toBe(true);
    emulator.remove();
    await until(() => events.length === 2);
    expect(kinds(events)).toEqual(['placed:王建国', 'removed']);
    expect(presence.cardPresent).toBe(false);
    presence.stop();
    await running;
  });

  it('reads a new card put in place of the first, and a card put back after removal', async () => {
    const { emulator, events, presence, running, until } = await watch();
    emulator.place(2);
    await until(() => events.length === 1);
    emulator.place(6);
    await until(() => events.length === 2);
    emulator.remove();
    await until(() => events.length === 3);
    emulator.place(6);
    await until(() => events.length === 4);
    expect(kinds(events)).toEqual(['placed:李秀英', 'placed:陈嘉欣', 'removed', 'placed:陈嘉欣']);
    presence.stop();
    await running;
  });

  it('with a reader that gives no card serial, tells the same card once (read again, same key)', async () => {
    const { emulator, events, presence, running, until, polls } = await watch({ zeroSerial: true });
    emulator.place(3);
    await until(() => events.length === 1);
    await polls(6);
    expect(kinds(events)).toEqual(['placed:陈小明']);
    expect(emulator.received.filter((c) => c === 'read').length).toBeGreaterThan(1);
    presence.stop();
    await running;
  });

  it('an unreadable card is told once, left alone while it lies there, and read when placed again', async () => {
    const { emulator, events, presence, running, until, polls } = await watch();
    emulator.inject({ kind: 'status', command: 'read', status: 0x41, count: 3 });
    emulator.place(4);
    await until(() => events.length === 1);
    expect(kinds(events)).toEqual(['unreadable:idcard.readFailed']);
    const reads = emulator.received.filter((c) => c === 'read').length;
    await polls(5);
    expect(emulator.received.filter((c) => c === 'read')).toHaveLength(reads);
    emulator.remove();
    await until(() => events.length === 2);
    emulator.place(4);
    await until(() => events.length === 3);
    expect(kinds(events)).toEqual(['unreadable:idcard.readFailed', 'removed', 'placed:阿依古丽·买买提']);
    presence.stop();
    await running;
  });

  it('ends with device.gone when the reader goes away', async () => {
    const { emulator, running, until, events } = await watch();
    emulator.place(5);
    await until(() => events.length === 1);
    emulator.inject({ kind: 'unplug' });
    emulator.place(7); // a new card: its read is cut off
    await expect(running).rejects.toMatchObject({ code: 'device.gone' });
  });
});

// The outbox of a call's signals: one at a time and in order; a failure on the way holds
// the rest and tries again; a refusal drops that one signal and the rest go on.
import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../../src-renderer/api/client.ts';
import { isRetriable, SignalOutbox } from '../../src-renderer/calls/signal-outbox.ts';
import type { CallSignal } from '../../src-main/common/call-protocol.ts';

const source = (s: 'counter' | 'document' | 'both'): CallSignal => ({ type: 'source', source: s });

describe('the signal outbox', () => {
  it('sends in order, one at a time', async () => {
    const sent: CallSignal[] = [];
    let inFlight = 0;
    let most = 0;
    const outbox = new SignalOutbox({
      send: async (signal) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        sent.push(signal);
        inFlight -= 1;
      },
    });
    outbox.push(source('counter'));
    outbox.push(source('document'));
    outbox.push(source('both'));
    await outbox.drained();
    expect(sent).toEqual([source('counter'), source('document'), source('both')]);
    expect(most).toBe(1);
  });

  it('sends a signal pushed just as the last one went, whatever the microtask it lands in', async () => {
    for (let ticks = 0; ticks < 8; ticks++) {
      const sent: CallSignal[] = [];
      const outbox = new SignalOutbox({ send: async (signal) => void sent.push(signal) });
      outbox.push(source('document'));
      for (let i = 0; i < ticks; i++) await Promise.resolve();
      outbox.push(source('both'));
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(sent, `pushed ${ticks} microtasks later`).toEqual([source('document'), source('both')]);
    }
  });

  it('holds the rest while one fails on the way, and sends it again', async () => {
    const sent: CallSignal[] = [];
    const stalls: boolean[] = [];
    let failures = 2;
    const outbox = new SignalOutbox({
      retryMs: [1],
      onStalled: (stalled) => stalls.push(stalled),
      send: async (signal) => {
        if (failures-- > 0) throw new ApiCallError('transport.disconnected', 'link down');
        sent.push(signal);
      },
    });
    outbox.push(source('counter'));
    outbox.push(source('document'));
    await outbox.drained();
    expect(sent).toEqual([source('counter'), source('document')]);
    expect(stalls).toEqual([true, false]);
  });

  it('drops a signal the core refuses, and goes on', async () => {
    const sent: CallSignal[] = [];
    const dropped: CallSignal[] = [];
    const outbox = new SignalOutbox({
      onDropped: (signal) => dropped.push(signal),
      send: async (signal) => {
        if (signal.type === 'source' && signal.source === 'document') {
          throw new ApiCallError('request.invalidInput', 'bad', { fields: 'signal' });
        }
        sent.push(signal);
      },
    });
    for (const each of ['counter', 'document', 'both'] as const) outbox.push(source(each));
    await outbox.drained();
    expect(sent).toEqual([source('counter'), source('both')]);
    expect(dropped).toEqual([source('document')]);
  });

  it('tells what is worth sending again', () => {
    expect(isRetriable(new ApiCallError('transport.disconnected', ''))).toBe(true);
    expect(isRetriable(new ApiCallError('internal', ''))).toBe(true);
    expect(isRetriable(new ApiCallError('calls.ended', ''))).toBe(false);
    expect(isRetriable(new Error('a thrown error that is no answer'))).toBe(true);
  });

  it('sends nothing more once closed', async () => {
    const sent: CallSignal[] = [];
    const outbox = new SignalOutbox({ send: async (signal) => void sent.push(signal) });
    outbox.close();
    outbox.push(source('counter'));
    await outbox.drained();
    expect(sent).toEqual([]);
  });
});

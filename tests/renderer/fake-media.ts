// What jsdom lacks for a call: media tracks and streams (a minimal MediaStream is
// installed globally where there is none) and a stand-in for CallPeer that keeps what
// the controller asked of it and lets a spec play the line (connected, cut, failed,
// remote tracks, signals it sends).
import type { CallSignal } from '../../src-main/common/call-protocol.ts';
import type { CallPeerOptions, PeerState } from '../../src-renderer/calls/call-peer.ts';
import type { CallMedia } from '../../src-renderer/calls/call-media.ts';
import { CallController, type CallControllerOptions, type PeerPort } from '../../src-renderer/calls/call-controller.ts';

export class FakeTrack extends EventTarget {
  readyState: 'live' | 'ended' = 'live';
  contentHint = '';
  enabled = true;
  readonly id = crypto.randomUUID();
  constructor(
    readonly kind: 'audio' | 'video',
    readonly label: string,
    readonly settings: { width?: number; height?: number; deviceId?: string } = {},
  ) {
    super();
  }
  stop(): void {
    this.readyState = 'ended';
  }
  getSettings() {
    return this.settings;
  }
}

class FakeMediaStream {
  readonly #tracks: MediaStreamTrack[];
  readonly id = crypto.randomUUID();
  constructor(tracks: MediaStreamTrack[] = []) {
    this.#tracks = [...tracks];
  }
  getTracks() {
    return [...this.#tracks];
  }
  getVideoTracks() {
    return this.#tracks.filter((t) => t.kind === 'video');
  }
  getAudioTracks() {
    return this.#tracks.filter((t) => t.kind === 'audio');
  }
}

export function installMediaStream(): void {
  if (typeof globalThis.MediaStream === 'undefined') {
    (globalThis as { MediaStream?: unknown }).MediaStream = FakeMediaStream;
  }
}

export const track = (kind: 'audio' | 'video', label: string) =>
  new FakeTrack(kind, label) as unknown as MediaStreamTrack;

/** The media a call opens, with what is missing left out. */
export function fakeMedia(have: { counter?: boolean; document?: boolean; microphone?: boolean } = {}): CallMedia & {
  stopped: boolean;
} {
  const media = {
    counter: have.counter === false ? null : track('video', 'USB Camera'),
    document: have.document === false ? null : track('video', '高拍仪 S1000'),
    microphone: have.microphone === false ? null : track('audio', 'Microphone'),
    fault: have.counter === false ? ('noCamera' as const) : null,
    stopped: false,
    stop() {
      media.stopped = true;
      for (const each of [media.counter, media.document, media.microphone]) each?.stop();
    },
  };
  return media;
}

export class FakePeer implements PeerPort {
  readonly slots = new Map<'audio' | 'video' | 'second', MediaStreamTrack | null>();
  readonly received: CallSignal[] = [];
  closed = false;
  constructor(readonly options: CallPeerOptions) {}
  async setTrack(slot: 'audio' | 'video' | 'second', track: MediaStreamTrack | null): Promise<void> {
    this.slots.set(slot, track);
  }
  async receive(signal: CallSignal): Promise<void> {
    this.received.push(signal);
  }
  close(): void {
    this.closed = true;
  }
  state(state: PeerState): void {
    this.options.onState(state);
  }
  send(signal: CallSignal): void {
    this.options.send(signal);
  }
}

/** A CallController on `api` with `media` for its cameras and FakePeers (kept in `peers`) for its peer. */
export function fakeController(
  api: CallControllerOptions['api'],
  media: CallMedia,
  more: Partial<CallControllerOptions> = {},
): { controller: CallController; peers: FakePeer[] } {
  const peers: FakePeer[] = [];
  const controller = new CallController({
    api,
    openMedia: async () => media,
    createPeer: (options) => {
      const peer = new FakePeer(options);
      peers.push(peer);
      return peer;
    },
    ...more,
  });
  return { controller, peers };
}

// One end of a 视频会商 call: an RTCPeerConnection with the signalling, the line's
// adaptation and the recovery from cuts that both ends need alike. The window's renderer
// and the approver's call page (dept-inbox, bundled from this very file) each run one;
// the signals travel through the department inbox (common/call-protocol.ts).
//
// - Negotiation is "perfect negotiation" (W3C WebRTC §10.6): either side may add a
//   track or restart ICE at any time; the polite side (the window) yields on a collision.
// - Every STATS_MS the line is measured and the video senders capped by
//   common/call-quality.ts; audio is sent with high priority and never capped.
// - A cut (ICE disconnected for CUT_GRACE_MS, or failed) is reported once, ICE is
//   restarted every RESTART_EVERY_MS until the media flow again (then the gap is
//   reported), and after CALL_RECONNECT_MS the peer gives up (`failed`).
// Imports common/ only, so the approver's page can take it without the rest of the app.
import { CALL_RECONNECT_MS, type CallSignal, type IceServer } from '../../src-main/common/call-protocol.ts';
import {
  INITIAL_BUDGET,
  nextBudget,
  type CallQuality,
  type LineSample,
  type VideoBudget,
} from '../../src-main/common/call-quality.ts';

export const STATS_MS = 2000;
/** A disconnection this short is often over by itself (a Wi-Fi hiccup): no restart yet. */
export const CUT_GRACE_MS = 2000;
export const RESTART_EVERY_MS = 5000;
/** The longest side of a picture sent: 1920 (1080p) reads a page well enough live. */
export const MAX_SENT_PIXELS = 1920;
/** How long the polite side waits for the other side's first offer before it offers itself. */
export const FIRST_OFFER_WAIT_MS = 3000;

export type PeerState = 'connecting' | 'connected' | 'interrupted' | 'failed' | 'closed';

export interface CallPeerOptions {
  /** The window is polite: on an offer collision it rolls back and takes the other side's. */
  polite: boolean;
  iceServers: readonly IceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  /** Hands a signal to the inbox (the caller queues and retries). */
  send: (signal: CallSignal) => void;
  /** The other side's tracks as they stand now (audio and up to two videos). */
  onRemoteTracks: (tracks: readonly MediaStreamTrack[]) => void;
  onState: (state: PeerState) => void;
  /** The line, measured every STATS_MS, and the video budget taken from it. */
  onQuality?: (quality: CallQuality, budget: VideoBudget, sample: LineSample) => void;
  /** Media stopped at `atMs` (wall clock). */
  onInterrupted?: (atMs: number) => void;
  /** Media flow again: the gap's both ends (wall clock). */
  onRestored?: (fromMs: number, toMs: number) => void;
  /** ICE could not reach a STUN/TURN server (RTCPeerConnectionIceErrorEvent). */
  onIceServerError?: (url: string, code: number, text: string) => void;
  now?: () => number;
  /** Overrides for tests. */
  timing?: { statsMs?: number; cutGraceMs?: number; restartEveryMs?: number; giveUpMs?: number };
}

export class CallPeer {
  readonly pc: RTCPeerConnection;
  readonly #o: CallPeerOptions;
  readonly #now: () => number;
  readonly #timing: { statsMs: number; cutGraceMs: number; restartEveryMs: number; giveUpMs: number };
  #makingOffer = false;
  /** The polite side's first offer waits for the other side's (see #offer). */
  #firstOfferTimer: ReturnType<typeof setTimeout> | undefined;
  #mayOfferFirst: boolean;
  #ignoreOffer = false;
  #state: PeerState = 'connecting';
  #cutAt: number | null = null;
  #cutTimer: ReturnType<typeof setTimeout> | undefined;
  /** Gives up a call whose media never flowed (no TURN server reachable, say). */
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #restartTimer: ReturnType<typeof setInterval> | undefined;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #budget: VideoBudget = INITIAL_BUDGET;
  #counters = new Map<string, { lost: number; received: number }>();
  readonly #remote = new Set<MediaStreamTrack>();
  /** Senders by slot: audio, the main video, and a second video (the document camera beside the counter's). */
  readonly #senders = new Map<'audio' | 'video' | 'second', RTCRtpSender>();
  readonly #streams = new Map<'audio' | 'video' | 'second', MediaStream>();

  constructor(options: CallPeerOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#timing = {
      statsMs: options.timing?.statsMs ?? STATS_MS,
      cutGraceMs: options.timing?.cutGraceMs ?? CUT_GRACE_MS,
      restartEveryMs: options.timing?.restartEveryMs ?? RESTART_EVERY_MS,
      giveUpMs: options.timing?.giveUpMs ?? CALL_RECONNECT_MS,
    };
    this.pc = new RTCPeerConnection({
      iceServers: options.iceServers.map((server) => ({ ...server })),
      iceTransportPolicy: options.iceTransportPolicy,
    });
    this.pc.addEventListener('negotiationneeded', () => void this.#offer());
    this.pc.addEventListener('icecandidate', ({ candidate }) =>
      this.#o.send({
        type: 'candidate',
        candidate: candidate
          ? {
              candidate: candidate.candidate,
              sdpMid: candidate.sdpMid,
              sdpMLineIndex: candidate.sdpMLineIndex,
              usernameFragment: candidate.usernameFragment,
            }
          : null,
      }),
    );
    this.pc.addEventListener('icecandidateerror', (event) => {
      const error = event as RTCPeerConnectionIceErrorEvent;
      this.#o.onIceServerError?.(error.url, error.errorCode, error.errorText);
    });
    this.pc.addEventListener('track', ({ track }) => {
      this.#remote.add(track);
      track.addEventListener('ended', () => {
        this.#remote.delete(track);
        this.#o.onRemoteTracks([...this.#remote]);
      });
      this.#o.onRemoteTracks([...this.#remote]);
    });
    this.pc.addEventListener('iceconnectionstatechange', () => this.#iceChanged());
    this.#statsTimer = setInterval(() => void this.#measure(), this.#timing.statsMs);
    // ICE stays `new` or `checking` when no candidate pair can ever form (relay only and
    // the TURN server unreachable): without this the call would say 连接中 for ever.
    this.#connectTimer = setTimeout(() => {
      if (this.#state === 'connecting') this.#setState('failed');
    }, this.#timing.giveUpMs);
    this.#mayOfferFirst = !options.polite;
    if (options.polite) {
      this.#firstOfferTimer = setTimeout(() => {
        this.#mayOfferFirst = true;
        if (this.pc.remoteDescription === null && this.#senders.size > 0) void this.#offer();
      }, FIRST_OFFER_WAIT_MS);
    }
  }

  get state(): PeerState {
    return this.#state;
  }

  /**
   * Sends `track` in a slot, or stops sending in it (null). A slot's first track adds it
   * (and the connection renegotiates); later ones replace it without renegotiating.
   */
  async setTrack(slot: 'audio' | 'video' | 'second', track: MediaStreamTrack | null): Promise<void> {
    const sender = this.#senders.get(slot);
    if (sender) {
      await sender.replaceTrack(track);
      if (track && slot !== 'audio') await this.#applyBudget(sender, track);
      return;
    }
    if (!track) return;
    const stream = new MediaStream([track]);
    this.#streams.set(slot, stream);
    const added = this.pc.addTrack(track, stream);
    this.#senders.set(slot, added);
    if (slot === 'audio') await this.#prioritise(added);
    else await this.#applyBudget(added, track);
  }

  /** A signal from the other side: descriptions and candidates; the rest is the caller's. */
  async receive(signal: CallSignal): Promise<void> {
    if (signal.type === 'candidate') {
      if (!signal.candidate) return;
      try {
        await this.pc.addIceCandidate(signal.candidate);
      } catch (error) {
        // A candidate of an offer this side ignored is expected to fail.
        if (!this.#ignoreOffer) throw error;
      }
      return;
    }
    if (signal.type !== 'description') return;
    const { description } = signal;
    const collision = description.type === 'offer' && (this.#makingOffer || this.pc.signalingState !== 'stable');
    this.#ignoreOffer = !this.#o.polite && collision;
    if (this.#ignoreOffer) return;
    await this.pc.setRemoteDescription(description);
    if (description.type === 'offer') {
      await this.pc.setLocalDescription();
      this.#sendDescription();
    }
  }

  close(): void {
    clearTimeout(this.#firstOfferTimer);
    clearTimeout(this.#connectTimer);
    clearTimeout(this.#cutTimer);
    clearInterval(this.#restartTimer);
    clearInterval(this.#statsTimer);
    this.pc.close();
    this.#setState('closed');
  }

  async #offer(): Promise<void> {
    // Both sides add their tracks at once when a call is answered, so both offer at once,
    // and the polite side rolls its first offer back. Chromium (156) then never gathers
    // candidates on that side again (found by tests/e2e/call-peer.spec.ts): so the polite
    // side answers the other's first offer instead (its tracks go in the answer), and
    // offers first only when none came within FIRST_OFFER_WAIT_MS.
    if (!this.#mayOfferFirst && this.pc.remoteDescription === null) return;
    try {
      this.#makingOffer = true;
      await this.pc.setLocalDescription();
      this.#sendDescription();
    } catch {
      // A collision resolved the other way, or the peer closed: the next negotiation goes on.
    } finally {
      this.#makingOffer = false;
    }
  }

  #sendDescription(): void {
    const local = this.pc.localDescription;
    if (!local || (local.type !== 'offer' && local.type !== 'answer')) return;
    this.#o.send({ type: 'description', description: { type: local.type, sdp: local.sdp } });
  }

  #iceChanged(): void {
    const ice = this.pc.iceConnectionState;
    if (this.#state === 'closed' || this.#state === 'failed') return;
    if (ice === 'connected' || ice === 'completed') {
      clearTimeout(this.#connectTimer);
      clearTimeout(this.#cutTimer);
      clearInterval(this.#restartTimer);
      this.#restartTimer = undefined;
      if (this.#cutAt !== null) this.#o.onRestored?.(this.#cutAt, this.#now());
      this.#cutAt = null;
      this.#setState('connected');
      return;
    }
    if (ice === 'failed') return this.#cut(this.#now());
    if (ice === 'disconnected' && this.#state === 'connected') {
      const at = this.#now();
      clearTimeout(this.#cutTimer);
      this.#cutTimer = setTimeout(() => this.#cut(at), this.#timing.cutGraceMs);
    }
  }

  /** Media stopped: report it once, restart ICE now and again until back or given up. */
  #cut(at: number): void {
    if (this.#cutAt === null) {
      this.#cutAt = at;
      this.#o.onInterrupted?.(at);
      this.#setState('interrupted');
    }
    if (this.#restartTimer !== undefined) return;
    // Both sides see the cut: the impolite one restarts at once, the polite one only if no
    // restart came from the other side by its first round (two restarts at once collide,
    // and Chromium gathers nothing more on the side whose offer is rolled back).
    if (!this.#o.polite) this.pc.restartIce();
    this.#restartTimer = setInterval(() => {
      if (this.#cutAt !== null && this.#now() - this.#cutAt >= this.#timing.giveUpMs) {
        clearInterval(this.#restartTimer);
        this.#setState('failed');
        return;
      }
      this.pc.restartIce();
    }, this.#timing.restartEveryMs);
  }

  #setState(state: PeerState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#o.onState(state);
  }

  async #measure(): Promise<void> {
    if (this.#state !== 'connected') return;
    let report: RTCStatsReport;
    try {
      report = await this.pc.getStats();
    } catch {
      return;
    }
    const sample = this.#sample(report);
    this.#budget = nextBudget(this.#budget, sample);
    for (const slot of ['video', 'second'] as const) {
      const sender = this.#senders.get(slot);
      if (sender?.track) await this.#applyBudget(sender);
    }
    this.#o.onQuality?.(this.#budget.quality, this.#budget, sample);
  }

  #sample(report: RTCStatsReport): LineSample {
    let rttMs: number | null = null;
    let availableBps: number | null = null;
    let lost = 0;
    let received = 0;
    let remoteLoss = 0;
    // The pair in use is the transport's selected one: after an ICE restart the pairs of
    // the old generation stay in the report, nominated and succeeded, with their last
    // (stale) figures, and a stale low estimate would keep video paused for good.
    let selected: unknown;
    report.forEach((stat: Record<string, unknown>) => {
      if (stat['type'] === 'transport' && typeof stat['selectedCandidatePairId'] === 'string')
        selected = stat['selectedCandidatePairId'];
    });
    report.forEach((stat: Record<string, unknown>) => {
      const inUse =
        selected === undefined ? stat['nominated'] === true && stat['state'] === 'succeeded' : stat['id'] === selected;
      if (stat['type'] === 'candidate-pair' && inUse) {
        if (typeof stat['currentRoundTripTime'] === 'number') rttMs = stat['currentRoundTripTime'] * 1000;
        if (typeof stat['availableOutgoingBitrate'] === 'number') availableBps = stat['availableOutgoingBitrate'];
      }
      if (stat['type'] === 'inbound-rtp' && typeof stat['id'] === 'string') {
        const now = { lost: Number(stat['packetsLost'] ?? 0), received: Number(stat['packetsReceived'] ?? 0) };
        const before = this.#counters.get(stat['id']) ?? { lost: 0, received: 0 };
        this.#counters.set(stat['id'], now);
        lost += Math.max(0, now.lost - before.lost);
        received += Math.max(0, now.received - before.received);
      }
      // While video is paused its last report stays as it was (no packets, no reports):
      // only audio's tells how the line is now.
      const paused = this.#budget.videoBps === 0 && stat['kind'] === 'video';
      if (stat['type'] === 'remote-inbound-rtp' && typeof stat['fractionLost'] === 'number' && !paused) {
        remoteLoss = Math.max(remoteLoss, stat['fractionLost']);
      }
    });
    const inboundLoss = lost + received > 0 ? lost / (lost + received) : 0;
    return { rttMs, availableBps, loss: Math.max(inboundLoss, remoteLoss) };
  }

  /**
   * Caps a video sender to the budget, and to at most MAX_SENT_PIXELS across: a 高拍仪 opens
   * at up to 4K for its stills, which a call needs not carry (and a 4K key frame may never
   * fit a narrow line); the still itself is taken from the camera at full size.
   */
  async #applyBudget(sender: RTCRtpSender, track: MediaStreamTrack | null = sender.track): Promise<void> {
    const parameters = sender.getParameters();
    const encoding = parameters.encodings[0];
    if (!encoding) return;
    const active = this.#budget.videoBps > 0;
    const { width = 0, height = 0 } = track?.getSettings() ?? {};
    const scale = Math.max(1, Math.max(width, height) / MAX_SENT_PIXELS);
    if (
      encoding.active === active &&
      (encoding.scaleResolutionDownBy ?? 1) === scale &&
      (!active || encoding.maxBitrate === this.#budget.videoBps)
    )
      return;
    encoding.active = active;
    encoding.scaleResolutionDownBy = scale;
    if (active) encoding.maxBitrate = this.#budget.videoBps;
    await sender.setParameters(parameters).catch(() => undefined);
  }

  async #prioritise(sender: RTCRtpSender): Promise<void> {
    const parameters = sender.getParameters();
    const encoding = parameters.encodings[0];
    if (!encoding) return;
    encoding.priority = 'high';
    encoding.networkPriority = 'high';
    await sender.setParameters(parameters).catch(() => undefined);
  }
}

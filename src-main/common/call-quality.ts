// How a call adapts to its line: from what the peer connection measures (round trip,
// loss, the bandwidth estimate) to the quality shown in the call's indicator and the
// video bitrate each side allows itself. Audio comes first: when the line cannot carry
// both, video is paused and audio goes on; video comes back only once the line has
// room again for a while (hysteresis, so it does not flap). Pure: both ends of a call
// (the window's renderer and the approver's call page) run it on their own samples.

export type CallQuality = 'good' | 'fair' | 'poor';

/** One measurement, taken every couple of seconds from RTCPeerConnection.getStats(). */
export interface LineSample {
  /** The selected candidate pair's current round trip, in ms; null before it is known. */
  rttMs: number | null;
  /** Fraction of packets lost since the last sample, the worse of both directions (0–1). */
  loss: number;
  /** The sender's bandwidth estimate in bits/s (`availableOutgoingBitrate`); null when not given. */
  availableBps: number | null;
}

export interface VideoBudget {
  quality: CallQuality;
  /** The video sender's cap in bits/s; 0 pauses video (audio only). */
  videoBps: number;
  /** Samples in a row the line has had room for video again (resumes after RESUME_SAMPLES). */
  roomy: number;
}

/** The most a 720p call sends: more buys nothing a consultation needs. */
export const VIDEO_CEILING_BPS = 1_500_000;
/** What Opus needs for speech, kept out of the video's share. */
export const AUDIO_RESERVE_BPS = 48_000;
/** Below this, video is paused: a frozen 80 kbps picture is worth less than clear speech. */
export const VIDEO_FLOOR_BPS = 120_000;
/**
 * Video resumes once this much is available for RESUME_SAMPLES samples in a row. While video
 * is paused only audio flows, and the sender's estimate does not climb much above what it
 * carries (~300 kbit/s, often less after a cut): a higher bar would keep video paused for
 * good (seen in tests/e2e/call-peer.spec.ts). It restarts at the floor and grows from there.
 */
export const VIDEO_RESUME_BPS = 200_000;
export const RESUME_SAMPLES = 3;

export const INITIAL_BUDGET: VideoBudget = { quality: 'good', videoBps: VIDEO_CEILING_BPS, roomy: 0 };

export function qualityOf(sample: LineSample): CallQuality {
  const rtt = sample.rttMs ?? 0;
  const narrow = sample.availableBps !== null && sample.availableBps < VIDEO_FLOOR_BPS + AUDIO_RESERVE_BPS;
  if (sample.loss > 0.1 || rtt > 600 || narrow) return 'poor';
  if (sample.loss > 0.02 || rtt > 250) return 'fair';
  return 'good';
}

/**
 * The next budget from the last one and a new sample. On a clean line the cap is the
 * ceiling: the browser's own congestion control moves the bitrate beneath it, and a cap
 * at its estimate would keep the estimate from ever growing. Heavy loss brings the cap
 * down to what the estimate leaves after speech; too little for that pauses video.
 */
export function nextBudget(last: VideoBudget, sample: LineSample): VideoBudget {
  const quality = qualityOf(sample);
  // Without an estimate, the cap follows loss alone: halve on heavy loss, else the ceiling.
  const available = sample.availableBps ?? (sample.loss > 0.1 ? last.videoBps / 2 : VIDEO_CEILING_BPS);
  const share = Math.min(VIDEO_CEILING_BPS, Math.floor(available * 0.85 - AUDIO_RESERVE_BPS));
  if (last.videoBps === 0) {
    // Paused: resume only after the line has had room for a while.
    const roomy = available >= VIDEO_RESUME_BPS && sample.loss <= 0.05 ? last.roomy + 1 : 0;
    if (roomy < RESUME_SAMPLES) return { quality, videoBps: 0, roomy };
    return { quality, videoBps: Math.max(VIDEO_FLOOR_BPS, share), roomy: 0 };
  }
  if (share < VIDEO_FLOOR_BPS || sample.loss > 0.25) return { quality, videoBps: 0, roomy: 0 };
  if (sample.loss > 0.1) return { quality, videoBps: share, roomy: 0 };
  return { quality, videoBps: VIDEO_CEILING_BPS, roomy: 0 };
}

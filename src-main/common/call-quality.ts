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
  /** Clean samples in a row since video was paused (it resumes after RESUME_SAMPLES). */
  roomy: number;
}

/** The most a 720p call sends: more buys nothing a consultation needs. */
export const VIDEO_CEILING_BPS = 1_500_000;
/** What Opus needs for speech, kept out of the video's share. */
export const AUDIO_RESERVE_BPS = 48_000;
/** The least video is capped to under loss: a frozen 80 kbps picture is worth less than clear speech. */
export const VIDEO_FLOOR_BPS = 120_000;
/** Loss above this, or a round trip above PAUSE_RTT_MS, pauses video: the line cannot carry it beside speech. */
export const PAUSE_LOSS = 0.25;
export const PAUSE_RTT_MS = 1000;
/** Clean samples (loss ≤ 5 %, round trip under 400 ms) in a row before paused video resumes. */
export const RESUME_SAMPLES = 3;

export const INITIAL_BUDGET: VideoBudget = { quality: 'good', videoBps: VIDEO_CEILING_BPS, roomy: 0 };

/**
 * The indicator's reading, from loss and round trip: the signs of a line in trouble. The
 * sender's estimate is no such sign: it stays low while little is sent (a paused video, the
 * first seconds of a call), on a line with room to spare.
 */
export function qualityOf(sample: LineSample): CallQuality {
  const rtt = sample.rttMs ?? 0;
  if (sample.loss > 0.1 || rtt > 600) return 'poor';
  if (sample.loss > 0.02 || rtt > 250) return 'fair';
  return 'good';
}

/**
 * The next budget from the last one and a new sample. On a clean line the cap is the
 * ceiling: the browser's own congestion control moves the bitrate beneath it (a cap at
 * its estimate would keep the estimate from ever growing). Heavy loss brings the cap down
 * to what the estimate leaves after speech; a line losing a quarter of its packets, or a
 * second behind, pauses video, and it comes back after a few clean samples.
 */
export function nextBudget(last: VideoBudget, sample: LineSample): VideoBudget {
  const quality = qualityOf(sample);
  const rtt = sample.rttMs ?? 0;
  if (last.videoBps === 0) {
    const roomy = sample.loss <= 0.05 && rtt < 400 ? last.roomy + 1 : 0;
    if (roomy < RESUME_SAMPLES) return { quality, videoBps: 0, roomy };
    return { quality, videoBps: VIDEO_CEILING_BPS, roomy: 0 };
  }
  if (sample.loss > PAUSE_LOSS || rtt > PAUSE_RTT_MS) return { quality, videoBps: 0, roomy: 0 };
  if (sample.loss > 0.1) {
    // Without an estimate, halve what was allowed.
    const available = sample.availableBps ?? (last.videoBps + AUDIO_RESERVE_BPS) / 0.85 / 2;
    const share = Math.floor(available * 0.85 - AUDIO_RESERVE_BPS);
    return { quality, videoBps: Math.min(VIDEO_CEILING_BPS, Math.max(VIDEO_FLOOR_BPS, share)), roomy: 0 };
  }
  return { quality, videoBps: VIDEO_CEILING_BPS, roomy: 0 };
}

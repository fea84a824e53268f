// The counter camera (窗口摄像头) and the microphone as the browser sees them: a video input
// facing the applicant, chosen among the PC's cameras and remembered on this window's PC
// (by label, as the document camera's is), opened with the default microphone at a size
// that records well on a hall PC. The document camera is passed over when choosing.
import { cameraFault, rememberCameraLabel, rememberedCameraLabel } from '../camera-choice.ts';
import { rememberedLabel as rememberedDocumentCamera } from '../doccam/camera.ts';

const REMEMBERED = 'tongban.countercam.camera';
export const IDEAL_WIDTH = 1280;
export const IDEAL_HEIGHT = 720;
const FRAME_RATE = 15;

/** The recorder formats in order of preference: each segment is a WebM file of its own. */
export const MIME_PREFERENCE = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm'] as const;

/** Why the counter camera is not recording; an i18n key under `intake.recording.faults`. */
export type CounterCameraFault = 'noCamera' | 'denied' | 'busy' | 'ended' | 'recorder' | 'failed';

export function rememberedCounterCamera(storage?: Pick<Storage, 'getItem'>): string | null {
  return rememberedCameraLabel(REMEMBERED, storage);
}

export function rememberCounterCamera(label: string, storage?: Pick<Storage, 'setItem'>): void {
  rememberCameraLabel(REMEMBERED, label, storage);
}

/**
 * The camera to record: the remembered one when present; else one that is not the
 * document camera (neither the one it remembers nor a 高拍仪-looking one); else the first.
 */
export function chooseCounterCamera(
  cameras: readonly MediaDeviceInfo[],
  remembered: string | null,
  documentCamera: string | null = rememberedDocumentCamera(),
): MediaDeviceInfo | undefined {
  const isDocumentCamera = (c: MediaDeviceInfo) =>
    (documentCamera !== null && c.label === documentCamera) ||
    /高拍|document|doc ?cam|visualizer|scanner/i.test(c.label);
  return (
    cameras.find((c) => remembered !== null && c.label === remembered) ??
    cameras.find((c) => !isDocumentCamera(c)) ??
    cameras[0]
  );
}

/** The first recorder format the platform supports, or undefined when it records none. */
export function chooseMimeType(
  isTypeSupported: (type: string) => boolean = (type) =>
    typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(type),
): string | undefined {
  return MIME_PREFERENCE.find((type) => isTypeSupported(type));
}

/** Camera and microphone; without a microphone (none, or refused) the camera alone. */
export async function openCounterCamera(deviceId: string | undefined): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw Object.assign(new Error('no mediaDevices'), { name: 'NotFoundError' });
  }
  const video: MediaTrackConstraints = {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    width: { ideal: IDEAL_WIDTH },
    height: { ideal: IDEAL_HEIGHT },
    frameRate: { ideal: FRAME_RATE },
  };
  try {
    return await navigator.mediaDevices.getUserMedia({ video, audio: true });
  } catch (error) {
    const name = (error as { name?: string } | null)?.name;
    // The camera alone still records the counter; the missing sound shows as no audio track.
    if (name === 'NotFoundError' || name === 'NotReadableError') {
      return navigator.mediaDevices.getUserMedia({ video, audio: false });
    }
    throw error;
  }
}

/** getUserMedia's DOMException names, as the fault the clerk is told of (as for the 高拍仪). */
export const counterCameraFault: (error: unknown) => CounterCameraFault = cameraFault;

/** The gap's reason in the session's log (common/recording.ts GAP_REASONS). */
export function gapReasonOf(
  fault: CounterCameraFault,
): 'noCamera' | 'permissionDenied' | 'cameraEnded' | 'recorderError' {
  if (fault === 'noCamera') return 'noCamera';
  if (fault === 'denied') return 'permissionDenied';
  if (fault === 'ended') return 'cameraEnded';
  return 'recorderError';
}

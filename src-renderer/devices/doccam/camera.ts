// The document camera (高拍仪) as the browser sees it: a UVC video input opened at the highest
// resolution it grants, the one chosen remembered on this window's PC (by label: device ids
// change between browser profiles), stills at full resolution, and the faults named.
import type { RgbaImage } from '../../../src-main/devices/doccam/image.ts';

const REMEMBERED = 'tongban.doccam.camera';
/** Asked as `ideal`: a camera grants its largest mode up to this. */
export const IDEAL_WIDTH = 3840;
export const IDEAL_HEIGHT = 2160;
/** ImageCapture.takePhoto may reconfigure a camera; past this the frame on screen is taken. */
const PHOTO_TIMEOUT_MS = 3000;

export type CameraFault = 'noCamera' | 'denied' | 'busy' | 'failed';

export function rememberedLabel(
  storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage,
): string | null {
  try {
    return storage?.getItem(REMEMBERED) ?? null;
  } catch {
    return null;
  }
}

export function rememberLabel(
  label: string,
  storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage,
): void {
  try {
    storage?.setItem(REMEMBERED, label);
  } catch {
    // private mode or full: the choice is simply not remembered
  }
}

/** The video input to open: the remembered one when present, else a 高拍仪-looking one, else the first. */
export function chooseCamera(
  cameras: readonly MediaDeviceInfo[],
  remembered: string | null,
): MediaDeviceInfo | undefined {
  return (
    cameras.find((c) => remembered !== null && c.label === remembered) ??
    cameras.find((c) => /高拍|document|doc ?cam|visualizer|scanner/i.test(c.label)) ??
    cameras[0]
  );
}

export async function videoInputs(): Promise<MediaDeviceInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
}

export async function openCamera(deviceId: string | undefined): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia)
    throw Object.assign(new Error('no mediaDevices'), { name: 'NotFoundError' });
  return navigator.mediaDevices.getUserMedia({
    audio: false,
    // resizeMode 'none': one of the camera's own modes, whole. By default Chromium crops and
    // scales to come near the ideal: a 4:3 camera (3264×2448) was granted 3264×2160, the
    // top and bottom of its picture cut off — and with them the ends of a portrait page.
    // (Not in TypeScript's DOM types yet.)
    video: {
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
      width: { ideal: IDEAL_WIDTH },
      height: { ideal: IDEAL_HEIGHT },
      resizeMode: 'none',
    } as MediaTrackConstraints,
  });
}

/** getUserMedia's DOMException names, as the fault the clerk is told of. */
export function cameraFault(error: unknown): CameraFault {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'noCamera';
  if (name === 'NotReadableError' || name === 'AbortError') return 'busy';
  return 'failed';
}

interface ImageCaptureLike {
  takePhoto(): Promise<Blob>;
}

/**
 * A still at the camera's full resolution: ImageCapture.takePhoto where the browser has it
 * (a camera may shoot stills larger than its video), else the video frame. As a bitmap:
 * its pixels are read in the detection worker, not on this thread (reading 8 megapixels
 * here took about a second of the shutter's time).
 */
export async function takeStill(video: HTMLVideoElement, track: MediaStreamTrack | undefined): Promise<ImageBitmap> {
  const ImageCaptureCtor = (globalThis as { ImageCapture?: new (track: MediaStreamTrack) => ImageCaptureLike })
    .ImageCapture;
  if (ImageCaptureCtor && track && track.readyState === 'live') {
    try {
      const photo = await withTimeout(new ImageCaptureCtor(track).takePhoto(), PHOTO_TIMEOUT_MS);
      return await createImageBitmap(photo);
    } catch {
      // fall through to the frame on screen
    }
  }
  return createImageBitmap(video);
}

/** A picture's pixels, scaled to width × height. */
export function pixelsOf(source: CanvasImageSource, width: number, height: number): RgbaImage {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(source, 0, 0, width, height);
  const { data } = context.getImageData(0, 0, width, height);
  return { width, height, data };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

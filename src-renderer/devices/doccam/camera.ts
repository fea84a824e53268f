// The document camera (高拍仪) as the browser sees it: a UVC video input opened at the highest
// resolution it grants, the one chosen remembered on this window's PC (by label: device ids
// change between browser profiles), stills at full resolution, and the faults named.
import type { RgbaImage } from '../../../src-main/devices/doccam/image.ts';
import { rememberCameraLabel, rememberedCameraLabel } from '../camera-choice.ts';
import { fitWithin, type Size } from './geometry.ts';
import type { StillSource } from './protocol.ts';

const REMEMBERED = 'tongban.doccam.camera';
/** Asked as `ideal`: a camera grants its largest mode up to this. */
export const IDEAL_WIDTH = 3840;
export const IDEAL_HEIGHT = 2160;
/** ImageCapture.takePhoto may reconfigure a camera; past this the frame on screen is taken. */
const PHOTO_TIMEOUT_MS = 3000;

export { cameraFault, type CameraFault } from '../camera-choice.ts';

export function rememberedLabel(storage?: Pick<Storage, 'getItem'>): string | null {
  return rememberedCameraLabel(REMEMBERED, storage);
}

export function rememberLabel(label: string, storage?: Pick<Storage, 'setItem'>): void {
  rememberCameraLabel(REMEMBERED, label, storage);
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

interface ImageCaptureLike {
  takePhoto(): Promise<Blob>;
  getPhotoCapabilities(): Promise<{ imageWidth?: { max?: number } }>;
}

type ImageCaptureCtor = new (track: MediaStreamTrack) => ImageCaptureLike;

const imageCapture = () => (globalThis as { ImageCapture?: ImageCaptureCtor }).ImageCapture;

/**
 * A still at the camera's full resolution. The frame on screen is already the camera's
 * largest video mode (openCamera), so it is the still — taken at once, as a VideoFrame that
 * moves to the detection worker without a copy. Only a camera whose photos are larger than
 * its video (a separate still pin) is asked for a photo (ImageCapture.takePhoto): that
 * takes seconds, the photo being encoded and decoded again.
 */
export async function takeStill(video: HTMLVideoElement, track: MediaStreamTrack | undefined): Promise<StillSource> {
  const ImageCapture = imageCapture();
  if (ImageCapture && track?.readyState === 'live' && (await photoWidth(track)) > video.videoWidth) {
    try {
      return await withTimeout(new ImageCapture(track).takePhoto(), PHOTO_TIMEOUT_MS);
    } catch {
      // fall through to the frame on screen
    }
  }
  if (typeof VideoFrame === 'function') {
    try {
      return new VideoFrame(video);
    } catch {
      // no frame to wrap yet: a bitmap says so clearly or takes it
    }
  }
  return createImageBitmap(video);
}

const photoWidths = new WeakMap<MediaStreamTrack, Promise<number>>();

/**
 * The width of the camera's largest photo (0: unknown), asked once per opened camera; call
 * it when the camera opens so the first shutter does not wait for the answer.
 */
export function photoWidth(track: MediaStreamTrack): Promise<number> {
  let width = photoWidths.get(track);
  if (!width) {
    const ImageCapture = imageCapture();
    width = ImageCapture
      ? withTimeout(new ImageCapture(track).getPhotoCapabilities(), PHOTO_TIMEOUT_MS).then(
          (capabilities) => capabilities.imageWidth?.max ?? 0,
          () => 0,
        )
      : Promise.resolve(0);
    photoWidths.set(track, width);
  }
  return width;
}

/**
 * The live frame scaled so its long side is `longSide` (for the detector), and a copy of
 * that scaled to `tinySide` (for stillness): the video is drawn once.
 */
export function liveFrame(
  video: HTMLVideoElement,
  longSide: number,
  tinySide: number,
): { small: RgbaImage; tiny: RgbaImage } {
  const full = { width: video.videoWidth, height: video.videoHeight };
  const smallCanvas = drawn(video, fitWithin(full, longSide));
  const small = pixelsIn(smallCanvas);
  const tiny = pixelsIn(drawn(smallCanvas, fitWithin(full, tinySide)));
  return { small, tiny };
}

function drawn(source: CanvasImageSource, size: Size): OffscreenCanvas {
  const canvas = new OffscreenCanvas(size.width, size.height);
  canvas.getContext('2d', { willReadFrequently: true })!.drawImage(source, 0, 0, size.width, size.height);
  return canvas;
}

function pixelsIn(canvas: OffscreenCanvas): RgbaImage {
  const { width, height } = canvas;
  return {
    width,
    height,
    data: canvas.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, width, height).data,
  };
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

// The window's media for a 视频会商 call: the counter camera and the microphone opened as
// the session recording opens them (devices/countercam), and the document camera (高拍仪)
// at its highest resolution as the capture panel opens it (devices/doccam), marked as
// detail so the encoder keeps text sharp rather than motion smooth. A camera or a
// microphone that is not there is simply missing (the call goes on without it); the
// fault is kept for the panel's message. And the still an approver asks for: the
// document camera's full-resolution frame as a JPEG.
import { chooseCounterCamera, openCounterCamera, rememberedCounterCamera } from '../devices/countercam/camera.ts';
import { cameraFault, type CameraFault } from '../devices/camera-choice.ts';
import { chooseCamera, openCamera, rememberedLabel } from '../devices/doccam/camera.ts';

export interface CallMedia {
  counter: MediaStreamTrack | null;
  document: MediaStreamTrack | null;
  microphone: MediaStreamTrack | null;
  /** Why the counter camera (or the microphone with it) could not be opened, when it could not. */
  fault: CameraFault | null;
  stop(): void;
}

/** Opens what there is: counter camera and microphone, then the document camera (another camera than the counter's). */
export async function openCallMedia(): Promise<CallMedia> {
  const devices = navigator.mediaDevices;
  const cameras = (await devices?.enumerateDevices?.().catch(() => []))?.filter((d) => d.kind === 'videoinput') ?? [];
  const tracks: MediaStreamTrack[] = [];
  let counter: MediaStreamTrack | null = null;
  let microphone: MediaStreamTrack | null;
  let fault: CameraFault | null = null;
  const chosen = chooseCounterCamera(cameras, rememberedCounterCamera());
  try {
    const stream = await openCounterCamera(chosen?.deviceId || undefined);
    counter = stream.getVideoTracks()[0] ?? null;
    microphone = stream.getAudioTracks()[0] ?? null;
    tracks.push(...stream.getTracks());
  } catch (error) {
    fault = cameraFault(error);
    // No camera (or it is refused): the call can still be heard.
    microphone = await openMicrophone();
    if (microphone) tracks.push(microphone);
  }
  let document: MediaStreamTrack | null = null;
  const counterId = counter?.getSettings().deviceId ?? chosen?.deviceId;
  const others = cameras.filter((c) => c.deviceId !== counterId);
  const documentCamera = others.length > 0 ? chooseCamera(others, rememberedLabel()) : undefined;
  if (documentCamera) {
    try {
      document = (await openCamera(documentCamera.deviceId || undefined)).getVideoTracks()[0] ?? null;
      if (document) {
        // Text on a page, not motion: the encoder keeps resolution over frame rate.
        document.contentHint = 'detail';
        tracks.push(document);
      }
    } catch {
      document = null;
    }
  }
  if (counter) counter.contentHint = 'motion';
  return {
    counter,
    document,
    microphone,
    fault,
    stop: () => {
      for (const track of tracks) track.stop();
    },
  };
}

async function openMicrophone(): Promise<MediaStreamTrack | null> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    return stream.getAudioTracks()[0] ?? null;
  } catch {
    return null;
  }
}

export interface Still {
  blob: Blob;
  width: number;
  height: number;
}

interface ImageCaptureLike {
  takePhoto(): Promise<Blob>;
  grabFrame(): Promise<ImageBitmap>;
}
type ImageCaptureCtor = new (track: MediaStreamTrack) => ImageCaptureLike;

/**
 * A JPEG of the document camera at the track's full size: ImageCapture.grabFrame where the
 * browser has it (the camera's own frame, no scaling), else a video element's frame drawn
 * on a canvas of the track's native size.
 */
export async function grabStill(track: MediaStreamTrack): Promise<Still> {
  if (track.readyState !== 'live') throw new Error('the document camera is not live');
  const bitmap = await frameOf(track);
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
    return { blob, width: bitmap.width, height: bitmap.height };
  } finally {
    bitmap.close();
  }
}

async function frameOf(track: MediaStreamTrack): Promise<ImageBitmap> {
  const ImageCapture = (globalThis as { ImageCapture?: ImageCaptureCtor }).ImageCapture;
  if (ImageCapture) {
    try {
      return await new ImageCapture(track).grabFrame();
    } catch {
      // fall through to a video element
    }
  }
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = new MediaStream([track]);
  await video.play();
  try {
    if (video.videoWidth === 0)
      await new Promise((resolve) => video.addEventListener('loadeddata', resolve, { once: true }));
    return await createImageBitmap(video);
  } finally {
    video.pause();
    video.srcObject = null;
  }
}

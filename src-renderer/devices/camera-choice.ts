// What both cameras (the 高拍仪 and the counter camera) share: the camera chosen on this PC,
// remembered by its label in localStorage under each camera's key (device ids change
// between browser profiles), and getUserMedia's failures as the fault the clerk is told of.

export type CameraFault = 'noCamera' | 'denied' | 'busy' | 'failed';

export function rememberedCameraLabel(
  key: string,
  storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage,
): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function rememberCameraLabel(
  key: string,
  label: string,
  storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage,
): void {
  try {
    storage?.setItem(key, label);
  } catch {
    // private mode or full: the choice is simply not remembered
  }
}

/** getUserMedia's DOMException names, as the fault the clerk is told of. */
export function cameraFault(error: unknown): CameraFault {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'noCamera';
  if (name === 'NotReadableError' || name === 'AbortError') return 'busy';
  return 'failed';
}

// 人证比对 as the clerk's screen needs it from the core: the hall's thresholds (the
// matching itself runs in the renderer's face worker, on this machine, and never sends
// a face anywhere).
import { FaceSettings } from '../../common/face.ts';
import { method, none } from './method.ts';

export const faceMethods = {
  /** The thresholds and what is kept of faces, read when the clerk's flow loads the matcher. */
  'face.settings': method({ access: ['clerk'], input: none, output: FaceSettings }),
};

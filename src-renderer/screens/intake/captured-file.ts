// What a capture source (the file picker, the document camera) hands the materials step.
import type { PageCapture } from '../../../src-main/common/draft.ts';

/** A file as a capture source hands it over: a name and its content, read in slices as it is sent. */
export interface CapturedFile {
  name: string;
  content: Blob;
  /** How a document-camera page was taken (the session log keeps it). */
  capture?: PageCapture;
  /** A retake: the page this one replaces, in its place. */
  replacing?: string;
}

// 诊断 for installers and supervisors: the health page (every device, the sync link and
// the store with their recent errors) and the diagnostics bundle handed to support
// (docs/diagnostics.md): logs, config without secrets, versions, devices, a queue
// summary — never personal data.
import { z } from 'zod';
import { DiagnosticsHealth } from '../../common/diagnostics.ts';
import { method, none } from './method.ts';
import { DownloadId } from './recording.ts';

export const diagnosticsMethods = {
  'diagnostics.health': method({
    access: ['installer', 'supervisor'],
    background: true,
    input: none,
    output: DiagnosticsHealth,
  }),
  /** Builds the bundle (a zip) and opens a download of it, read with `downloads.chunk`. */
  'diagnostics.export': method({
    access: ['installer', 'supervisor'],
    input: none,
    output: z.object({
      downloadId: DownloadId,
      name: z.string(),
      mediaType: z.string(),
      chunkBytes: z.number().int().positive(),
    }),
  }),
};

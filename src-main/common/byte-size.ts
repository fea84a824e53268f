// File sizes as a clerk reads them (binary units, written the way Windows Explorer
// writes them: "48.0 MB", "1 GB"), shared by the core's refusals and the UI's hints so
// a limit reads the same in both.

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

export function formatByteSize(bytes: number): string {
  if (bytes < KiB) return `${bytes} B`;
  if (bytes < MiB) return `${(bytes / KiB).toFixed(1)} KB`;
  if (bytes < GiB) return `${(bytes / MiB).toFixed(1)} MB`;
  // Whole gigabytes (a configured limit) read without a trailing ".0".
  const gb = bytes / GiB;
  return `${Number.isInteger(gb) ? gb.toFixed(0) : gb.toFixed(1)} GB`;
}

// The region lookup (行政区划, src-main/common/regions.ts) as the clerk's keystrokes drive
// it: the first search (which reads the table), then every prefix of a few typical queries,
// each a full scan of the ~3,500 divisions. Target: well under a frame (16 ms) per keystroke.
import { searchRegions } from '../src-main/common/regions.ts';
import { record } from './support.ts';

const QUERIES = ['朝阳', 'chaoyang', 'cy', 'bjcy', '北京朝阳', '1101', 'xiamen', 'wlmq'];

export async function benchRegions(): Promise<void> {
  let started = performance.now();
  searchRegions('c');
  record('region lookup, first search', `${(performance.now() - started).toFixed(1)} ms`, 'reads the table once');
  const keystrokes = QUERIES.flatMap((q) => [...q].map((_, i) => q.slice(0, i + 1)));
  for (let i = 0; i < 20; i++) for (const q of keystrokes) searchRegions(q); // warm
  const times: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const q of keystrokes) {
      started = performance.now();
      searchRegions(q);
      times.push(performance.now() - started);
    }
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))]!.toFixed(2);
  record('region lookup per keystroke', `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`, `${times.length} searches`);
}

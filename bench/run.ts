// `npm run bench`: speed and memory figures measured on the real parts. Prints a
// table; targets are read by people, not asserted. `npm run bench -- intake` runs one area.
import { benchCall } from './call.ts';
import { benchCapture } from './capture.ts';
import { benchDoccam } from './doccam.ts';
import { benchEscpos } from './escpos.ts';
import { benchFace } from './face.ts';
import { benchFoundation } from './foundation.ts';
import { benchIdCard } from './idcard.ts';
import { benchFuzz } from './fuzz.ts';
import { benchInboxLoad } from './inbox-load.ts';
import { benchIntake } from './intake.ts';
import { benchPages } from './pages.ts';
import { benchPrinter } from './printer.ts';
import { benchQueue } from './queue.ts';
import { benchRecording } from './recording.ts';
import { benchRegions } from './regions.ts';
import { benchSessions } from './sessions.ts';
import { benchSoak } from './soak.ts';
import { printFigures } from './support.ts';
import { benchSync } from './sync.ts';
import { benchWizard } from './wizard.ts';

const areas: Record<string, () => Promise<void>> = {
  foundation: benchFoundation,
  intake: benchIntake,
  sync: benchSync,
  soak: benchSoak,
  wizard: benchWizard,
  idcard: benchIdCard,
  fuzz: benchFuzz,
  queue: benchQueue,
  regions: benchRegions,
  escpos: benchEscpos,
  printer: benchPrinter,
  doccam: benchDoccam,
  pages: benchPages,
  capture: benchCapture,
  sessions: benchSessions,
  recording: benchRecording,
  face: benchFace,
  call: benchCall,
  'inbox-load': benchInboxLoad,
};
const chosen = process.argv.slice(2).filter((a) => a in areas);
for (const name of chosen.length > 0 ? chosen : Object.keys(areas)) await areas[name]!();
printFigures();

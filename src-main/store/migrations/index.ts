// Every schema migration, in order. Append only: a shipped migration is never edited.
import type { Migration } from './migration.ts';
import { initial } from './001-initial.ts';
import { catalog } from './002-catalog.ts';
import { intake } from './003-intake.ts';
import { sync } from './004-sync.ts';
import { packetStates } from './005-packet-states.ts';
import { hallProfile } from './006-hall-profile.ts';
import { sealedHeads } from './007-sealed-heads.ts';
import { trackingCodes } from './008-tracking-codes.ts';
import { packetSearch } from './009-packet-search.ts';
import { originalPostings } from './010-original-postings.ts';
import { dutyWarnings } from './011-duty-warnings.ts';
import { correctionPeriods } from './012-correction-periods.ts';
import { handovers } from './013-handovers.ts';
import { printJobs } from './014-print-jobs.ts';
import { pageOrder } from './015-page-order.ts';
import { pageSource } from './016-page-source.ts';
import { pageThumbnails } from './017-page-thumbnails.ts';
import { counterSessions } from './018-counter-sessions.ts';
import { ratings } from './019-ratings.ts';
import { signatureFiles } from './020-signature-files.ts';

export const migrations: Migration[] = [
  initial,
  catalog,
  intake,
  sync,
  packetStates,
  hallProfile,
  sealedHeads,
  trackingCodes,
  packetSearch,
  originalPostings,
  dutyWarnings,
  correctionPeriods,
  handovers,
  printJobs,
  pageOrder,
  pageSource,
  pageThumbnails,
  counterSessions,
  ratings,
  signatureFiles,
];

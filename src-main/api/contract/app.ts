// The app itself: what it is and where it runs, and the health board.
import { z } from 'zod';
import { HealthSnapshot } from '../../common/health.ts';
import { method, none } from './method.ts';

export const AppInfo = z.object({
  version: z.string(),
  hallName: z.string(),
  windowName: z.string(),
  profile: z.enum(['demo', 'configured']),
  host: z.enum(['electron', 'browser']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const appMethods = {
  'app.info': method({ access: 'public', background: true, applicantToo: true, input: none, output: AppInfo }),
  'health.snapshot': method({ access: 'user', background: true, input: none, output: HealthSnapshot }),
};

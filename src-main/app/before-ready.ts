// Work that Electron accepts only before the app's `ready` event. An ES-module main
// process is loaded asynchronously, and only the side effects of its static imports
// are sure to run before `ready`, so main.ts imports this module first.
import { app, protocol } from 'electron';
import { APP_SCHEME } from './policy.ts';

protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
  },
]);

// Every renderer sandboxed, including any a future change forgets to configure.
app.enableSandbox();

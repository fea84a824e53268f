// Binds each contract method to the service that does the work. Nothing here
// decides anything: access and validation happen in the dispatcher, domain rules
// in the services.
import type { AppInfo } from '../api/contract.ts';
import type { Handlers } from '../api/dispatcher.ts';
import type { EventLog } from '../recording/event-log.ts';
import type { AuthService, Session } from './auth/auth-service.ts';
import type { HealthBoard } from './health.ts';

export interface ConnectionContext {
  session: Session;
}

export interface HandlerServices {
  info: AppInfo;
  auth: AuthService;
  health: HealthBoard;
  events: EventLog;
}

export function createHandlers({ info, auth, health, events }: HandlerServices): Handlers<ConnectionContext> {
  return {
    'app.info': () => info,

    'auth.session': (_input, { session }) => auth.info(session),
    'auth.setupState': () => ({ needsFirstInstaller: auth.needsFirstInstaller() }),
    'auth.createFirstInstaller': (input, { session }) => auth.createFirstInstaller(session, input),
    'auth.login': ({ username, password }, { session }) => auth.login(session, username, password),
    'auth.logout': (_input, { session }) => auth.logout(session),
    'auth.lock': (_input, { session }) => auth.lock(session),
    'auth.unlock': ({ password }, { session }) => auth.unlock(session, password),

    'users.list': () => ({ users: auth.listUsers() }),
    'users.create': (input, { session }) => auth.createUser(auth.actorOf(session), input),
    'users.update': (input, { session }) => auth.updateUser(auth.actorOf(session), input),
    'users.resetPassword': ({ id, password }, { session }) => auth.resetPassword(auth.actorOf(session), id, password),
    'users.unlock': ({ id }, { session }) => auth.unlockUser(auth.actorOf(session), id),

    'health.snapshot': () => health.snapshot(),

    'eventLog.verify': ({ stream }) => events.verify(stream),
  };
}

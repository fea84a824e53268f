// The boundary between transports and the core: every incoming message passes
// through `dispatch`, which validates the envelope and the input, checks access,
// runs the handler and validates the output. Whatever a caller sends, the answer
// is a typed result; nothing a caller sends can take the core down.
import type { z } from 'zod';
import { AppError, isAppError } from '../common/errors.ts';
import type { Caller } from '../common/users.ts';
import {
  type MethodInput,
  type MethodSpec,
  type MethodName,
  type MethodOutput,
  isMethodName,
  methods,
} from './contract/index.ts';
import { CallMessage, type ResultMessage } from './wire.ts';

export type { Caller } from '../common/users.ts';

export type Handlers<Ctx> = {
  [M in MethodName]: (input: MethodOutputOfInput<M>, ctx: Ctx) => MethodOutput<M> | Promise<MethodOutput<M>>;
};

/** Handlers receive the parsed input (defaults applied, strings trimmed). */
type MethodOutputOfInput<M extends MethodName> = z.output<(typeof methods)[M]['input']>;

export interface DispatcherOptions<Ctx> {
  handlers: Handlers<Ctx>;
  caller: (ctx: Ctx) => Caller;
  /**
   * After each successful call of a method not marked `background` (the idle lock's
   * activity); the host may tell apart calls of one method by their input.
   */
  onUserCall?: (ctx: Ctx, method: MethodName, input: unknown) => void;
  /** Called for failures that are not AppErrors: bugs, to be logged with their stack. */
  onInternalError: (method: string, error: unknown) => void;
}

export interface Dispatcher<Ctx> {
  dispatch(message: unknown, ctx: Ctx): Promise<ResultMessage>;
}

/** No input of the contract is nested anywhere near this deep; a deeper one is refused unread. */
export const MAX_INPUT_DEPTH = 64;

/** Whether arrays and objects in `value` nest at most `max` levels (iteratively: no stack to overflow). */
function nestedWithin(value: unknown, max: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (typeof next.value !== 'object' || next.value === null || ArrayBuffer.isView(next.value)) continue;
    if (next.depth >= max) return false;
    for (const member of Object.values(next.value)) pending.push({ value: member, depth: next.depth + 1 });
  }
  return true;
}

export function createDispatcher<Ctx>(options: DispatcherOptions<Ctx>): Dispatcher<Ctx> {
  const { handlers, caller, onUserCall, onInternalError } = options;

  async function dispatch(message: unknown, ctx: Ctx): Promise<ResultMessage> {
    const envelope = CallMessage.safeParse(message);
    if (!envelope.success) {
      const id = idOf(message);
      return failure(id, new AppError('request.malformed', 'message is not a call envelope'));
    }
    const { id, method: name, input } = envelope.data;
    try {
      if (!isMethodName(name)) throw new AppError('request.unknownMethod', `unknown method ${truncate(name)}`);
      const spec = methods[name];
      checkAccess(spec, caller(ctx));
      // Recursive schemas (a config draft is any JSON) would recurse as deep as the input goes.
      if (!nestedWithin(input, MAX_INPUT_DEPTH)) {
        throw new AppError('request.invalidInput', `input nested deeper than ${MAX_INPUT_DEPTH} levels`);
      }
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) {
        throw new AppError('request.invalidInput', describeIssues(parsed.error), {
          fields: fieldList(parsed.error),
        });
      }
      const handler = handlers[name] as (input: unknown, ctx: Ctx) => unknown;
      const value = spec.output.parse(await handler(parsed.data, ctx));
      if (!('background' in spec && spec.background)) onUserCall?.(ctx, name, parsed.data);
      return { type: 'result', id, ok: true, value };
    } catch (error) {
      if (isAppError(error)) return failure(id, error);
      onInternalError(name, error);
      return failure(id, new AppError('internal', 'the core failed while handling the call'));
    }
  }

  return { dispatch };
}

function checkAccess(spec: Pick<MethodSpec, 'access' | 'applicantToo'>, caller: Caller): void {
  const { access } = spec;
  // The applicant screen faces the public: its methods and a few harmless reads, nothing of staff's.
  if (caller.applicant) {
    if (access === 'applicant' || (access === 'public' && spec.applicantToo)) return;
    throw new AppError('applicant.notApplicant', 'the applicant screen may not call staff methods');
  }
  if (access === 'applicant') throw new AppError('applicant.notApplicant', 'only the applicant screen calls this');
  if (access === 'public') return;
  if (caller.role === null) throw new AppError('auth.required', 'sign in first');
  if (access === 'session') return;
  if (caller.locked) throw new AppError('auth.locked', 'session is idle-locked');
  if (access === 'user') return;
  if (!access.includes(caller.role)) {
    throw new AppError('auth.forbidden', `role ${caller.role} may not call this method`);
  }
}

function failure(id: number, error: AppError): ResultMessage {
  return { type: 'result', id, ok: false, error: error.toWire() };
}

/** Best effort: answer a malformed message under its id if it has a usable one. */
function idOf(message: unknown): number {
  if (typeof message === 'object' && message !== null && 'id' in message) {
    const id = (message as { id: unknown }).id;
    if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  }
  return 0;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
    .join('; ');
}

function fieldList(error: z.ZodError): string {
  return [...new Set(error.issues.map((issue) => issue.path.join('.') || '(input)'))].slice(0, 5).join(', ');
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

export type { MethodInput };

// Message envelopes shared by both transports. Electron IPC carries them as
// structured-clone objects; the browser host's WebSocket carries them as
// MessagePack frames, so binary payloads (Uint8Array) cross either way unchanged.
import { decode, encode } from '@msgpack/msgpack';
import { z } from 'zod';
import type { WireError } from '../common/errors.ts';

/** Largest message a transport accepts; binary-heavy methods stay under it. */
/**
 * WebSocket close code the browser host sends to a page whose token is not this
 * start's: the host restarted (new token) or the page was opened without one. A
 * browser cannot read the status of a refused upgrade, but it reads a close code, so
 * the page can tell "restarted, open me again" from "unreachable, keep trying".
 */
export const CLOSE_STALE_TOKEN = 4401;

export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/** The single Electron IPC channel names; the preload repeats them (it cannot import). */
export const IPC_CALL_CHANNEL = 'tongban:call';
export const IPC_EVENT_CHANNEL = 'tongban:event';

export const CallMessage = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(100),
  input: z.unknown(),
});
export type CallMessage = z.infer<typeof CallMessage>;

export type ResultMessage =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: WireError };

export interface EventMessage {
  type: 'event';
  name: string;
  payload: unknown;
}

export type ServerMessage = ResultMessage | EventMessage;

export function encodeMessage(message: CallMessage | ServerMessage): Uint8Array {
  return encode(message);
}

/** Decodes a MessagePack frame; throws on bytes that are not MessagePack. */
export function decodeMessage(bytes: Uint8Array): unknown {
  return decode(bytes);
}

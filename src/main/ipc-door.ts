import { RecutError, toErrorPayload, type ErrorPayload } from '../shared/errors';
import { parseCall } from '../shared/wire';
import { isTrustedSender, type SenderFrame } from './security';

export const IPC_CHANNEL = 'recut:call';
export const IPC_EVENT_CHANNEL = 'recut:event';

export type DoorResult = { ok: true; value: unknown } | { ok: false; error: ErrorPayload };

/**
 * The one IPC door: checks that the sender is our UI's top frame, validates the method and its
 * payload against the contract, forwards to the engine, and returns a value or a typed error.
 * It never throws across IPC (Electron would serialise a stack trace into the renderer).
 */
export function createIpcDoor(opts: { appUrl: () => string; call: (method: string, params: unknown) => Promise<unknown> }) {
  return async function handle(event: { senderFrame: SenderFrame | null }, method: unknown, params: unknown): Promise<DoorResult> {
    try {
      if (!isTrustedSender(event.senderFrame, opts.appUrl())) {
        throw new RecutError('unauthorized', 'IPC from an untrusted frame was refused');
      }
      const call = parseCall(method, params);
      return { ok: true, value: await opts.call(call.method, call.params) };
    } catch (e) {
      return { ok: false, error: toErrorPayload(e) };
    }
  };
}

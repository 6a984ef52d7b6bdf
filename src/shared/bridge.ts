import { RecutError, type ErrorPayload } from './errors';
import { METHOD_NAMES, type EventName, type EventPayload, type MethodInput, type MethodName, type MethodOutput, type RecutApi } from './contract';

export type BridgeResult<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

/**
 * What the preload exposes as `window.recut`: one named function per contract method, each resolving
 * to a value or a typed error (a thrown error would lose its `kind` crossing the context bridge),
 * plus `on` for events.
 */
export type RecutBridge = {
  [M in MethodName]: (input: MethodInput<M>) => Promise<BridgeResult<MethodOutput<M>>>;
} & {
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void;
};

/** The renderer's view of the bridge: the plain `RecutApi`, throwing `RecutError`s. */
export function apiFromBridge(bridge: RecutBridge): RecutApi {
  const api = { on: bridge.on.bind(bridge) } as Record<string, unknown>;
  for (const m of METHOD_NAMES) {
    api[m] = async (input: unknown) => {
      const r = await (bridge[m] as (i: unknown) => Promise<BridgeResult<unknown>>)(input);
      if (r.ok) return r.value;
      throw RecutError.fromPayload(r.error);
    };
  }
  return api as unknown as RecutApi;
}

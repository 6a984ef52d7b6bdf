import type { BridgeResult, RecutBridge } from '../shared/bridge';
import { isEventName, type EventName, type EventPayload, type MethodInput, type MethodName, type MethodOutput } from '../shared/contract';

export type Invoke = (method: MethodName, params: unknown) => Promise<BridgeResult<unknown>>;
export type Subscribe = (listener: (event: string, payload: unknown) => void) => () => void;

/**
 * Builds the object the preload exposes as `window.recut`: one named function per contract method,
 * plus `on(event, handler)` for the contract's events. Nothing else: no channel names, no
 * `ipcRenderer`, no way to send an arbitrary message. Written out method by method on purpose, so the
 * exposed surface is readable in one place; the type makes a missing or extra method a compile error.
 */
export function buildPreloadApi(invoke: Invoke, subscribe: Subscribe): RecutBridge {
  const call =
    <M extends MethodName>(method: M) =>
    (input: MethodInput<M>) =>
      invoke(method, input) as Promise<BridgeResult<MethodOutput<M>>>;
  return {
    getAppInfo: call('getAppInfo'),
    listSongs: call('listSongs'),
    getSong: call('getSong'),
    openSong: call('openSong'),
    importFiles: call('importFiles'),
    ensureDemoSong: call('ensureDemoSong'),
    removeSong: call('removeSong'),
    getPeaks: call('getPeaks'),
    analyzeSong: call('analyzeSong'),
    suggest: call('suggest'),
    scorePlan: call('scorePlan'),
    exportEdit: call('exportEdit'),
    addPreference: call('addPreference'),
    undoPreference: call('undoPreference'),
    listPreferences: call('listPreferences'),
    importPreferences: call('importPreferences'),
    exportPreferences: call('exportPreferences'),
    getSettings: call('getSettings'),
    updateSettings: call('updateSettings'),
    listModels: call('listModels'),
    activateModel: call('activateModel'),
    rollbackModel: call('rollbackModel'),
    startTraining: call('startTraining'),
    getTrainingMetrics: call('getTrainingMetrics'),
    listJobs: call('listJobs'),
    cancelJob: call('cancelJob'),
    on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) {
      if (!isEventName(event)) throw new Error(`unknown event ${String(event)}`);
      return subscribe((name, payload) => {
        if (name === event) handler(payload as EventPayload<E>);
      });
    },
  };
}

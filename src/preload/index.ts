import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildPreloadApi } from './api';

// Channel names are spelled out here rather than imported from src/main so the sandboxed preload
// bundle stays tiny; test/unit/preload.test.ts checks they match the door's.
const CALL = 'recut:call';
const EVENT = 'recut:event';

const api = buildPreloadApi(
  (method, params) => ipcRenderer.invoke(CALL, method, params),
  (listener) => {
    const wrapped = (_e: unknown, event: string, payload: unknown) => listener(event, payload);
    ipcRenderer.on(EVENT, wrapped);
    return () => ipcRenderer.removeListener(EVENT, wrapped);
  },
);

contextBridge.exposeInMainWorld('recut', api);
// Dropped or picked files: their paths on disk, so the engine imports them in place (no copy).
contextBridge.exposeInMainWorld('recutFiles', { pathFor: (file: File) => webUtils.getPathForFile(file) });

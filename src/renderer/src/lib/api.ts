import { apiFromBridge, type RecutBridge } from '../../../shared/bridge';
import type { MethodOutput, RecutApi } from '../../../shared/contract';
import { RecutError } from '../../../shared/errors';
import { createWebSocketApi } from './ws-client';

declare global {
  interface Window {
    recut?: RecutBridge;
    recutFiles?: { pathFor(file: File): string };
  }
}

export type ImportResult = MethodOutput<'importFiles'>;

/**
 * The contract plus what depends on where the UI runs: where the audio player fetches a song's file,
 * how dropped files reach the engine (their paths in the app; an upload under `recut serve`), and
 * where an export can be downloaded (the browser case; the app shows the path on disk).
 */
export type RecutClient = RecutApi & {
  mediaUrl(songId: string): string;
  importLocalFiles(files: File[]): Promise<ImportResult>;
  downloadUrl(fileName: string): string | null;
};

/**
 * The renderer's one entry to the engine. In the desktop app the preload has exposed `window.recut`;
 * in a browser under `recut serve` the page URL carries the per-run token for the WebSocket.
 */
export function connectApi(): RecutClient {
  if (window.recut) {
    const api = apiFromBridge(window.recut);
    const files = window.recutFiles;
    return Object.assign(api, {
      mediaUrl: (songId: string) => `recut-media://song/${songId}`,
      importLocalFiles: (list: File[]) => api.importFiles({ paths: list.map((f) => files?.pathFor(f) ?? '').filter(Boolean) }),
      downloadUrl: () => null,
    });
  }
  const token = encodeURIComponent(new URLSearchParams(location.search).get('token') ?? '');
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc?token=${token}`;
  return Object.assign(createWebSocketApi(wsUrl), {
    mediaUrl: (songId: string) => `/media/${songId}?token=${token}`,
    importLocalFiles: async (list: File[]) => {
      const merged: ImportResult = { songs: [], errors: [] };
      for (const f of list) {
        const res = await fetch(`/upload?name=${encodeURIComponent(f.name)}&token=${token}`, { method: 'POST', body: f });
        const body = await res.json();
        if (!res.ok) throw RecutError.fromPayload(body.error ?? { kind: 'io', message: `upload failed (${res.status})` });
        merged.songs.push(...body.songs);
        merged.errors.push(...body.errors.map((e: ImportResult['errors'][number]) => ({ ...e, path: f.name })));
      }
      return merged;
    },
    downloadUrl: (fileName: string) => `/exports/${encodeURIComponent(fileName)}?token=${token}`,
  });
}

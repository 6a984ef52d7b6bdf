import { apiFromBridge, type RecutBridge } from '../../../shared/bridge';
import type { RecutApi } from '../../../shared/contract';
import { createWebSocketApi } from './ws-client';

declare global {
  interface Window {
    recut?: RecutBridge;
  }
}

/** The contract plus where the UI's audio player fetches a song's file. */
export type RecutClient = RecutApi & { mediaUrl(songId: string): string };

/**
 * The renderer's one entry to the engine. In the desktop app the preload has exposed `window.recut`;
 * in a browser under `recut serve` the page URL carries the per-run token for the WebSocket.
 */
export function connectApi(): RecutClient {
  if (window.recut) return Object.assign(apiFromBridge(window.recut), { mediaUrl: (songId: string) => `recut-media://song/${songId}` });
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc?token=${encodeURIComponent(token)}`;
  return Object.assign(createWebSocketApi(wsUrl), { mediaUrl: (songId: string) => `/media/${songId}?token=${encodeURIComponent(token)}` });
}

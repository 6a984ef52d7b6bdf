import { apiFromBridge, type RecutBridge } from '../../../shared/bridge';
import type { RecutApi } from '../../../shared/contract';
import { createWebSocketApi } from './ws-client';

declare global {
  interface Window {
    recut?: RecutBridge;
  }
}

/**
 * The renderer's one entry to the engine. In the desktop app the preload has exposed `window.recut`;
 * in a browser under `recut serve` the page URL carries the per-run token for the WebSocket.
 */
export function connectApi(): RecutApi {
  if (window.recut) return apiFromBridge(window.recut);
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc?token=${encodeURIComponent(token)}`;
  return createWebSocketApi(wsUrl);
}

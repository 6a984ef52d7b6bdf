/**
 * Security defaults for every Recut window, kept free of `electron` imports so they are unit-tested
 * under plain Node: the options object, the sender check of the IPC door, and the navigation guards.
 */

export interface SecureWebPreferences {
  preload: string;
  sandbox: true;
  contextIsolation: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  navigateOnDragDrop: false;
  spellcheck: false;
}

export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {
    preload,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** The part of Electron's WebFrameMain the door looks at. */
export interface SenderFrame {
  url: string;
  parent: unknown | null;
}

/**
 * True only for the top frame of our own UI: the packaged `file://` index.html or, in development,
 * the electron-vite dev server's origin. Sub-frames and any other origin are refused.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined, appUrl: string): boolean {
  if (!frame || frame.parent !== null) return false;
  let actual: URL;
  let expected: URL;
  try {
    actual = new URL(frame.url);
    expected = new URL(appUrl);
  } catch {
    return false;
  }
  if (expected.protocol === 'file:') return actual.protocol === 'file:' && actual.pathname === expected.pathname;
  return actual.origin === expected.origin;
}

/** Navigation away from the app is never allowed; links the user clicks open nowhere inside Recut. */
export function shouldBlockNavigation(targetUrl: string, appUrl: string): boolean {
  try {
    const target = new URL(targetUrl);
    const app = new URL(appUrl);
    if (app.protocol === 'file:') return !(target.protocol === 'file:' && target.pathname === app.pathname);
    return target.origin !== app.origin;
  } catch {
    return true;
  }
}

export const DENY_WINDOW_OPEN = { action: 'deny' } as const;

/** Permission requests (camera, notifications, ...) Recut never needs: all refused. */
export function permissionAllowed(_permission: string): boolean {
  return false;
}

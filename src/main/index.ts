/**
 * Electron main process: thin glue. Windows with the security defaults, the one IPC door, and the
 * engine in a utility process. Everything with logic lives in Electron-free modules.
 */
import { app, BrowserWindow, ipcMain, net, protocol, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EngineClient } from '../engine/client';
import { spawnUtilityEngine } from './engine-process';
import { createIpcDoor, IPC_CHANNEL, IPC_EVENT_CHANNEL } from './ipc-door';
import { MEDIA_SCHEME, MEDIA_TYPES } from '../shared/media';
import { parseCall } from '../shared/wire';
import { DENY_WINDOW_OPEN, permissionAllowed, secureWebPreferences, shouldBlockNavigation } from './security';

const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const indexHtml = path.join(__dirname, '../renderer/index.html');
const appUrl = () => devServerUrl ?? pathToFileURL(indexHtml).href;

// Model files shipped with the app: in resources/ when packaged (electron-builder extraResources),
// in the project folder when run from source.
const shippedModels = () => (app.isPackaged ? path.join(process.resourcesPath, 'models') : path.join(app.getAppPath(), 'resources', 'models'));
const client = new EngineClient(() =>
  spawnUtilityEngine(path.join(__dirname, 'engine-host.cjs'), {
    ...process.env,
    RECUT_BOOTSTRAP_POLICY: process.env.RECUT_BOOTSTRAP_POLICY ?? path.join(shippedModels(), 'bootstrap-policy.json'),
  }),
);
let mainWindow: BrowserWindow | null = null;

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    backgroundColor: '#14161a',
    title: 'Recut',
    show: false,
    webPreferences: secureWebPreferences(path.join(__dirname, '../preload/index.cjs')),
  });
  const wc = mainWindow.webContents;
  wc.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url); // help links open in the user's browser
    return DENY_WINDOW_OPEN;
  });
  wc.on('will-navigate', (e, url) => shouldBlockNavigation(url, appUrl()) && e.preventDefault());
  wc.on('will-redirect', (e, url) => shouldBlockNavigation(url, appUrl()) && e.preventDefault());
  wc.on('will-attach-webview', (e) => e.preventDefault());
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  if (devServerUrl) void mainWindow.loadURL(devServerUrl);
  else void mainWindow.loadFile(indexHtml);
  mainWindow.on('closed', () => (mainWindow = null));
}

app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: MEDIA_SCHEME, privileges: { supportFetchAPI: true, stream: true, standard: true, secure: true } }]);
app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_wc, permission, cb) => cb(permissionAllowed(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionAllowed(permission));

  const door = createIpcDoor({
    appUrl,
    call: async (method, params) => {
      const value = await client.call(method, params);
      return method === 'getAppInfo' ? { ...(value as object), transport: 'ipc', engine: client.status } : value;
    },
  });
  // Song files for the UI's audio player: the path comes from the library, never from the URL.
  protocol.handle(MEDIA_SCHEME, async (request) => {
    try {
      const songId = new URL(request.url).pathname.replace(/^\//, '');
      const song = (await client.call('getSong', parseCall('getSong', { songId }).params)) as { path: string; format: string };
      const file = await net.fetch(pathToFileURL(song.path).href);
      return new Response(file.body, { headers: { 'Content-Type': MEDIA_TYPES[song.format] ?? 'application/octet-stream' } });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
  ipcMain.handle(IPC_CHANNEL, (event, method, params) => door(event, method, params));
  client.on((event, payload) => mainWindow?.webContents.send(IPC_EVENT_CHANNEL, event, payload));
  await client.start();
  createWindow();
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && createWindow());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('before-quit', () => client.stop());

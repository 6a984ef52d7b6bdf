/**
 * The UI's Content Security Policy, one source for the built HTML's meta tag, `recut serve`'s
 * header and the tests. No inline script, no eval, no remote origins: the renderer talks only to
 * its own origin (IPC in the app, the loopback WebSocket under `recut serve`). `blob:` media and
 * workers are for audio playback of rendered candidates.
 */
export const CSP_DIRECTIVES: Record<string, string> = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data: blob:",
  'font-src': "'self'",
  'media-src': "'self' blob: recut-media:",
  'worker-src': "'self' blob:",
  'connect-src': "'self' ws://127.0.0.1:* ws://localhost:* recut-media:",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
  'frame-src': "'none'",
};

export const CONTENT_SECURITY_POLICY = Object.entries(CSP_DIRECTIVES)
  .map(([k, v]) => `${k} ${v}`)
  .join('; ');

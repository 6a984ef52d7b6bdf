/**
 * Runs a WASM decoder (@audio/decode-flac, -mp3, -vorbis) in a worker thread.
 *
 * Why a worker: the WASM decoders are synchronous, so a decoder that loops on garbage would freeze
 * the engine; in a worker we can stop it (terminate) after a deadline, and its WASM heap is thrown
 * away with it. The worker streams the file through the decoder in slices, counts frames as they
 * come and gives up as soon as the output passes the frame cap, so a tiny file that expands to hours
 * of audio never allocates more than the cap.
 *
 * The worker source is a plain-JS string (eval worker) so it runs the same under tsx, vitest and a
 * bundled build without a TypeScript loader; the decoder modules are resolved here and passed in
 * as file URLs.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecodableFormat } from './decode-sniff';

const require = createRequire(import.meta.url);
const MODULES: Record<Exclude<DecodableFormat, 'wav'>, string> = {
  flac: '@audio/decode-flac',
  mp3: '@audio/decode-mp3',
  'ogg-vorbis': '@audio/decode-vorbis',
};

export interface WorkerDecodeRequest {
  format: Exclude<DecodableFormat, 'wav'>;
  /** The file bytes; the buffer is transferred (unusable afterwards in the caller). */
  bytes: ArrayBuffer;
  /** Output frames above which decoding stops with `tooLong`. */
  maxFrames: number;
  /** Expected frames from the header (0 if unknown), already bounded by what the file can hold. */
  initialFrames: number;
  timeoutMs: number;
}

export type WorkerDecodeResult =
  | { ok: true; sampleRate: number; channels: Float32Array[]; frames: number; decoderErrors: number }
  | { ok: false; reason: 'too_long' | 'error' | 'timeout' | 'crashed'; message: string; frames?: number };

const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const SLICE = 1 << 16;
(async () => {
  const { moduleUrl, maxFrames, initialFrames } = workerData;
  const mod = await import(moduleUrl);
  const bytes = await new Promise((r) => parentPort.once('message', (m) => r(new Uint8Array(m))));
  const dec = await mod.decoder();
  let channels = null, sampleRate = 0, frames = 0, cap = 0, errors = 0;
  const push = (r) => {
    if (!r || !r.channelData || r.channelData.length === 0) return;
    const n = r.channelData[0].length;
    if (r.errors && r.errors.length) errors += r.errors.length;
    if (n === 0) return;
    if (!channels) {
      sampleRate = r.sampleRate;
      cap = Math.max(n, Math.min(maxFrames + 1, initialFrames || 0, 1 << 30), 1 << 16);
      channels = r.channelData.map(() => new Float32Array(cap));
    }
    if (r.channelData.length !== channels.length) throw new Error('channel count changed mid-stream (' + channels.length + ' -> ' + r.channelData.length + ')');
    if (r.sampleRate !== sampleRate) throw new Error('sample rate changed mid-stream (' + sampleRate + ' -> ' + r.sampleRate + ')');
    for (const c of r.channelData) if (c.length !== n) throw new Error('channels of unequal length in one block');
    if (frames + n > maxFrames) throw { tooLong: true, frames: frames + n };
    if (frames + n > cap) {
      cap = Math.min(maxFrames + 1, Math.max(frames + n, Math.ceil(cap * 1.5)));
      channels = channels.map((c) => { const g = new Float32Array(cap); g.set(c.subarray(0, frames)); return g; });
    }
    for (let c = 0; c < channels.length; c++) channels[c].set(r.channelData[c], frames);
    frames += n;
  };
  for (let off = 0; off < bytes.length; off += SLICE) push(dec.decode(bytes.subarray(off, Math.min(bytes.length, off + SLICE))));
  if (typeof dec.flush === 'function') push(dec.flush());
  dec.free();
  // The chunked FLAC decoder can drop the stream's last (partial) frame at flush. When the stream came
  // up short of the length its header declares by at most one frame, decode it again in one call: the
  // streaming pass has already bounded the output, so this cannot blow up.
  if (channels && initialFrames > frames && initialFrames - frames <= 65535 && typeof mod.default === 'function') {
    const whole = await mod.default(bytes);
    if (whole && whole.channelData && whole.channelData[0] && whole.channelData[0].length === initialFrames && whole.channelData.length === channels.length) {
      channels = whole.channelData;
      frames = initialFrames;
      cap = frames;
    }
  }
  if (!channels) { parentPort.postMessage({ ok: false, reason: 'error', message: 'no audio frames could be decoded' }); return; }
  // Hand back exact-length arrays; trim with a copy only when the slack is large.
  const out = channels.map((c) => (cap - frames > cap / 10 ? c.slice(0, frames) : c.subarray(0, frames)));
  parentPort.postMessage({ ok: true, sampleRate, channels: out, frames, decoderErrors: errors }, out.map((c) => c.buffer));
})().catch((e) => parentPort.postMessage(e && e.tooLong
  ? { ok: false, reason: 'too_long', message: 'too long', frames: e.frames }
  : { ok: false, reason: 'error', message: String((e && e.message) || e) }));
`;

export function decodeInWorker(req: WorkerDecodeRequest): Promise<WorkerDecodeResult> {
  const moduleUrl = pathToFileURL(require.resolve(MODULES[req.format])).href;
  return new Promise((resolve) => {
    let settled = false;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { moduleUrl, maxFrames: req.maxFrames, initialFrames: req.initialFrames },
      // JS heap only (decoded audio lives in ArrayBuffers); catches runaway object growth.
      resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 },
      stdout: true,
      stderr: true,
    });
    const finish = (r: WorkerDecodeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish({ ok: false, reason: 'timeout', message: `the decoder did not finish within ${Math.round(req.timeoutMs / 1000)} s` }),
      req.timeoutMs,
    );
    worker.stdout.resume(); // decoders log to the console; drop it
    worker.stderr.resume();
    worker.on('message', (m: WorkerDecodeResult) => finish(m));
    worker.on('error', (e) => finish({ ok: false, reason: 'crashed', message: e instanceof Error ? e.message : String(e) }));
    worker.on('exit', (code) => finish({ ok: false, reason: 'crashed', message: `the decoder exited (code ${code}) without a result` }));
    worker.postMessage(req.bytes, [req.bytes]);
  });
}

/**
 * The WebAssembly backend, pointed at the .wasm files inside node_modules (no fetch under Node).
 * SIMD is used when the runtime validates it (Node 16+ does). Threads: the threaded build spawns its
 * workers from `blob:` URLs, which Node's worker_threads refuse, so under Node the backend runs on one
 * thread (tfjs detects this itself: WASM_HAS_MULTITHREAD_SUPPORT is false here).
 * We also replace the stock Slice kernel, which copies its whole input per call (wasm-slice.ts).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { installWasmSliceFix } from './wasm-slice';

let configured: Promise<{ available: boolean; reason?: string; device?: string }> | null = null;

export function configureWasm(): Promise<{ available: boolean; reason?: string; device?: string }> {
  configured ??= (async () => {
    try {
      const require = createRequire(import.meta.url);
      const dir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
      if (!fs.existsSync(path.join(dir, 'tfjs-backend-wasm-simd.wasm'))) return { available: false, reason: `no .wasm files in ${dir}` };
      const tf = await import('@tensorflow/tfjs');
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(dir + path.sep);
      installWasmSliceFix();
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
      return { available: true, device: `CPU (WebAssembly${simd ? ' SIMD' : ''}, ${threads ? 'multi-threaded' : '1 thread'})` };
    } catch (e) {
      return { available: false, reason: `@tensorflow/tfjs-backend-wasm could not be loaded: ${(e as Error).message}` };
    }
  })();
  return configured;
}

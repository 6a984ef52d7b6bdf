/**
 * WebGPU for TensorFlow.js under plain Node: Dawn (the npm package `webgpu`) provides `navigator.gpu`
 * over Vulkan, Metal or D3D12, and `@tensorflow/tfjs-backend-webgpu` runs on it. The tfjs backend
 * checks for `navigator.gpu` when it is first imported, so Dawn is installed before that import.
 * Without a GPU, Linux machines with Mesa's lavapipe (a software Vulkan driver) still get an adapter:
 * correct, just slow; it is reported as such.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface WebGpuProbe {
  available: boolean;
  reason?: string;
  device?: string;
  /** true for CPU-emulated adapters (lavapipe / SwiftShader / llvmpipe). */
  software?: boolean;
}

let probe: Promise<WebGpuProbe> | null = null;

/** Installs Dawn's `navigator.gpu` once and asks it for an adapter; never throws. */
export function probeWebGpu(): Promise<WebGpuProbe> {
  probe ??= doProbe();
  return probe;
}

async function doProbe(): Promise<WebGpuProbe> {
  let dawn: typeof import('webgpu');
  try {
    dawn = await import('webgpu');
  } catch (e) {
    return { available: false, reason: `the webgpu (Dawn) package could not be loaded: ${(e as Error).message}` };
  }
  // Vulkan loaders (and lavapipe) want a runtime dir; a headless service often has none.
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-xdg-'));
  try {
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { available: false, reason: 'no WebGPU adapter (no Vulkan/Metal/D3D12 driver found)' };
    const info = adapter.info;
    const device = info.description || [info.vendor, info.architecture, info.device].filter((s) => s && s.length > 0).join(' ') || 'unknown adapter';
    const software = /lavapipe|llvmpipe|swiftshader/i.test(device) || /software|cpu/i.test(info.architecture);
    Object.defineProperty(globalThis, 'navigator', { value: { ...(globalThis as { navigator?: object }).navigator, gpu }, configurable: true, writable: true });
    return { available: true, device: software ? `${device} (software)` : device, software };
  } catch (e) {
    return { available: false, reason: `WebGPU adapter request failed: ${(e as Error).message}` };
  }
}

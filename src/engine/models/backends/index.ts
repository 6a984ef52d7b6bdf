/**
 * Picks the TensorFlow.js backend at run time, fastest first (DESIGN.md section 1):
 *   tensorflow (tfjs-node-gpu, CUDA) -> webgpu (Dawn) -> tensorflow (tfjs-node, CPU) -> wasm -> cpu.
 * The native `tensorflow` backends are optional packages the user installs (see node-tf.ts).
 * A WebGPU adapter that is a software rasteriser (lavapipe) is ranked after the CPU backends in `auto`
 * because it is slower than WebAssembly for our models (see bench/reward-model.ts); it can still be forced.
 * tfjs has one global engine, so the selected backend is process-wide.
 */
import { tf } from '../tf';
import { RecutError } from '../../../shared/errors';
import { probeNativeTf, type NativeTfPackage } from './node-tf';
import { configureWasm } from './wasm';
import { probeWebGpu } from './webgpu';

export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendPreference = 'auto' | BackendName;

export interface BackendInfo {
  name: BackendName;
  /** the package that provides it */
  package: string;
  available: boolean;
  reason?: string;
  device?: string;
  /** a CPU-emulated GPU adapter: works, but slowly */
  software?: boolean;
}

export interface SelectedBackend {
  name: BackendName;
  device: string;
}

interface Candidate {
  name: BackendName;
  package: string;
  probe: () => Promise<{ available: boolean; reason?: string; device?: string; software?: boolean }>;
  /** registers the backend factory with tfjs (after a successful probe) */
  register: () => Promise<void>;
}

const native = (pkg: NativeTfPackage): Candidate => ({ name: 'tensorflow', package: pkg, probe: () => probeNativeTf(pkg), register: async () => {} });

const CANDIDATES: Candidate[] = [
  native('@tensorflow/tfjs-node-gpu'),
  {
    name: 'webgpu',
    package: '@tensorflow/tfjs-backend-webgpu',
    probe: probeWebGpu,
    register: async () => {
      await import('@tensorflow/tfjs-backend-webgpu'); // must follow the Dawn probe (it checks navigator.gpu on import)
    },
  },
  native('@tensorflow/tfjs-node'),
  { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', probe: configureWasm, register: async () => {} },
  { name: 'cpu', package: '@tensorflow/tfjs', probe: async () => ({ available: true, device: 'CPU (JavaScript)' }), register: async () => {} },
];

/** Every backend in preference order with whether it can run here and why not. Never throws. */
export function listBackends(): Promise<BackendInfo[]> {
  return probeSome(() => true);
}

/** Probes the candidates `which` selects; the others come back unavailable, unprobed (same indices). */
async function probeSome(which: (c: Candidate) => boolean): Promise<BackendInfo[]> {
  const out: BackendInfo[] = [];
  for (const c of CANDIDATES) {
    const p = which(c) ? await c.probe() : { available: false, reason: 'not probed' };
    out.push({ name: c.name, package: c.package, available: p.available, ...(p.reason ? { reason: p.reason } : {}), ...(p.device ? { device: p.device } : {}), ...(p.software ? { software: true } : {}) });
  }
  return out;
}

/** The order `auto` tries: the listed order, with software GPU adapters moved behind the CPU backends. */
function autoOrder(infos: BackendInfo[]): number[] {
  const idx = infos.map((_, i) => i);
  const soft = idx.filter((i) => infos[i].software);
  const cpu = idx.findIndex((i) => infos[i].name === 'cpu');
  const rest = idx.filter((i) => !infos[i].software && i !== cpu);
  return [...rest, ...soft, cpu];
}

let current: SelectedBackend | null = null;

/**
 * Makes `preference` (or, for 'auto', the fastest backend that works) tfjs's active backend.
 * A forced backend that cannot run is a RecutError('invalid_argument') naming the reason; 'auto'
 * always ends on `cpu` at worst.
 */
export async function selectBackend(preference: BackendPreference = 'auto'): Promise<SelectedBackend> {
  if (preference !== 'auto' && !BACKEND_NAMES.includes(preference)) {
    throw new RecutError('invalid_argument', `unknown backend "${String(preference)}" (expected auto, ${BACKEND_NAMES.join(', ')})`);
  }
  // A forced backend probes only its own candidates (no GPU probe when the user asked for wasm).
  const infos = preference === 'auto' ? await listBackends() : await probeSome((c) => c.name === preference);
  const order = preference === 'auto' ? autoOrder(infos) : infos.map((_, i) => i).filter((i) => infos[i].name === preference);
  const reasons: string[] = [];
  for (const i of order) {
    const info = infos[i];
    if (!info.available) {
      reasons.push(`${info.package}: ${info.reason ?? 'unavailable'}`);
      continue;
    }
    await CANDIDATES[i].register();
    if (await tf.setBackend(info.name)) {
      await tf.ready();
      current = { name: info.name, device: info.device ?? info.name };
      return current;
    }
    reasons.push(`${info.package}: tfjs could not initialise it`);
  }
  throw new RecutError('invalid_argument', `backend ${preference} is not available: ${reasons.join('; ')}`, { backend: preference, reasons });
}

/** The backend chosen by the last successful selectBackend, or null. */
export function currentBackend(): SelectedBackend | null {
  return current && tf.getBackend() === current.name ? current : null;
}

/**
 * The reward model's architecture as data (DESIGN.md section 4): every parameter's name and shape, in
 * a fixed order. The model code (model.ts), the checkpoint validator and the PyTorch reference
 * (scripts/torch_reward_ref.py) all follow this list. Only weights ever come from files.
 *
 * Per beat: LayerNorm(Linear(125 -> 256)) + position[t] (500 x 256) + action embedding (10 x 64, added
 * to the first 64 dims). Then 3 post-LN encoder layers (as PyTorch's nn.TransformerEncoderLayer with
 * norm_first = false): x = LN1(x + MHA(x)), x = LN2(x + FF(x)), 4 heads, d = 256, ff = 1024 (ReLU),
 * Q/K/V as one fused 256 x 768 projection, key padding masked. Masked mean pool over real beats. Head:
 * Linear(256,256) LN ReLU Linear(256,128) LN ReLU Linear(128,1); output 10*tanh(x/10).
 *
 * Parameter count (checked by a test against the 2,630,273 the design requires):
 *   input  125*256+256 + 2*256 + 500*256 + 10*64                        =   161,408
 *   layer  (256*768+768) + (256*256+256) + 2*2*256 + (256*1024+1024) + (1024*256+256)
 *                                                                       =   789,760  x 3 = 2,369,280
 *   head   256*256+256 + 2*256 + 256*128+128 + 2*128 + 128*1+1          =    99,585
 *   total                                                               = 2,630,273
 * (Post-LN has no final encoder LayerNorm; a pre-LN stack with one would be 512 more.)
 */
import { createHash } from 'node:crypto';

export const REWARD_FEATURES = 121;
export const EDIT_COLUMNS = 4;
export const REWARD_INPUTS = REWARD_FEATURES + EDIT_COLUMNS; // 125
export const MAX_BEATS = 500;
export const D_MODEL = 256;
export const HEADS = 4;
export const HEAD_DIM = D_MODEL / HEADS;
export const FF_DIM = 1024;
export const LAYERS = 3;
export const NUM_ACTIONS = 10;
export const ACTION_DIM = 64;
export const HEAD_HIDDEN = [256, 128] as const;
export const OUTPUT_SCALE = 10;
export const LN_EPS = 1e-5;

export const REWARD_MODEL_KIND = 'reward';
/**
 * Bump when the forward computation or what the inputs mean changes in a way old weights would not
 * survive (it is part of REWARD_ARCH_HASH, so an older checkpoint is refused with a clear message and
 * the engine falls back to the dense reward until a retrain). 2: replays read as loops, keep = share
 * heard, density per 4-bar phrase (inputs.ts). 3: positions counted from the first downbeat.
 * 4: positions in musical time (4 rows per bar in every meter); the cut column also marks the beats
 * on either side of each audible join (it repeated keep).
 */
export const REWARD_MODEL_VERSION = 4;

export interface ParamSpec {
  name: string;
  shape: number[];
  /** kernels get AdamW weight decay; biases, LayerNorm and embeddings do not */
  decay: boolean;
}

function linear(prefix: string, nIn: number, nOut: number): ParamSpec[] {
  return [
    { name: `${prefix}.kernel`, shape: [nIn, nOut], decay: true },
    { name: `${prefix}.bias`, shape: [nOut], decay: false },
  ];
}

function layerNorm(prefix: string, n: number): ParamSpec[] {
  return [
    { name: `${prefix}.gamma`, shape: [n], decay: false },
    { name: `${prefix}.beta`, shape: [n], decay: false },
  ];
}

function buildSpecs(): ParamSpec[] {
  const specs: ParamSpec[] = [
    ...linear('input.proj', REWARD_INPUTS, D_MODEL),
    ...layerNorm('input.norm', D_MODEL),
    { name: 'input.position', shape: [MAX_BEATS, D_MODEL], decay: false },
    { name: 'input.action', shape: [NUM_ACTIONS, ACTION_DIM], decay: false },
  ];
  for (let l = 0; l < LAYERS; l++) {
    specs.push(
      ...linear(`layer${l}.attn.qkv`, D_MODEL, 3 * D_MODEL),
      ...linear(`layer${l}.attn.out`, D_MODEL, D_MODEL),
      ...layerNorm(`layer${l}.norm1`, D_MODEL),
      ...linear(`layer${l}.ff1`, D_MODEL, FF_DIM),
      ...linear(`layer${l}.ff2`, FF_DIM, D_MODEL),
      ...layerNorm(`layer${l}.norm2`, D_MODEL),
    );
  }
  specs.push(
    ...linear('head.fc1', D_MODEL, HEAD_HIDDEN[0]),
    ...layerNorm('head.norm1', HEAD_HIDDEN[0]),
    ...linear('head.fc2', HEAD_HIDDEN[0], HEAD_HIDDEN[1]),
    ...layerNorm('head.norm2', HEAD_HIDDEN[1]),
    ...linear('head.out', HEAD_HIDDEN[1], 1),
  );
  return specs;
}

export const REWARD_PARAM_SPECS: readonly ParamSpec[] = Object.freeze(buildSpecs());

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function countParams(specs: readonly ParamSpec[] = REWARD_PARAM_SPECS): number {
  return specs.reduce((n, s) => n + sizeOf(s.shape), 0);
}

/** A hash of everything that fixes the tensor layout and the forward pass; stored in checkpoints. */
export const REWARD_ARCH_HASH = createHash('sha256')
  .update(JSON.stringify({ kind: REWARD_MODEL_KIND, version: REWARD_MODEL_VERSION, norm: 'post', act: 'relu', eps: LN_EPS, scale: OUTPUT_SCALE, params: REWARD_PARAM_SPECS.map((s) => [s.name, s.shape]) }))
  .digest('hex');

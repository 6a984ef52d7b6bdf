/**
 * WAV: our own RIFF chunk walker in front of `@audio/decode-wav`.
 *
 * Why not hand the file straight to the library: it trusts the header (a data chunk size is taken
 * as is), it finds nothing when the data chunk precedes fmt, and it skips odd-sized chunks without
 * their RIFF pad byte. So we walk the chunks ourselves, check every field against the file's real
 * size, then feed the library a canonical header plus the data in slices, copying each slice into
 * the output arrays (no whole-file interleaved copy).
 */
import { decoder as wavDecoder } from '@audio/decode-wav';
import { RecutError } from '../../shared/errors';
import type { PcmAudio } from './pcm';

export type WavCodec = 'pcm' | 'float' | 'alaw' | 'ulaw';

export interface WavHeader {
  codec: WavCodec;
  channels: number;
  sampleRate: number;
  bitDepth: number;
  blockAlign: number;
  /** Byte offset and length of the fmt chunk body (copied into the canonical header). */
  fmtOffset: number;
  fmtSize: number;
  dataOffset: number;
  /** Whole frames present in the file (never more than the bytes that exist). */
  frames: number;
}

const SIZE_PLACEHOLDERS = new Set([0, 0xffffffff]); // streaming writers that never patched the header
const MAX_CHANNELS = 8;

const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
const isFourcc = (b: Uint8Array, at: number) => {
  if (at + 4 > b.length) return false;
  for (let i = at; i < at + 4; i++) if (b[i] < 0x20 || b[i] > 0x7e) return false;
  return true;
};

const corrupt = (msg: string, details?: Record<string, unknown>) => new RecutError('corrupt_audio', `Corrupt WAV file: ${msg}`, details);

export function parseWavHeader(b: Uint8Array): WavHeader {
  if (b.length < 12) throw corrupt('the file ends inside the RIFF header');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let fmt: Omit<WavHeader, 'dataOffset' | 'frames'> | null = null;
  let data: { offset: number; declared: number } | null = null;
  let pos = 12;
  while (pos + 8 <= b.length && !(fmt && data)) {
    if (!isFourcc(b, pos)) {
      if (fmt && data) break;
      throw corrupt(`unreadable chunk header at byte ${pos}`);
    }
    const id = fourcc(b, pos);
    const size = dv.getUint32(pos + 4, true);
    if (id === 'fmt ') fmt = parseFmt(b, dv, pos + 8, size);
    if (id === 'data') {
      data = { offset: pos + 8, declared: size };
      if (SIZE_PLACEHOLDERS.has(size)) break; // data runs to the end of the file
    }
    let next = pos + 8 + size;
    // RIFF pads odd chunks to an even size; some writers forget the pad byte.
    if (size & 1 && (isFourcc(b, next + 1) || !isFourcc(b, next))) next += 1;
    pos = next;
  }
  if (!fmt) throw corrupt('no fmt chunk before the end of the file');
  if (!data) throw corrupt('no data chunk');
  const available = b.length - data.offset;
  if (!SIZE_PLACEHOLDERS.has(data.declared) && data.declared > available) {
    const rate = fmt.sampleRate * fmt.blockAlign;
    throw corrupt(
      `the file is truncated or its header lies: it declares ${(data.declared / rate).toFixed(2)} s of audio but holds ${(available / rate).toFixed(2)} s`,
      { declaredBytes: data.declared, availableBytes: available },
    );
  }
  const bytes = SIZE_PLACEHOLDERS.has(data.declared) ? available : data.declared;
  return { ...fmt, dataOffset: data.offset, frames: Math.floor(bytes / fmt.blockAlign) };
}

function parseFmt(b: Uint8Array, dv: DataView, at: number, size: number): Omit<WavHeader, 'dataOffset' | 'frames'> {
  if (size < 16 || at + 16 > b.length) throw corrupt('fmt chunk is too short');
  let tag = dv.getUint16(at, true);
  const channels = dv.getUint16(at + 2, true);
  const sampleRate = dv.getUint32(at + 4, true);
  const blockAlign = dv.getUint16(at + 12, true);
  const bitDepth = dv.getUint16(at + 14, true);
  if (tag === 0xfffe) {
    if (size < 40 || at + 26 > b.length) throw corrupt('WAVE_FORMAT_EXTENSIBLE fmt chunk is too short');
    tag = dv.getUint16(at + 24, true); // first two bytes of the SubFormat GUID
  }
  if (channels === 0) throw corrupt('the header declares 0 channels');
  if (channels > 64) throw corrupt(`the header declares ${channels} channels`);
  if (channels > MAX_CHANNELS) {
    throw new RecutError('unsupported_format', `This WAV has ${channels} channels; Recut opens files with up to ${MAX_CHANNELS}.`);
  }
  if (sampleRate === 0 || sampleRate > 10_000_000) throw corrupt(`the header declares a sample rate of ${sampleRate} Hz`);
  const codec: WavCodec | undefined = ({ 1: 'pcm', 3: 'float', 6: 'alaw', 7: 'ulaw' } as Record<number, WavCodec>)[tag];
  if (!codec) {
    const name = tag === 2 || tag === 0x11 ? 'ADPCM' : tag === 0x55 ? 'MP3-in-WAV' : `codec 0x${tag.toString(16)}`;
    throw new RecutError('unsupported_format', `This WAV file uses ${name}; Recut reads PCM, float, A-law and µ-law WAV.`);
  }
  const okDepth =
    codec === 'pcm' ? [8, 16, 24, 32].includes(bitDepth) : codec === 'float' ? bitDepth === 32 || bitDepth === 64 : bitDepth === 8;
  if (!okDepth) throw corrupt(`${bitDepth}-bit samples are not valid for ${codec} WAV`);
  if (blockAlign !== (channels * bitDepth) / 8) {
    throw corrupt(`block size ${blockAlign} does not match ${channels} channels of ${bitDepth}-bit samples`);
  }
  return { codec, channels, sampleRate, bitDepth, blockAlign, fmtOffset: at, fmtSize: Math.min(size, 40) };
}

/** A minimal RIFF header (the file's own fmt body + a data chunk header) for the library decoder. */
function canonicalHeader(b: Uint8Array, h: WavHeader): Uint8Array {
  const fmtSize = h.fmtSize + (h.fmtSize & 1);
  const out = new Uint8Array(12 + 8 + fmtSize + 8);
  const dv = new DataView(out.buffer);
  const dataBytes = h.frames * h.blockAlign;
  out.set([0x52, 0x49, 0x46, 0x46], 0); // RIFF
  dv.setUint32(4, Math.min(0xfffffffe, out.length - 8 + dataBytes), true);
  out.set([0x57, 0x41, 0x56, 0x45, 0x66, 0x6d, 0x74, 0x20], 8); // WAVEfmt_
  dv.setUint32(16, fmtSize, true);
  out.set(b.subarray(h.fmtOffset, h.fmtOffset + h.fmtSize), 20);
  const d = 20 + fmtSize;
  out.set([0x64, 0x61, 0x74, 0x61], d); // data
  dv.setUint32(d + 4, dataBytes, true);
  return out;
}

const SLICE_FRAMES = 1 << 16;

/** Decodes the WAV whose validated header is `h`; the caller has checked the size limits. */
export function decodeWavBytes(bytes: Uint8Array, h: WavHeader): PcmAudio {
  // A plain Uint8Array view: the library realigns odd offsets with .slice(), which on a Node
  // Buffer returns a view instead of a copy.
  const b = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const channels = Array.from({ length: h.channels }, () => new Float32Array(h.frames));
  const dec = wavDecoder();
  try {
    dec.decode(canonicalHeader(b, h));
    for (let f = 0; f < h.frames; f += SLICE_FRAMES) {
      const n = Math.min(SLICE_FRAMES, h.frames - f);
      const start = h.dataOffset + f * h.blockAlign;
      const r = dec.decode(b.subarray(start, start + n * h.blockAlign));
      if (r.channelData.length !== h.channels || r.channelData.some((c) => c.length !== n)) {
        throw corrupt(`the decoder returned an unexpected block at frame ${f}`);
      }
      for (let c = 0; c < h.channels; c++) channels[c].set(r.channelData[c], f);
    }
  } finally {
    dec.free();
  }
  return { sampleRate: h.sampleRate, channels };
}

/**
 * Audio file decoding: WAV (PCM 8/16/24/32-bit, float 32/64, A-law, µ-law), FLAC, MP3, Ogg Vorbis.
 *
 * Limits (a clear typed error beyond each, checked before the big allocations):
 *  - MAX_DECODE_SECONDS = 30 min of audio (`audio_too_long`);
 *  - MAX_DECODED_SAMPLES = 2^28 samples over all channels = 1 GiB of float32 (`audio_too_long`:
 *    30 min of stereo fits up to 48 kHz; at 96 kHz stereo the cap is about 23 min);
 *  - MAX_FILE_BYTES = 1.5 GiB on disk; sample rates 8-384 kHz; 1-8 channels.
 * The format comes from the file's bytes, never its name. Recognised formats we do not read (AAC,
 * M4A/MP4, AIFF, Opus, video, images, text) get `unsupported_format` naming the format; anything
 * truncated, lying or undecodable gets `corrupt_audio`. Compressed formats decode in a worker with a
 * deadline (see decode-worker.ts); every decoder's output is checked (rate, channel lengths, finite).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseBuffer } from 'music-metadata';
import { RecutError } from '../../shared/errors';
import { sniffFormat, type DecodableFormat } from './decode-sniff';
import { decodeWavBytes, parseWavHeader, type WavHeader } from './decode-wav';
import { decodeInWorker } from './decode-worker';
import type { PcmAudio } from './pcm';

export const MAX_DECODE_SECONDS = 30 * 60;
export const MAX_DECODED_SAMPLES = 2 ** 28;
export const MAX_FILE_BYTES = 1.5 * 2 ** 30;
export const MIN_SAMPLE_RATE = 8_000;
export const MAX_SAMPLE_RATE = 384_000;
export const MAX_CHANNELS = 8;

export type AudioFormat = DecodableFormat;

export interface AudioTags {
  title?: string;
  artist?: string;
  album?: string;
}

export interface AudioInfo {
  format: AudioFormat;
  sampleRate: number;
  channels: number;
  /** Exact after decoding; from the header (MP3: an estimate) in `probeAudio`. */
  durationSeconds: number;
  bitDepth?: number;
  tags?: AudioTags;
  /** sha256 of the file's bytes, hex: the song id. */
  contentHash: string;
  fileBytes: number;
}

export interface DecodeOptions {
  /** Lower the duration cap (never above MAX_DECODE_SECONDS). */
  maxDurationSeconds?: number;
  /** Deadline for a compressed-format decode; default 30 s + 2 s per MB of file. */
  timeoutMs?: number;
}

/** File extensions of the formats Recut decodes (a folder import picks these; a misnamed file is told apart from an unknown one). */
export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set(['.wav', '.wave', '.flac', '.mp3', '.ogg', '.oga']);

interface Loaded {
  name: string;
  bytes: Buffer;
  format: AudioFormat;
  offset: number;
  contentHash: string;
  wav?: WavHeader;
  flac?: FlacStreamInfo;
}

async function loadFile(path: string): Promise<Loaded> {
  const name = basename(path);
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new RecutError('invalid_argument', `"${name}" is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof RecutError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RecutError('not_found', `Audio file not found: ${path}`);
    throw new RecutError('io', `Cannot read "${name}": ${(e as Error).message}`);
  }
  if (size === 0) throw new RecutError('corrupt_audio', `"${name}" is empty (0 bytes)`);
  if (size > MAX_FILE_BYTES) {
    throw new RecutError('audio_too_long', `"${name}" is ${(size / 2 ** 30).toFixed(1)} GB; Recut opens audio files up to 1.5 GB`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new RecutError('io', `Cannot read "${name}": ${(e as Error).message}`);
  }
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  const sniff = sniffFormat(bytes.subarray(0, 65536));
  if (sniff.kind === 'unsupported') {
    throw new RecutError('unsupported_format', `"${name}" is ${sniff.name}. Recut opens WAV, FLAC, MP3 and Ogg Vorbis files.`, {
      detected: sniff.name,
    });
  }
  if (sniff.kind === 'unknown') {
    const ext = extname(name).toLowerCase();
    if (AUDIO_EXTENSIONS.has(ext)) {
      throw new RecutError(
        'corrupt_audio',
        `"${name}" is named ${ext} but its contents are not valid WAV, FLAC, MP3 or Ogg Vorbis audio`,
      );
    }
    throw new RecutError('unsupported_format', `"${name}" is not a recognised audio file. Recut opens WAV, FLAC, MP3 and Ogg Vorbis.`);
  }
  const loaded: Loaded = { name, bytes, format: sniff.format, offset: sniff.offset, contentHash };
  if (sniff.format === 'wav') loaded.wav = parseWavHeader(bytes);
  if (sniff.format === 'flac') loaded.flac = parseFlacStreamInfo(bytes, sniff.offset, name);
  return loaded;
}

interface FlacStreamInfo {
  sampleRate: number;
  channels: number;
  bitDepth: number;
  /** 0 when the encoder did not know it. */
  totalFrames: number;
}

function parseFlacStreamInfo(b: Uint8Array, offset: number, name: string): FlacStreamInfo {
  const at = offset + 4;
  if (b.length < at + 4 + 34) throw new RecutError('corrupt_audio', `"${name}": the FLAC file ends inside its STREAMINFO header`);
  const type = b[at] & 0x7f;
  const len = (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
  if (type !== 0 || len !== 34) throw new RecutError('corrupt_audio', `"${name}": the FLAC file does not start with a valid STREAMINFO block`);
  const s = at + 4;
  const sampleRate = (b[s + 10] << 12) | (b[s + 11] << 4) | (b[s + 12] >> 4);
  const channels = ((b[s + 12] >> 1) & 7) + 1;
  const bitDepth = (((b[s + 12] & 1) << 4) | (b[s + 13] >> 4)) + 1;
  const totalFrames = (b[s + 13] & 0x0f) * 2 ** 32 + ((b[s + 14] << 24) >>> 0) + (b[s + 15] << 16) + (b[s + 16] << 8) + b[s + 17];
  if (sampleRate === 0) throw new RecutError('corrupt_audio', `"${name}": the FLAC header declares a sample rate of 0 Hz`);
  return { sampleRate, channels, bitDepth, totalFrames };
}

function checkRate(rate: number, name: string, kind: 'unsupported_format' | 'corrupt_audio'): void {
  if (!Number.isFinite(rate) || rate < MIN_SAMPLE_RATE || rate > MAX_SAMPLE_RATE) {
    throw new RecutError(kind, `"${name}" has a sample rate of ${rate} Hz; Recut reads 8 kHz to 384 kHz`);
  }
}

function frameCap(rate: number, channels: number, opts: DecodeOptions): number {
  const seconds = Math.min(MAX_DECODE_SECONDS, opts.maxDurationSeconds ?? MAX_DECODE_SECONDS);
  return Math.floor(Math.min(seconds * rate, MAX_DECODED_SAMPLES / Math.max(1, channels)));
}

function tooLong(name: string, rate: number, channels: number, frames: number | undefined, opts: DecodeOptions): RecutError {
  const capMin = frameCap(rate, channels, opts) / rate / 60;
  const what = frames ? `${(frames / rate / 60).toFixed(1)} min long` : 'longer than that';
  return new RecutError(
    'audio_too_long',
    `"${name}" is ${what}; Recut opens up to ${capMin.toFixed(1)} min at ${rate / 1000} kHz with ${channels} channel(s)`,
    { maxSeconds: Math.round(capMin * 60) },
  );
}

async function readTags(bytes: Uint8Array, format: AudioFormat, withDuration: boolean) {
  const mime = { wav: 'audio/wav', flac: 'audio/flac', mp3: 'audio/mpeg', 'ogg-vorbis': 'audio/ogg' }[format];
  try {
    const mm = await parseBuffer(bytes, { mimeType: mime, size: bytes.length }, { duration: withDuration, skipCovers: true });
    const { title, artist, album } = mm.common;
    const tags: AudioTags = {};
    if (title) tags.title = title;
    if (artist) tags.artist = artist;
    if (album) tags.album = album;
    return { tags: Object.keys(tags).length ? tags : undefined, format: mm.format };
  } catch {
    return { tags: undefined, format: undefined }; // tags are optional; the decoder judges the audio
  }
}

/** Header-level facts without decoding the samples (MP3 duration is the metadata estimate). */
export async function probeAudio(path: string): Promise<AudioInfo> {
  const f = await loadFile(path);
  const mm = await readTags(f.bytes, f.format, f.format === 'mp3' || f.format === 'ogg-vorbis');
  let sampleRate: number, channels: number, durationSeconds: number, bitDepth: number | undefined;
  if (f.wav) {
    ({ sampleRate, channels, bitDepth } = f.wav);
    durationSeconds = f.wav.frames / sampleRate;
  } else if (f.flac) {
    ({ sampleRate, channels, bitDepth } = f.flac);
    durationSeconds = f.flac.totalFrames / sampleRate;
  } else {
    if (!mm.format?.sampleRate || !mm.format.numberOfChannels) {
      throw new RecutError('corrupt_audio', `"${f.name}": no readable ${f.format === 'mp3' ? 'MP3' : 'Ogg Vorbis'} header`);
    }
    sampleRate = mm.format.sampleRate;
    channels = mm.format.numberOfChannels;
    durationSeconds = mm.format.duration ?? 0;
  }
  checkRate(sampleRate, f.name, 'unsupported_format');
  return { format: f.format, sampleRate, channels, durationSeconds, bitDepth, tags: mm.tags, contentHash: f.contentHash, fileBytes: f.bytes.length };
}

export async function decodeAudioFile(path: string, opts: DecodeOptions = {}): Promise<{ audio: PcmAudio; info: AudioInfo }> {
  const f = await loadFile(path);
  const { tags, format: mmFormat } = await readTags(f.bytes, f.format, false);
  const fileBytes = f.bytes.length;
  let audio: PcmAudio;
  let bitDepth: number | undefined;
  if (f.wav) {
    const h = f.wav;
    checkRate(h.sampleRate, f.name, 'unsupported_format');
    if (h.frames > frameCap(h.sampleRate, h.channels, opts)) throw tooLong(f.name, h.sampleRate, h.channels, h.frames, opts);
    if (h.frames === 0) throw new RecutError('corrupt_audio', `"${f.name}" contains no audio samples`);
    audio = decodeWavBytes(f.bytes, h);
    bitDepth = h.bitDepth;
  } else {
    const hintRate = f.flac?.sampleRate ?? mmFormat?.sampleRate ?? MAX_SAMPLE_RATE;
    const hintChannels = f.flac?.channels ?? mmFormat?.numberOfChannels ?? 2;
    if (f.flac) checkRate(f.flac.sampleRate, f.name, 'unsupported_format');
    const maxFrames = frameCap(Math.min(hintRate, MAX_SAMPLE_RATE), hintChannels, opts);
    // Trust a header's length only as far as the file could plausibly hold it (12:1 vs 16-bit PCM).
    const plausible = Math.floor((fileBytes * 12) / hintChannels) + 65536;
    const claimed = f.flac?.totalFrames || (mmFormat?.duration && mmFormat.sampleRate ? Math.ceil(mmFormat.duration * mmFormat.sampleRate) : 0);
    const r = await decodeInWorker({
      format: f.format as Exclude<AudioFormat, 'wav'>,
      bytes: ownArrayBuffer(f.bytes),
      maxFrames,
      initialFrames: Math.min(claimed, maxFrames, plausible),
      timeoutMs: opts.timeoutMs ?? 30_000 + 2_000 * Math.ceil(fileBytes / 1e6),
    });
    if (!r.ok) {
      if (r.reason === 'too_long') throw tooLong(f.name, hintRate, hintChannels, undefined, opts);
      throw new RecutError('corrupt_audio', `Could not decode "${f.name}" as ${formatName(f.format)}: ${r.message}`, { reason: r.reason });
    }
    audio = { sampleRate: r.sampleRate, channels: r.channels };
    if (f.flac) {
      bitDepth = f.flac.bitDepth;
      if (f.flac.totalFrames > 0 && r.frames !== f.flac.totalFrames) {
        throw new RecutError(
          'corrupt_audio',
          `"${f.name}" is truncated or damaged: its header declares ${(f.flac.totalFrames / f.flac.sampleRate).toFixed(2)} s, ` +
            `${(r.frames / r.sampleRate).toFixed(2)} s could be decoded`,
          { declaredFrames: f.flac.totalFrames, decodedFrames: r.frames },
        );
      }
    }
  }
  validatePcm(audio, f.name);
  const frames = audio.channels[0].length;
  if (frames > frameCap(audio.sampleRate, audio.channels.length, opts)) throw tooLong(f.name, audio.sampleRate, audio.channels.length, frames, opts);
  const info: AudioInfo = {
    format: f.format,
    sampleRate: audio.sampleRate,
    channels: audio.channels.length,
    durationSeconds: frames / audio.sampleRate,
    bitDepth,
    tags,
    contentHash: f.contentHash,
    fileBytes,
  };
  return { audio, info };
}

const formatName = (f: AudioFormat) => ({ wav: 'WAV', flac: 'FLAC', mp3: 'MP3', 'ogg-vorbis': 'Ogg Vorbis' })[f];

/** The bytes as a standalone ArrayBuffer we may transfer (Buffers can share a pooled one). */
function ownArrayBuffer(b: Buffer): ArrayBuffer {
  if (b.byteOffset === 0 && b.buffer.byteLength === b.length && b.buffer instanceof ArrayBuffer) return b.buffer;
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
}

/** Decoder output checks: rate, channel count, equal lengths, at least one frame, finite samples. */
export function validatePcm(audio: PcmAudio, name: string): void {
  checkRate(audio.sampleRate, name, 'corrupt_audio');
  const n = audio.channels.length;
  if (n < 1 || n > MAX_CHANNELS) throw new RecutError('corrupt_audio', `"${name}" decoded to ${n} channels (expected 1-${MAX_CHANNELS})`);
  const len = audio.channels[0].length;
  if (len === 0) throw new RecutError('corrupt_audio', `"${name}" contains no audio samples`);
  for (const ch of audio.channels) {
    if (ch.length !== len) throw new RecutError('corrupt_audio', `"${name}" decoded to channels of different lengths`);
    for (let i = 0; i < len; i++) {
      const v = ch[i];
      // v - v is 0 for finite numbers and NaN for NaN/Infinity: one comparison per sample.
      if (v - v !== 0) {
        throw new RecutError('corrupt_audio', `"${name}" contains invalid samples (NaN or infinity) at ${(i / audio.sampleRate).toFixed(3)} s`);
      }
    }
  }
}

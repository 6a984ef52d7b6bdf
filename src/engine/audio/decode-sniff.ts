/**
 * Audio format detection from a file's first bytes (never from its extension: a WAV named .mp3 is a
 * WAV). Recognises the four formats Recut decodes and names common ones it does not, so the user
 * gets "AAC in an MP4 container is not supported" rather than "corrupt file".
 */

export type DecodableFormat = 'wav' | 'flac' | 'mp3' | 'ogg-vorbis';

export type SniffResult =
  | { kind: 'decodable'; format: DecodableFormat; /** byte offset of the format's own header (after an ID3v2 tag) */ offset: number }
  | { kind: 'unsupported'; name: string }
  | { kind: 'unknown' };

const ascii = (b: Uint8Array, at: number, len: number) => String.fromCharCode(...b.subarray(at, at + len));

/** Size of an ID3v2 tag at `at` (header + body + footer), 0 when there is none. */
export function id3v2Size(b: Uint8Array, at = 0): number {
  if (b.length < at + 10 || ascii(b, at, 3) !== 'ID3') return 0;
  const size = ((b[at + 6] & 0x7f) << 21) | ((b[at + 7] & 0x7f) << 14) | ((b[at + 8] & 0x7f) << 7) | (b[at + 9] & 0x7f);
  const footer = b[at + 5] & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

const MPEG_BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG_BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MPEG_RATES = [
  [11025, 12000, 8000], // 2.5
  [0, 0, 0],
  [22050, 24000, 16000], // 2
  [44100, 48000, 32000], // 1
];

/** Length in bytes of the MPEG audio layer III frame whose header starts at `at`, or 0 if none. */
export function mp3FrameLength(b: Uint8Array, at: number): number {
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1] & 0xe0) !== 0xe0) return 0;
  const version = (b[at + 1] >> 3) & 3; // 0: 2.5, 2: 2, 3: 1
  const layer = (b[at + 1] >> 1) & 3; // 1: layer III
  const bitrateIdx = b[at + 2] >> 4;
  const rateIdx = (b[at + 2] >> 2) & 3;
  if (version === 1 || layer !== 1 || bitrateIdx === 0 || bitrateIdx === 15 || rateIdx === 3) return 0;
  const rate = MPEG_RATES[version][rateIdx];
  const kbps = (version === 3 ? MPEG_BITRATES_V1_L3 : MPEG_BITRATES_V2_L3)[bitrateIdx];
  const padding = (b[at + 2] >> 1) & 1;
  return Math.floor(((version === 3 ? 144 : 72) * kbps * 1000) / rate) + padding;
}

/** An MP3 stream starts at `at`: a frame header whose successor (if in range) is also a frame header. */
function looksLikeMp3(b: Uint8Array, at: number): boolean {
  const len = mp3FrameLength(b, at);
  if (!len) return false;
  return at + len + 4 > b.length || mp3FrameLength(b, at + len) > 0;
}

function sniffMp4Brand(b: Uint8Array): string {
  const brand = ascii(b, 8, 4).trim();
  if (/^M4A|^M4B|^M4P/.test(brand)) return 'M4A (AAC or ALAC audio in an MP4 container)';
  if (/^qt/.test(brand)) return 'QuickTime movie';
  if (/^3g/.test(brand)) return '3GP media';
  return `MP4 (${brand || 'unknown brand'})`;
}

function looksLikeText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 512);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c < 0x09 || (c > 0x0d && c < 0x20 && c !== 0x1b) || c === 0x7f) return false;
  }
  return true;
}

/** Detects the format from up to the first 64 KiB (more helps only MP3 after a big ID3 tag). */
export function sniffFormat(b: Uint8Array): SniffResult {
  if (b.length >= 12) {
    const riff = ascii(b, 0, 4);
    const form = ascii(b, 8, 4);
    if (riff === 'RIFF' && form === 'WAVE') return { kind: 'decodable', format: 'wav', offset: 0 };
    if (riff === 'RIFF' && form === 'AVI ') return { kind: 'unsupported', name: 'AVI video' };
    if (riff === 'RIFX' && form === 'WAVE') return { kind: 'unsupported', name: 'big-endian WAV (RIFX)' };
    if ((riff === 'RF64' || riff === 'BW64') && form === 'WAVE') return { kind: 'unsupported', name: 'RF64/BW64 WAV (over 4 GB)' };
    if (riff === 'FORM' && (form === 'AIFF' || form === 'AIFC')) return { kind: 'unsupported', name: 'AIFF' };
    if (ascii(b, 4, 4) === 'ftyp') return { kind: 'unsupported', name: sniffMp4Brand(b) };
    if (['moov', 'mdat', 'wide', 'free'].includes(ascii(b, 4, 4))) return { kind: 'unsupported', name: 'MP4/QuickTime' };
  }
  if (b.length >= 4) {
    const m4 = ascii(b, 0, 4);
    if (m4 === 'RIFF' && b.length < 12) return { kind: 'decodable', format: 'wav', offset: 0 }; // cut short: the parser says so
    if (m4 === 'fLaC') return { kind: 'decodable', format: 'flac', offset: 0 };
    if (m4 === 'OggS') return sniffOgg(b);
    if (m4 === 'caff') return { kind: 'unsupported', name: 'Core Audio Format (CAF)' };
    if (m4 === 'ADIF') return { kind: 'unsupported', name: 'AAC (ADIF)' };
    if (m4 === '.snd') return { kind: 'unsupported', name: 'Sun/NeXT AU' };
    if (m4 === 'wvpk') return { kind: 'unsupported', name: 'WavPack' };
    if (m4 === 'MAC ') return { kind: 'unsupported', name: "Monkey's Audio (APE)" };
    if (m4 === '%PDF') return { kind: 'unsupported', name: 'PDF document, not audio' };
    if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return { kind: 'unsupported', name: 'Matroska/WebM' };
    if (b[0] === 0x30 && b[1] === 0x26 && b[2] === 0xb2 && b[3] === 0x75) return { kind: 'unsupported', name: 'WMA/ASF' };
    if (b[0] === 0x89 && m4.slice(1) === 'PNG') return { kind: 'unsupported', name: 'PNG image, not audio' };
    if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { kind: 'unsupported', name: 'JPEG image, not audio' };
    if (m4 === 'GIF8') return { kind: 'unsupported', name: 'GIF image, not audio' };
    if (m4 === 'PK\x03\x04') return { kind: 'unsupported', name: 'ZIP archive, not audio' };
  }
  const tag = id3v2Size(b);
  if (tag > 0) {
    if (b.length >= tag + 4 && ascii(b, tag, 4) === 'fLaC') return { kind: 'decodable', format: 'flac', offset: tag };
    if (looksLikeMp3(b, tag) || b.length < tag + 4) return { kind: 'decodable', format: 'mp3', offset: tag };
    // Some encoders pad after the tag: look a little further for the first frame.
    for (let i = tag; i < Math.min(b.length - 4, tag + 4096); i++) if (looksLikeMp3(b, i)) return { kind: 'decodable', format: 'mp3', offset: i };
    if (isAdts(b, tag)) return { kind: 'unsupported', name: 'AAC (ADTS)' };
    return { kind: 'unknown' };
  }
  if (isAdts(b, 0)) return { kind: 'unsupported', name: 'AAC (ADTS)' };
  if (looksLikeMp3(b, 0)) return { kind: 'decodable', format: 'mp3', offset: 0 };
  if (looksLikeText(b)) return { kind: 'unsupported', name: 'text file, not audio' };
  return { kind: 'unknown' };
}

/** ADTS AAC: 12-bit sync, layer bits 00 (MPEG audio layer III has 01). */
function isAdts(b: Uint8Array, at: number): boolean {
  return at + 7 <= b.length && b[at] === 0xff && (b[at + 1] & 0xf6) === 0xf0;
}

function sniffOgg(b: Uint8Array): SniffResult {
  // First page: 27-byte header, segment table, then the first packet (the codec's id header).
  if (b.length < 28) return { kind: 'decodable', format: 'ogg-vorbis', offset: 0 }; // truncated: the decoder reports it
  const segs = b[26];
  const p = 27 + segs;
  const head = ascii(b, p, 8);
  if (head.startsWith('\x01vorbis')) return { kind: 'decodable', format: 'ogg-vorbis', offset: 0 };
  if (head.startsWith('OpusHead')) return { kind: 'unsupported', name: 'Ogg Opus' };
  if (head.startsWith('\x7fFLAC')) return { kind: 'unsupported', name: 'Ogg FLAC' };
  if (head.startsWith('Speex')) return { kind: 'unsupported', name: 'Ogg Speex' };
  if (head.startsWith('\x80theora')) return { kind: 'unsupported', name: 'Ogg Theora video' };
  if (b.length < p + 8) return { kind: 'decodable', format: 'ogg-vorbis', offset: 0 };
  return { kind: 'unknown' };
}

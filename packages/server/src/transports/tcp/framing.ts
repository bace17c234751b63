/**
 * The simple chatroom's frame (GATEWAYS.md §3): `"<decimal byte length>\n"` then that many bytes of
 * JSON, one frame per TCP connection each way.
 */

/** The largest request body accepted: a 10,000-character message escaped as \uXXXX, with room to spare. */
export const MAX_FRAME_BYTES = 128 * 1024;
/** Digits a length line may have: enough for MAX_FRAME_BYTES, so a huge length is refused before any body is read. */
const MAX_LENGTH_DIGITS = String(MAX_FRAME_BYTES).length;
const NEWLINE = 0x0a;

/**
 * JSON as Python 2's json.dumps writes it by default: every character past ASCII escaped, so the
 * byte length is the character length. The seed's client reads the body with one recv() of the
 * announced length and decodes it with json.loads: plain ASCII suits both.
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One frame's bytes, written in one go (the seed's client reads the body with a single recv). */
export function encodeFrame(value: unknown): Buffer {
  const body = asciiJson(value);
  return Buffer.from(`${Buffer.byteLength(body)}\n${body}`, 'utf8');
}

/** Why a request frame was refused; the gateway answers each with a protocol error. */
export class FrameError extends Error {}

/**
 * Reads one frame from a stream of chunks: the length line (digits only, at most
 * MAX_LENGTH_DIGITS of them, at most MAX_FRAME_BYTES), then the body. Bytes are kept only up to the
 * announced length, so a client that announces a huge length or sends without end is refused
 * without being buffered.
 */
export class FrameReader {
  private lengthText = '';
  private expected: number | undefined;
  private readonly parts: Buffer[] = [];
  private received = 0;
  private readonly maxBytes: number;

  constructor(maxBytes = MAX_FRAME_BYTES) {
    this.maxBytes = maxBytes;
  }

  /** Feeds a chunk; the frame's JSON value once complete (bytes after it are ignored), else undefined. Throws FrameError. */
  push(chunk: Buffer): { value: unknown } | undefined {
    let offset = 0;
    if (this.expected === undefined) {
      while (offset < chunk.length) {
        const byte = chunk[offset++]!;
        if (byte === NEWLINE) {
          if (this.lengthText === '') throw new FrameError('The frame has no length before its newline.');
          this.expected = Number(this.lengthText);
          if (this.expected > this.maxBytes) throw new FrameError(`The frame is too long: at most ${this.maxBytes} bytes.`);
          break;
        }
        if (byte < 0x30 || byte > 0x39) throw new FrameError('The frame must start with its length in decimal digits and a newline.');
        if (this.lengthText.length >= MAX_LENGTH_DIGITS) throw new FrameError(`The frame is too long: at most ${this.maxBytes} bytes.`);
        this.lengthText += String.fromCharCode(byte);
      }
      if (this.expected === undefined) return undefined;
    }
    const wanted = this.expected - this.received;
    const part = chunk.subarray(offset, offset + wanted);
    if (part.length > 0) {
      this.parts.push(part);
      this.received += part.length;
    }
    if (this.received < this.expected) return undefined;
    return { value: parseBody(Buffer.concat(this.parts, this.received)) };
  }
}

function parseBody(body: Buffer): unknown {
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let json: string;
  try {
    json = text.decode(body);
  } catch {
    throw new FrameError('The frame is not UTF-8.');
  }
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw new FrameError('The frame is not valid JSON.');
  }
}

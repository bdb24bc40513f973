/**
 * Reads a POSTed JSON body with every limit applied before the work: declared and received
 * sizes, the inflated size of compressed bodies, and the nesting depth. Failures are a
 * RequestRejected with the HTTP status to answer; nothing here throws anything else.
 */
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';

/** A request refused at the edge: the status to answer and a short reason for the log. */
export class RequestRejected extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'RequestRejected';
  }
}

export interface BodyLimits {
  /** The largest body, raw and (for compressed bodies) inflated. */
  maxBytes: number;
  /** The deepest nesting of objects and arrays accepted. */
  maxDepth: number;
}

type Inflate = (buf: Buffer, options: zlib.ZlibOptions, cb: (err: Error | null, out: Buffer) => void) => void;
// What a client may send. Bot Connector requests are plain JSON; compressed ones are accepted, capped.
const INFLATERS = new Map<string, Inflate>([
  ['gzip', zlib.gunzip],
  ['x-gzip', zlib.gunzip],
  ['deflate', zlib.inflate],
  ['br', zlib.brotliDecompress as Inflate],
]);

/** The JSON value of the request body, after its headers and size were checked. */
export async function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  checkContentType(req.headers['content-type']);
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const inflate = encoding === 'identity' || encoding === '' ? null : INFLATERS.get(encoding);
  if (inflate === undefined)
    throw new RequestRejected(415, `unsupported content encoding "${encoding.slice(0, 40)}"`);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limits.maxBytes)
    throw new RequestRejected(413, `declared body of ${Number(declared)} bytes is over ${limits.maxBytes}`);

  const raw = await receive(req, limits.maxBytes);
  const bytes = inflate ? await inflated(inflate, raw, limits.maxBytes) : raw;
  const text = bytes.toString('utf8');
  if (tooDeep(text, limits.maxDepth))
    throw new RequestRejected(400, `JSON nested deeper than ${limits.maxDepth} levels`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RequestRejected(400, 'the body is not JSON');
  }
}

function checkContentType(header: string | undefined): void {
  const [type, ...params] = (header ?? '').toLowerCase().split(';');
  const mediaType = type.trim();
  if (mediaType !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(mediaType))
    throw new RequestRejected(415, `content type "${mediaType.slice(0, 60)}" is not JSON`);
  const charset = params.map((p) => p.trim()).find((p) => p.startsWith('charset='));
  if (charset && !['charset=utf-8', 'charset=utf8', 'charset="utf-8"'].includes(charset))
    throw new RequestRejected(415, `JSON must be UTF-8 (${charset.slice(0, 40)})`);
}

/** The raw bytes, stopping (413) as soon as they pass the cap, whatever Content-Length said. */
function receive(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err: RequestRejected | null) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) {
        req.resume(); // drain what is in flight; the server closes the connection after the answer
        reject(err);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) done(new RequestRejected(413, `body over ${maxBytes} bytes`));
      else chunks.push(chunk);
    };
    const onEnd = () => done(null);
    const onError = (err: Error) =>
      done(new RequestRejected(400, `the body could not be read (${err.message})`));
    // A request timed out or abandoned by its client closes before it ends.
    const onClose = () => done(new RequestRejected(408, 'the client stopped sending the body'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * Reads and discards what is left of a request body refused before it was read: true once it
 * ended within maxBytes; false if it passed them, failed, or the client went away.
 */
export async function drainBody(req: IncomingMessage, maxBytes: number): Promise<boolean> {
  if (req.readableEnded) return true;
  if (req.destroyed || req.socket.destroyed) return false;
  return receive(req, maxBytes).then(
    () => true,
    () => false,
  );
}

/** Inflates on the thread pool with zlib's own output cap, so a bomb stops at maxBytes. */
function inflated(inflate: Inflate, raw: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    inflate(raw, { maxOutputLength: maxBytes }, (err, out) => {
      if (!err) return resolve(out);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError)
        reject(new RequestRejected(413, `inflated body over ${maxBytes} bytes`));
      else reject(new RequestRejected(400, `the compressed body is corrupt (${code ?? err.message})`));
    });
  });
}

/** Whether objects and arrays nest deeper than max, counted outside strings, without parsing. */
export function tooDeep(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

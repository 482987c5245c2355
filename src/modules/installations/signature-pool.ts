import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { ProblemError, type FieldError } from '../../http/problem.js';

/**
 * Signatures are decoded in worker threads: a worst-case image (2,000 × 1,000 pixels at 16 bits
 * per channel) costs about a second of CPU and tens of megabytes, which on the main thread froze
 * every other request (/health included) and, four at once, pushed the process past 400 MB.
 * One worker: decodes queue behind each other, so memory is bounded by one decode, not by how
 * many tablets sign at the same moment (a completion is rare; a second of queueing is not). Each worker's heap is
 * capped too; a decode that goes past it kills only that worker and is refused.
 */
const THREADS = 1;
/** Beyond this many waiting, a signature is refused for now (503) rather than queued forever. */
const MAX_QUEUE = 64;

// Source (tests, `npm start`) or build: the worker file sits beside this one, in TypeScript only
// when this file is, and then the worker needs tsx to load it.
const fromSource = import.meta.url.endsWith('.ts');

let pool: Piscina | undefined;

function signaturePool(): Piscina {
  if (pool) return pool;
  pool = new Piscina({
    filename: fileURLToPath(new URL(`./signature-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url)),
    execArgv: fromSource ? ['--import', 'tsx'] : [],
    minThreads: 0,
    maxThreads: THREADS,
    idleTimeout: 30_000,
    maxQueue: MAX_QUEUE,
    resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
  });
  // A worker that dies with no task running (nothing to reject) is an 'error' event: unheard,
  // it would end the whole server. The next task starts a fresh worker.
  pool.on('error', () => undefined);
  return pool;
}

/** Stops the workers (the app's onClose): nothing keeps a closed server's process alive. */
export async function closeSignaturePool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.destroy();
}

/** Decodes one base64 signature in the pool: the re-encoded PNG, or the reason it is refused. */
async function decodeOne(base64: string): Promise<Buffer | string> {
  let result: Uint8Array | { refused: string };
  try {
    result = await signaturePool().run(base64);
  } catch (error) {
    if (error instanceof Error && /queue is at limit/i.test(error.message)) {
      throw new ProblemError(503, 'Too many signatures are being read at this moment; retry in a few seconds');
    }
    // The worker died on it (its memory cap): the image costs more than a signature may.
    if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') return 'could not be decoded within the memory a signature may use';
    // Anything else is a fault of ours (the decoder refuses every bad image with a reason): a
    // 500, never blamed on the signer's image. A caller passing bytes instead of base64 was
    // once told the image was too costly.
    throw error;
  }
  return result instanceof Uint8Array ? Buffer.from(result.buffer, result.byteOffset, result.byteLength) : result.refused;
}

/**
 * Every signature of a request, decoded and re-encoded before any transaction: a map from the
 * field's name to its PNG. A refused image is a 400 naming `<field>.imagePng`.
 */
export async function decodeSignatures<K extends string>(fields: Partial<Record<K, { imagePng: string } | undefined>>): Promise<Partial<Record<K, Buffer>>> {
  const entries = Object.entries(fields).filter((e): e is [K, { imagePng: string }] => e[1] !== undefined);
  const decoded = await Promise.all(entries.map(async ([name, { imagePng }]) => [name, await decodeOne(imagePng)] as const));
  const errors: FieldError[] = decoded.filter(([, png]) => typeof png === 'string').map(([name, reason]) => ({ path: `${name}.imagePng`, message: `the signature ${reason as string}` }));
  if (errors.length) throw new ProblemError(400, `Invalid request: ${errors.map((e) => e.path).join(', ')}`, {}, errors);
  return Object.fromEntries(decoded) as Partial<Record<K, Buffer>>;
}

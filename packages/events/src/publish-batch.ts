import { packFrame } from './frame.js';

/** How large a frame may grow before it is sent without waiting for the end of the tick. */
export interface BatchLimits {
  readonly maxEvents: number;
  readonly maxBytes: number;
}

interface Pending {
  readonly parts: (string | Buffer)[];
  bytes: number;
  readonly done: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Gathers the transient events published in one tick into one message. Each PUBLISH costs
 * both ends a command, a reply and a push to decode, and Redis a fan-out to every subscriber,
 * whatever its size: with 64 publishes in flight most of a node's time went there, not into
 * the events. A frame sends them in one PUBLISH (Kafka's record batches, for pub/sub), at the
 * end of the tick (process.nextTick, after the promise continuations that publish), so no
 * event waits for a later one; a lone event goes out as a plain message.
 *
 * Every publish of a frame settles with that frame's PUBLISH: acknowledged together, or
 * rejected together with its error.
 */
export class PublishBatch {
  readonly #send: (message: string | Buffer) => Promise<unknown>;
  readonly #limits: BatchLimits;
  #pending: Pending | undefined;

  constructor(send: (message: string | Buffer) => Promise<unknown>, limits: BatchLimits) {
    this.#send = send;
    this.#limits = limits;
  }

  /**
   * Queues one encoded envelope; resolves once Redis took the message that carries it.
   * @param size its encoded size: bytes, or characters for a string (a bound close enough for a frame's limit).
   */
  add(data: string | Buffer, size: number): Promise<void> {
    let p = this.#pending;
    if (p && (p.parts.length >= this.#limits.maxEvents || p.bytes + size > this.#limits.maxBytes)) {
      this.#flush(p);
      p = undefined;
    }
    if (!p) {
      p = this.#open();
      this.#pending = p;
      const opened = p;
      process.nextTick(() => this.#flush(opened));
    }
    p.parts.push(data);
    p.bytes += size;
    return p.done;
  }

  #open(): Pending {
    let resolve: () => void = () => {};
    let reject: (error: unknown) => void = () => {};
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { parts: [], bytes: 0, done, resolve, reject };
  }

  #flush(p: Pending): void {
    if (this.#pending === p) this.#pending = undefined;
    if (p.parts.length === 0) return;
    const parts = p.parts.splice(0);
    this.#send(parts.length === 1 ? (parts[0] as string | Buffer) : packFrame(parts)).then(
      () => p.resolve(),
      (e: unknown) => p.reject(e),
    );
  }
}

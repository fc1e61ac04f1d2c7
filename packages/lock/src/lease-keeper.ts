import { LockLostError } from './errors.js';
import type { Lease } from './lease.js';

/**
 * Keeps a lease alive while `using()` runs its function: renews it every `renewEveryMs`, and
 * fires `signal` with a LockLostError once the lease is lost — a renewal answered `expired` or
 * `not-owner`, or no renewal confirmed before the lease's conservative local deadline (Redis
 * unreachable, or this process stalled).
 */
export class LeaseKeeper {
  /** Fires with a LockLostError when the lease is lost, or with the caller's reason when its signal fires. */
  readonly signal: AbortSignal;
  readonly #lease: Lease;
  readonly #renewEveryMs: number;
  readonly #controller = new AbortController();
  #renewTimer: NodeJS.Timeout | undefined;
  #deadlineTimer: NodeJS.Timeout | undefined;
  #lost: LockLostError | undefined;
  #lastError: unknown;
  #stopped = false;

  constructor(lease: Lease, renewEveryMs: number, callerSignal: AbortSignal | undefined) {
    this.#lease = lease;
    this.#renewEveryMs = renewEveryMs;
    this.signal = callerSignal ? AbortSignal.any([this.#controller.signal, callerSignal]) : this.#controller.signal;
    this.#armDeadline();
    this.#schedule(renewEveryMs);
  }

  /** The loss, once the lease is known or presumed lost. */
  get lost(): LockLostError | undefined {
    return this.#lost;
  }

  /** Stops renewing; the lease stays as it is. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#deadlineTimer);
  }

  #schedule(ms: number): void {
    this.#renewTimer = setTimeout(() => void this.#renew(), ms);
    // Renewal alone should not keep a process alive; the function it guards does.
    this.#renewTimer.unref();
  }

  #armDeadline(): void {
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = setTimeout(() => this.#lose('expired'), this.#lease.remainingMs());
    this.#deadlineTimer.unref();
  }

  async #renew(): Promise<void> {
    if (this.#stopped) return;
    try {
      const result = await this.#lease.extend();
      if (this.#stopped) return;
      if (result.extended) {
        this.#armDeadline();
        this.#schedule(this.#renewEveryMs);
      } else {
        this.#lose(result.reason);
      }
    } catch (e) {
      if (this.#stopped) return;
      // A failed connection: try again soon, until the deadline timer calls the lease lost.
      this.#lastError = e;
      this.#schedule(Math.max(1, Math.min(this.#renewEveryMs, Math.floor(this.#lease.remainingMs() / 3))));
    }
  }

  #lose(reason: 'expired' | 'not-owner'): void {
    if (this.#lost || this.#stopped) return;
    this.#lost = new LockLostError(this.#lease.lock, reason, this.#lease.token, { cause: this.#lastError });
    this.stop();
    this.#controller.abort(this.#lost);
  }
}

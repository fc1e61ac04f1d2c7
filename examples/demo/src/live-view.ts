import pc from 'picocolors';
import type { Progress } from './scenario.js';

/** Redraws a block of lines in place on a terminal; prints a line now and then otherwise. */
export class LiveView {
  #lines = 0;
  #lastPlain = -Infinity;
  #lastNote = '';
  readonly #tty = Boolean(process.stdout.isTTY);

  render(elapsedS: number, primary: string, note: string, nodes: readonly Progress[]): void {
    const rows = [
      `${pc.bold(`t+${elapsedS.toFixed(1).padStart(4)}s`)}  primary ${pc.cyan(primary)}  ${note}`,
      ...nodes.map(
        (n) =>
          `  ${pc.bold(n.node)} on ${n.address ?? '—'}  jobs ${String(n.jobsCommitted).padStart(3)}  logins ok ${String(n.loginsAllowed).padStart(4)} limited ${String(n.loginsLimited).padStart(4)} blocked ${String(n.loginsBlocked).padStart(4)}  events out ${String(n.eventsPublished).padStart(3)} in ${String(n.eventsReceived).padStart(4)}${n.errors ? pc.yellow(`  errors ${n.errors}`) : ''}`,
      ),
    ];
    if (this.#tty) {
      if (this.#lines) process.stdout.write(`\x1b[${this.#lines}A`);
      process.stdout.write(rows.map((r) => `\x1b[2K${r}\n`).join(''));
      this.#lines = rows.length;
    } else if (elapsedS - this.#lastPlain >= 3 || note !== this.#lastNote) {
      this.#lastPlain = elapsedS;
      console.log(rows.join('\n'));
    }
    this.#lastNote = note;
  }

  /** Prints a line above the live block, which is then drawn again below it. */
  say(line: string): void {
    if (this.#tty && this.#lines) process.stdout.write(`\x1b[${this.#lines}A\x1b[0J`);
    this.#lines = 0;
    console.log(line);
  }
}

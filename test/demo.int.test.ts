import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('pnpm demo', () => {
  it('keeps three nodes coordinated through a SIGKILLed primary and reports every invariant held', async () => {
    const cwd = fileURLToPath(new URL('../examples/demo/', import.meta.url));
    const result = await run(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd,
      timeout: 90_000,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1' },
    });
    // Colours are off, but strip escapes anyway: CI=true makes some libraries colour regardless.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
    const stdout = result.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    expect(stdout).toContain('coordis doctor on it');
    expect(stdout).toMatch(/the primary 127\.0\.0\.1:\d+ is SIGKILLed/);
    expect(stdout).toMatch(/Sentinel: \+switch-master to 127\.0\.0\.1:\d+/);
    for (const invariant of [
      'every job ran exactly once',
      'no acknowledged job commit lost',
      'every event delivered to every other node, once, in order',
      'rate limits respected in every window, across nodes',
      'the brute-forcing address is blocked by fail2ban',
    ]) {
      expect(stdout).toContain(`✔ ${invariant}`);
    }
    expect(stdout).toContain('All invariants hold.');
  }, 120_000);
});

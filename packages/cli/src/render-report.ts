import Table from 'cli-table3';
import { exitCodeFor, type FailOn } from './exit-code.js';
import { type Palette, statusLabel } from './render-style.js';
import type { CheckResult, DoctorReport } from './report.js';

function header(report: DoctorReport): string {
  return `coordis doctor ${report.tool.version} — ${report.target} (${report.mode}, profile ${report.profile}) in ${report.durationMs} ms${report.complete ? '' : ' — PARTIAL: the time budget ran out'}`;
}

function summaryLine(report: DoctorReport, failOn: FailOn): string {
  const s = report.summary;
  return `${s.pass} pass, ${s.warn} warn, ${s.fail} fail, ${s.skip} skip, ${s.error} error — exit code ${exitCodeFor(report, failOn)}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Plain lines, for logs and pipes: a header, one line per result
 * (`FAIL memory.eviction-policy 127.0.0.1:6379 — observed … — expected … — fix …`), a summary.
 */
export function renderPlain(report: DoctorReport, failOn: FailOn = 'warn'): string {
  const lines = [header(report)];
  for (const r of report.results) {
    const parts = [
      `${r.status.toUpperCase()} ${r.id}${r.node ? ` ${r.node}` : ''}`,
      `observed: ${oneLine(r.observed)}`,
      `expected: ${oneLine(r.expected)}`,
    ];
    if (r.fix) parts.push(`fix: ${oneLine(r.fix)}`);
    lines.push(parts.join(' — '));
  }
  lines.push(summaryLine(report, failOn));
  return `${lines.join('\n')}\n`;
}

/** The report as JSON (`--json`): the {@link DoctorReport} itself, with `schemaVersion`. */
export function renderJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * A terminal table (`--json` not given, stdout a terminal): status, check, node and what was
 * seen; then the fix of every result that is not a pass.
 */
export function renderTable(report: DoctorReport, c: Palette, columns = 120, failOn: FailOn = 'warn'): string {
  const width = Math.max(80, columns);
  const observedWidth = Math.max(30, width - 8 - 34 - 24 - 10);
  const table = new Table({
    head: ['', 'check', 'node', 'observed'].map((h) => c.bold(h)),
    colWidths: [8, 34, 24, observedWidth],
    wordWrap: true,
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
  });
  for (const r of report.results) table.push([statusLabel(r.status, c), r.id, r.node ?? c.dim('deployment'), r.observed]);
  const problems = report.results.filter((r: CheckResult) => r.status !== 'pass' && r.fix);
  const fixes = problems.map(
    (r) =>
      `  ${statusLabel(r.status, c)} ${c.bold(r.id)}${r.node ? c.dim(` ${r.node}`) : ''}\n      expected ${r.expected}\n      ${c.cyan('fix:')} ${r.fix}`,
  );
  const out = [c.bold(header(report)), table.toString()];
  if (fixes.length) out.push(c.bold('What to fix:'), ...fixes);
  out.push(summaryLine(report, failOn));
  return `${out.join('\n')}\n`;
}

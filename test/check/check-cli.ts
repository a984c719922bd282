import { runCli } from '../helpers/run-cli.js';

/** A target's entry in `certctl check -o json`. */
export interface TargetJson {
  target: string;
  state: string;
  summary: string;
  findings: { severity: string; code: string; message: string }[];
  [key: string]: any;
}

/** Runs `certctl check ARGS -o json`; returns the exit code, the parsed report and stderr. */
export async function checkJson(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<{ code: number | null; report: any; target: TargetJson; stderr: string; stdout: string }> {
  const r = await runCli(['check', ...args, '-o', 'json'], opts);
  let report: any;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`certctl check printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, report, target: report.targets[0], stderr: r.stderr, stdout: r.stdout };
}

/** The finding codes of a target, worst first. */
export function codes(t: TargetJson): string[] {
  return t.findings.map((f) => f.code);
}

/**
 * The check examples stay in step with the CLI: the crontab lines are valid sh without a bare
 * `%` (cron would cut the command there), and every flag the crontab, the Nagios commands and
 * the Kubernetes CronJob pass is one `certctl check` knows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT, runCli } from '../helpers/run-cli.js';

async function knownFlags(): Promise<Set<string>> {
  const help = await runCli(['check', '--help']);
  assert.equal(help.code, 0);
  return new Set([...help.stdout.matchAll(/(--[a-z0-9-]+|-[a-z0-9])\b/g)].map((m) => m[1]!));
}

function flagsIn(text: string): string[] {
  return [...text.matchAll(/(?:^|\s)(--[a-z0-9-]+|-[a-z0-9])(?=[\s=]|$)/g)].map((m) => m[1]!);
}

test('examples/check/crontab: valid sh, no % in commands, only known flags', async () => {
  const flags = await knownFlags();
  const lines = (await readFile(join(ROOT, 'examples/check/crontab'), 'utf8')).split('\n');
  const jobs = lines.map((l) => l.replace(/^# /, '')).filter((l) => /^[*0-9/,-]+( [*0-9/,-]+){4} /.test(l));
  assert.equal(jobs.length, 2);
  for (const job of jobs) {
    const command = job.split(' ').slice(5).join(' ');
    assert.ok(!command.includes('%'), `cron turns % into a newline: ${command}`);
    const syntax = spawnSync('sh', ['-n', '-c', command], { encoding: 'utf8' });
    assert.equal(syntax.status, 0, syntax.stderr);
    const certctl = command.slice(command.indexOf('certctl check'), command.indexOf('2>&1'));
    for (const f of flagsIn(certctl)) assert.ok(flags.has(f), `unknown flag ${f}`);
  }
});

test('examples/check/nagios.cfg and examples/kubernetes/check-cronjob.yaml pass only known flags', async () => {
  const flags = await knownFlags();
  const nagios = await readFile(join(ROOT, 'examples/check/nagios.cfg'), 'utf8');
  const commands = [...nagios.matchAll(/command_line\s+(.*)/g)].map((m) => m[1]!);
  assert.equal(commands.length, 2);
  for (const c of commands) for (const f of flagsIn(c)) assert.ok(flags.has(f), `nagios.cfg: unknown flag ${f}`);
  const docs = parseAllDocuments(await readFile(join(ROOT, 'examples/kubernetes/check-cronjob.yaml'), 'utf8')).map((d) => d.toJS());
  const cronJob = docs.find((d) => d.kind === 'CronJob');
  const args: string[] = cronJob.spec.jobTemplate.spec.template.spec.containers[0].args;
  assert.equal(args[0], 'check');
  for (const a of args.filter((x) => x.startsWith('-'))) assert.ok(flags.has(a.split('=')[0]!), `check-cronjob.yaml: unknown flag ${a}`);
  const role = docs.find((d) => d.kind === 'Role');
  assert.deepEqual(role.rules, [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['shop-tls'], verbs: ['get'] }]);
  assert.ok(args.includes('--expect-secret=shop/shop-tls'));
});

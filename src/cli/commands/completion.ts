/**
 * `certctl completion bash|zsh|fish`: completion scripts generated from the command tree itself,
 * so a new command or flag completes without anyone editing a script.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { ExitCode, usage, type ExitCodeValue } from '../exit-codes.js';

interface Spec {
  name: string;
  description: string;
  flags: { long: string; short?: string; description: string; takesValue: boolean; choices?: string[] }[];
  /** `account show|update|...`: a command's own commands, completed after it; their flags are the command's. */
  subcommands: { name: string; description: string }[];
}

function specOf(program: Command): Spec[] {
  return program.commands.map((c) => {
    const options = c.commands.length > 0 ? c.commands.flatMap((s) => s.options) : c.options;
    const seen = new Set<string>();
    return {
      name: c.name(),
      description: c.description(),
      flags: [...options.filter((o) => !o.hidden), ...program.options]
        .filter((o) => o.long && !seen.has(o.long) && seen.add(o.long))
        .map((o) => ({ long: o.long!, short: o.short, description: o.description, takesValue: o.required || o.optional, choices: o.argChoices })),
      subcommands: c.commands.map((s) => ({ name: s.name(), description: s.description() })),
    };
  });
}

function bash(specs: Spec[]): string {
  const cases = specs
    .map((s) => `    ${s.name}) opts="${[...s.subcommands.map((c) => c.name), ...s.flags.flatMap((f) => [f.long, ...(f.short ? [f.short] : [])])].join(' ')}" ;;`)
    .join('\n');
  const values = specs
    .flatMap((s) => s.flags.filter((f) => f.choices).map((f) => `    ${f.long}${f.short ? `|${f.short}` : ''}) COMPREPLY=( $(compgen -W "${f.choices!.join(' ')}" -- "$cur") ); return ;;`))
    .filter((line, i, all) => all.indexOf(line) === i)
    .join('\n');
  return `# certctl bash completion: source <(certctl completion bash)
_certctl() {
  local cur prev cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${specs.map((s) => s.name).join(' ')} --help --version" -- "$cur") )
    return
  fi
  case "$prev" in
${values}
    -f|--filename|--out-dir|--kubeconfig|--metrics-file) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
  esac
  case "$cmd" in
${cases}
    completion) opts="bash zsh fish" ;;
  esac
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}
complete -o default -F _certctl certctl
`;
}

function zsh(specs: Spec[]): string {
  const esc = (s: string): string => s.replace(/[[\]:'\\]/g, (c) => (c === "'" ? "'\\''" : `\\${c}`));
  const subs = specs.map((s) => `'${s.name}:${esc(s.description)}'`).join(' ');
  const per = specs
    .map((s) => {
      const args = s.flags.map((f) => {
        const value = f.takesValue ? (f.choices ? `:value:(${f.choices.join(' ')})` : ':value:_files') : '';
        return `'${f.long}[${esc(f.description)}]${value}'`;
      });
      const rest = s.subcommands.length > 0 ? `'*:command:(${s.subcommands.map((c) => c.name).join(' ')})'` : "'*:certificate:'";
      return `    ${s.name}) _arguments ${args.join(' ')} ${rest} ;;`;
    })
    .join('\n');
  return `#compdef certctl
# certctl zsh completion: source <(certctl completion zsh)
_certctl() {
  local -a subcommands
  subcommands=(${subs})
  if (( CURRENT == 2 )); then
    _describe 'command' subcommands
    return
  fi
  case "$words[2]" in
${per}
    completion) _values 'shell' bash zsh fish ;;
  esac
}
compdef _certctl certctl
`;
}

function fish(specs: Spec[]): string {
  const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = [`# certctl fish completion: certctl completion fish | source`, 'complete -c certctl -f'];
  for (const s of specs) lines.push(`complete -c certctl -n __fish_use_subcommand -a ${s.name} -d ${q(s.description)}`);
  for (const s of specs) {
    for (const c of s.subcommands) lines.push(`complete -c certctl -n '__fish_seen_subcommand_from ${s.name}' -a ${c.name} -d ${q(c.description)}`);
    for (const f of s.flags) {
      const short = f.short ? ` -s ${f.short.slice(1)}` : '';
      const values = f.choices ? ` -x -a ${q(f.choices.join(' '))}` : f.takesValue ? ' -r' : '';
      lines.push(`complete -c certctl -n '__fish_seen_subcommand_from ${s.name}' -l ${f.long.slice(2)}${short}${values} -d ${q(f.description)}`);
    }
  }
  lines.push("complete -c certctl -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'");
  return `${lines.join('\n')}\n`;
}

export async function completionCommand(ctx: CliContext, program: Command, shell: string): Promise<ExitCodeValue> {
  const specs = specOf(program).filter((s) => s.name !== 'completion');
  const scripts: Record<string, (s: Spec[]) => string> = { bash, zsh, fish };
  const make = scripts[shell];
  if (!make) throw usage(`completion: unknown shell ${JSON.stringify(shell)} (bash, zsh or fish)`);
  ctx.out(make(specs));
  return ExitCode.Ok;
}

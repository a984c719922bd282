import { defineProvider } from '../provider.js';
import { parseExecConfig } from './config.js';
import type { ExecConfig } from './config.js';

/** Any DNS: runs the user's program for each TXT value (`dns01.webhook`, `solverName: exec`). */
export const exec = defineProvider<ExecConfig, void>({
  name: 'exec',
  selects: { webhookSolverNames: ['exec'] },
  parse: parseExecConfig,
  secretRefs: (c) => Object.values(c.secretEnv),
  async load() {
    const { createExecProvider } = await import('./provider.js');
    return {
      shared: () => undefined,
      async create(c, ctx) {
        const fromSecrets: Record<string, string> = {};
        for (const [name, ref] of Object.entries(c.secretEnv)) fromSecrets[name] = await ctx.secretValue(ref);
        const base = Object.fromEntries(Object.entries(ctx.env).filter((e): e is [string, string] => e[1] !== undefined));
        return createExecProvider({
          command: c.command,
          env: { ...base, ...c.env, ...fromSecrets },
          secrets: Object.values(fromSecrets),
          timeoutMs: c.timeoutMs,
          runCommand: ctx.runCommand,
        });
      },
    };
  },
});

import { readFileSync } from 'node:fs';

/**
 * A credential from the environment, lego's way: `NAME`, or else the contents of the file named by
 * `NAME_FILE` (a Kubernetes- or Docker-mounted secret), with the final newline dropped. Setting
 * both is an error: one of them would be silently ignored.
 */
export function envSecret(env: Record<string, string | undefined>, name: string): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct && file) throw new Error(`both ${name} and ${name}_FILE are set; unset one`);
  if (direct) return direct;
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${name}_FILE: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return text.replace(/\r?\n$/, '') || undefined;
}

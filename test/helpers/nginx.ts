/**
 * A throw-away nginx (Debian package `nginx`) serving a document root over plain HTTP on a
 * loopback port, with its own prefix, config and logs in a temporary directory: the web server a
 * certbot --webroot user has.
 *
 *   const web = await startNginx({ port: pebble.httpPort, root: webroot });
 *   after(() => web.stop());
 */
import { connect } from 'node:net';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireBinary } from './binaries.js';
import { startProcess } from './process.js';

export interface NginxServer {
  port: number;
  /** Request lines nginx logged (`GET /.well-known/acme-challenge/x HTTP/1.1 200 a.web.test`). */
  accessLog(): Promise<string[]>;
  stop(): Promise<void>;
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts nginx on 127.0.0.1:`port` with `root` as the document root of every name, except those `sites` give another. */
export async function startNginx(opts: { port: number; root: string; sites?: Record<string, string> }): Promise<NginxServer> {
  const nginx = requireBinary('nginx', 'nginx');
  const prefix = await mkdtemp(join(tmpdir(), 'certctl-nginx-'));
  await mkdir(join(prefix, 'tmp'));
  const conf = join(prefix, 'nginx.conf');
  await writeFile(
    conf,
    `pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log;
worker_processes 1;
events { worker_connections 64; }
http {
  log_format req '$request $status $host';
  access_log ${prefix}/access.log req;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  server {
    listen 127.0.0.1:${opts.port} default_server;
    server_name _;
    root ${opts.root};
    location /.well-known/acme-challenge/ { default_type text/plain; }
  }
${Object.entries(opts.sites ?? {})
  .map(([name, root]) => `  server {\n    listen 127.0.0.1:${opts.port};\n    server_name ${name};\n    root ${root};\n  }\n`)
  .join('')}}
`,
  );
  const proc = startProcess(nginx, ['-p', prefix, '-c', conf, '-g', 'daemon off;'], { cleanupDir: prefix });
  const deadline = Date.now() + 10_000;
  while (!(await listening(opts.port))) {
    if (proc.hasExited() || Date.now() > deadline) {
      await proc.stop();
      throw new Error(`nginx did not listen on 127.0.0.1:${opts.port}:\n${proc.output()}`);
    }
    await sleep(50);
  }
  return {
    port: opts.port,
    async accessLog() {
      const text = await readFile(join(prefix, 'access.log'), 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean);
    },
    stop: () => proc.stop(3000),
  };
}

import type { ListenAddress } from '../../../shared/listen-address.js';
import { RefCountedPool } from './ref-counted-pool.js';
import { ChallengeServer, type ServerLog } from './standalone-server.js';
import { WebrootChallengeDir } from './webroot.js';

/**
 * What the HTTP-01 challenges of one run share: one server per listen address and one open
 * challenge directory per webroot, each held while some certificate has challenges pending.
 */
export class Http01Resources {
  readonly servers = new RefCountedPool<ChallengeServer>(async (s) => {
    await s.close();
    this.log(`http01: closed the server on ${s.address}`);
  });
  readonly webroots = new RefCountedPool<WebrootChallengeDir>((d) => d.close());

  /** `log` hears of every bind, close and request the servers answer (`-v`). */
  constructor(private readonly log: ServerLog) {}

  async listen(address: ListenAddress): Promise<ChallengeServer> {
    const server = await ChallengeServer.listen(address, this.log);
    this.log(`http01: listening on ${server.address}`);
    return server;
  }

  openWebroot(dir: string): Promise<WebrootChallengeDir> {
    return WebrootChallengeDir.open(dir);
  }
}

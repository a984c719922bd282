import type { ListenAddress } from '../../../shared/listen-address.js';
import { RefCountedPool } from './ref-counted-pool.js';
import { ChallengeServer, type ServerLog } from './standalone-server.js';
import { WebrootChallengeDir } from './webroot.js';

/**
 * What the HTTP-01 challenges of one run share: one server per listen address and one open
 * challenge directory per webroot, each held while some certificate has challenges pending.
 */
export class Http01Resources {
  readonly servers = new RefCountedPool<ChallengeServer>((s) => s.close());
  readonly webroots = new RefCountedPool<WebrootChallengeDir>((d) => d.close());

  /** `log` hears of every request the servers answer (`-v`). */
  constructor(private readonly log: ServerLog) {}

  listen(address: ListenAddress): Promise<ChallengeServer> {
    return ChallengeServer.listen(address, this.log);
  }

  openWebroot(dir: string): Promise<WebrootChallengeDir> {
    return WebrootChallengeDir.open(dir);
  }
}

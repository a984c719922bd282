import type { Socket } from 'node:net';

/** Longest reply line accepted; a server sending more is not speaking the protocol. */
const MAX_LINE = 8192;
/** Most bytes a plaintext exchange may take before the TLS handshake. */
const MAX_TOTAL = 256 * 1024;

/**
 * The plaintext part of a STARTTLS exchange over a connected socket: read lines or bytes, write
 * commands. `release()` detaches it, after which the socket carries only TLS; a server that sent
 * anything beyond its last reply is refused (RFC 3207 §6: data before the handshake must be
 * discarded, and a response injected there is the classic STARTTLS attack).
 */
export class Conversation {
  private buffered: Buffer = Buffer.alloc(0);
  private total = 0;
  private waiter?: () => void;
  private failure?: Error;
  private ended = false;
  private readonly onData = (chunk: Buffer): void => {
    this.total += chunk.length;
    if (this.total > MAX_TOTAL) this.fail(new Error(`the server sent more than ${MAX_TOTAL} bytes before TLS`));
    this.buffered = Buffer.concat([this.buffered, chunk]);
    this.wake();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake();
  };
  private readonly onError = (err: Error): void => this.fail(err);

  constructor(
    private readonly socket: Socket,
    /** Protocol name for messages (`SMTP`). */
    readonly protocol: string,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private async waitForData(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.ended) throw new Error(`${this.protocol}: the server closed the connection`);
    await new Promise<void>((resolve) => (this.waiter = resolve));
    if (this.failure) throw this.failure;
  }

  /** The next line, without its CRLF (a bare LF is accepted). */
  async readLine(): Promise<string> {
    for (;;) {
      const nl = this.buffered.indexOf(0x0a);
      if (nl >= 0) {
        const line = this.buffered.subarray(0, nl).toString('latin1').replace(/\r$/, '');
        this.buffered = this.buffered.subarray(nl + 1);
        return line;
      }
      if (this.buffered.length > MAX_LINE) throw new Error(`${this.protocol}: reply line longer than ${MAX_LINE} bytes`);
      await this.waitForData();
    }
  }

  /** Exactly `n` bytes. */
  async readBytes(n: number): Promise<Buffer> {
    while (this.buffered.length < n) await this.waitForData();
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return Buffer.from(out);
  }

  /** Writes a command line (CRLF added) or raw bytes. */
  send(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(`${data}\r\n`, 'latin1') : data);
  }

  /** Detaches from the socket; when `strict`, throws if the server sent bytes past its last reply. */
  release(strict: boolean): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('error', this.onError);
    this.socket.pause();
    if (strict && this.buffered.length > 0) {
      throw new Error(`${this.protocol}: the server sent ${this.buffered.length} unexpected byte(s) after agreeing to start TLS`);
    }
  }
}

/** Thrown when a server refuses or does not offer STARTTLS; the message quotes its reply. */
export class StartTlsError extends Error {
  override name = 'StartTlsError';
}

/** A reply line shortened for messages. */
export function quote(line: string): string {
  const clean = line.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(clean.length > 120 ? `${clean.slice(0, 119)}…` : clean);
}

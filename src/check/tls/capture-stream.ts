import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/** The bytes a server sent, as recorded below the TLS layer. */
export interface Capture {
  /** Everything received so far (up to the limit), in order. */
  received(): Buffer;
  /** True when more than the limit arrived and recording stopped. */
  truncated(): boolean;
}

/**
 * A Duplex to hand to `tls.connect({ socket })` that passes bytes through to `socket` and keeps a
 * copy of what the server sends. A plain `net.Socket` given to `tls.connect` is read by OpenSSL
 * directly (no JS 'data' events), so the handshake bytes would be out of reach; through this
 * stream they flow via JS, where the served Certificate message can be read in the order sent.
 * Recording stops after `limitBytes` (the handshake is small; application data is not kept).
 */
export function capturingStream(socket: Socket, limitBytes = 512 * 1024): { stream: Duplex; capture: Capture } {
  const chunks: Buffer[] = [];
  const state = { size: 0, truncated: false };
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end();
      callback();
    },
    destroy(err, callback) {
      socket.destroy();
      callback(err);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    if (state.size + chunk.length <= limitBytes) {
      chunks.push(Buffer.from(chunk));
      state.size += chunk.length;
    } else {
      state.truncated = true;
    }
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('error', (err) => stream.destroy(err));
  socket.on('close', () => {
    if (!stream.destroyed) stream.destroy();
  });
  return {
    stream,
    capture: {
      received: () => Buffer.concat(chunks),
      truncated: () => state.truncated,
    },
  };
}

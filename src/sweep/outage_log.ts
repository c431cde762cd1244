// Redis going away is reported once per outage, not once per reconnect attempt or per client: ioredis retries
// every few hundred milliseconds and BullMQ holds several connections, each of which emits its own 'error'.
// The first error of an outage prints one line; later ones are quiet until a connection is ready again.

export interface OutageLog {
  /** A connection error: printed only when it starts an outage. */
  error(err: Error): void;
  /** A connection is ready again: ends the outage (and says so, once). */
  ready(): void;
}

export function outageLog(what: string, log: (line: string) => void): OutageLog {
  let down = false;
  return {
    error(err) {
      if (down) return;
      down = true;
      const code = (err as NodeJS.ErrnoException).code;
      log(`${what}: lost the connection to Redis (${code ?? err.message.split('\n')[0]}); retrying until it is back`);
    },
    ready() {
      if (!down) return;
      down = false;
      log(`${what}: Redis is back`);
    },
  };
}

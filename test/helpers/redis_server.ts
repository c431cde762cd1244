// A throwaway redis-server on loopback for the queue tests (CI installs it: apt-get install -y redis-server).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Why the queue tests cannot run here, or undefined when they can. A machine with only README's prerequisites has
 * no redis-server: those tests are then skipped with this reason. CI sets PRUNERL_REQUIRE_REDIS=1 (after installing
 * Redis), which turns a missing redis-server into a failure instead of a skip.
 */
export const redisSkipReason: string | undefined =
  !spawnSync('redis-server', ['--version']).error || process.env.PRUNERL_REQUIRE_REDIS === '1'
    ? undefined
    : 'redis-server is not on PATH (install it, e.g. apt-get install -y redis-server, to run the queue tests)';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server not found on PATH; install it (apt-get install -y redis-server)');
  }
  const port = await freePort();
  // No persistence: nothing of the test outlives it.
  const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch (err) {
      probe.disconnect();
      if (i > 100) throw new Error(`redis-server did not start on port ${port}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (server.exitCode !== null) return resolveStop();
        server.once('exit', () => resolveStop());
        server.kill('SIGTERM');
      }),
  };
}

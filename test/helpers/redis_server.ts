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
  // Two test files can be handed the same free port at once; then one redis-server fails to bind and that file's
  // probe would reach the other's server (and share, or flush, its queue). So the server that answers must be the
  // one we spawned (INFO's process_id), else we try another port.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    // No persistence: nothing of the test outlives it.
    const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const url = `redis://127.0.0.1:${port}`;
    let ours = false;
    for (let i = 0; server.exitCode === null; i++) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {});
      try {
        await probe.connect();
        ours = (await probe.info('server')).includes(`process_id:${server.pid}\r\n`);
        probe.disconnect();
        break;
      } catch (err) {
        probe.disconnect();
        if (i > 100) throw new Error(`redis-server did not start on port ${port}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    if (ours) return serverHandle(url, server);
    if (server.exitCode === null) server.kill('SIGTERM');
    if (attempt >= 5) throw new Error(`could not start a redis-server of our own (port ${port} answered from another process)`);
  }
}

function serverHandle(url: string, server: ChildProcess): RedisServer {
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

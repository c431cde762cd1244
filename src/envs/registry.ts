// Environment registry: ids such as 'CartPole-v1' or 'minatar/breakout' map to factories.
// Optional packages (the GPL MinAtar port) register themselves when imported; makeEnv imports them on demand
// so that `--env minatar/breakout` works whenever @prunerl/minatar is installed, and the core never depends on it.
import type { Env, EnvFactory, EnvOptions } from './env.js';
import type { ContinuousEnv } from './continuous_env.js';
import { MINATAR_PACKAGE, minatarInstallCommand } from './minatar_install.js';

/** Discrete-action envs (Env) and continuous-control ones (ContinuousEnv, for SAC) share one registry. */
type AnyEnvFactory = EnvFactory | ((options?: EnvOptions) => ContinuousEnv);
const factories = new Map<string, AnyEnvFactory>();

/** Optional packages that provide env families, by id prefix. */
const providers: Record<string, { module: string; install: string }> = {
  'minatar/': { module: MINATAR_PACKAGE, install: minatarInstallCommand },
};

export function registerEnv(id: string, factory: AnyEnvFactory): void {
  factories.set(id, factory);
}

export function registeredEnvs(): string[] {
  return [...factories.keys()].sort();
}

/** An env of either action kind (callers that handle both: eval, play). */
export async function makeAnyEnv(id: string, options?: EnvOptions): Promise<Env | ContinuousEnv> {
  if (!factories.has(id)) await loadProvider(id);
  const factory = factories.get(id);
  if (!factory) {
    throw new RangeError(`Expected a registered environment for env but received '${id}'; known: ${registeredEnvs().join(', ')}`);
  }
  return factory(options);
}

/** An env with discrete actions (what dqn, rainbow, iqn and miqn train on); a Box action space is refused. */
export async function makeEnv(id: string, options?: EnvOptions): Promise<Env> {
  const env = await makeAnyEnv(id, options);
  if (env.actionSpace.kind !== 'discrete') {
    throw new RangeError(`Expected an environment with discrete actions for env but '${id}' has a continuous (Box) action space: train it with --agent sac`);
  }
  return env as Env;
}

/** An env with a Box action space (what sac trains on); discrete actions are refused. */
export async function makeContinuousEnv(id: string, options?: EnvOptions): Promise<ContinuousEnv> {
  const env = await makeAnyEnv(id, options);
  if (env.actionSpace.kind !== 'box') {
    throw new RangeError(`Expected an environment with continuous (Box) actions for env (agent sac) but '${id}' has ${(env as Env).actionSpace.n} discrete actions: train it with dqn, rainbow, iqn or miqn`);
  }
  return env as ContinuousEnv;
}

/**
 * Throws when `id` is not a registered env (after loading the optional package its prefix names), without making
 * one: `prunerl train` checks --env before any frame arithmetic, so a typo is the first thing reported. The list
 * of known ids includes every optional package that is installed (MinAtar's games when it is there).
 */
export async function expectRegisteredEnv(id: string, name = 'env'): Promise<void> {
  if (!factories.has(id)) await loadProvider(id);
  if (factories.has(id)) return;
  for (const prefix of Object.keys(providers)) await loadProvider(prefix).catch(() => {});
  throw new RangeError(`Expected a registered environment for ${name} but received '${id}'; known: ${registeredEnvs().join(', ')}`);
}

async function loadProvider(id: string): Promise<void> {
  const prefix = Object.keys(providers).find((p) => id.startsWith(p));
  if (!prefix) return;
  const { module, install } = providers[prefix];
  try {
    const mod = (await import(module)) as { register?: (register: typeof registerEnv) => void };
    mod.register?.(registerEnv);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new RangeError(`Environment '${id}' needs the optional package ${module}: run \`${install}\``);
    }
    throw err;
  }
}

// The environments that ship with prunerl, registered under their Gymnasium ids.
import { registerEnv } from './registry.js';
import { CartPole } from './cartpole.js';
import { Acrobot, type AcrobotOptions } from './acrobot.js';
import type { BuiltinEnvOptions } from './episode_guard.js';

/** The ids registerBuiltinEnvs() adds. */
export const builtinEnvIds = ['CartPole-v1', 'Acrobot-v1'] as const;

/** Registers CartPole-v1 and Acrobot-v1 with the env registry (idempotent: registering again replaces them). */
export function registerBuiltinEnvs(): void {
  registerEnv('CartPole-v1', (options) => new CartPole(options as BuiltinEnvOptions | undefined));
  registerEnv('Acrobot-v1', (options) => new Acrobot(options as AcrobotOptions | undefined));
}

// The environments that ship with prunerl, registered under their Gymnasium ids.
import { registerEnv } from './registry.js';
import { CartPole } from './cartpole.js';
import { Acrobot, type AcrobotOptions } from './acrobot.js';
import type { BuiltinEnvOptions } from './episode_guard.js';
import { Pendulum } from './pendulum.js';
import { MountainCarContinuous } from './mountain_car_continuous.js';

/** The ids registerBuiltinEnvs() adds: discrete actions, then continuous (Box) ones. */
export const builtinEnvIds = ['CartPole-v1', 'Acrobot-v1', 'Pendulum-v1', 'MountainCarContinuous-v0'] as const;

/** Registers the built-in envs with the env registry (idempotent: registering again replaces them). */
export function registerBuiltinEnvs(): void {
  registerEnv('CartPole-v1', (options) => new CartPole(options as BuiltinEnvOptions | undefined));
  registerEnv('Acrobot-v1', (options) => new Acrobot(options as AcrobotOptions | undefined));
  registerEnv('Pendulum-v1', (options) => new Pendulum(options as BuiltinEnvOptions | undefined));
  registerEnv('MountainCarContinuous-v0', (options) => new MountainCarContinuous(options as BuiltinEnvOptions | undefined));
}

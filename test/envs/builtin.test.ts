import { describe, expect, it } from 'vitest';
import { builtinEnvIds, registerBuiltinEnvs } from '../../src/envs/builtin.js';
import { makeContinuousEnv, makeEnv, registeredEnvs } from '../../src/envs/registry.js';
import { Pendulum } from '../../src/envs/pendulum.js';
import { MountainCarContinuous } from '../../src/envs/mountain_car_continuous.js';
import { CartPole } from '../../src/envs/cartpole.js';
import { Acrobot } from '../../src/envs/acrobot.js';

describe('registerBuiltinEnvs', () => {
  it('unknown ids are refused with the list of known ones', async () => {
    registerBuiltinEnvs();
    await expect(makeEnv('CartPole-v0')).rejects.toThrow(/Acrobot-v1, CartPole-v1/);
  });

  it('registers CartPole-v1 and Acrobot-v1, passing options through', async () => {
    registerBuiltinEnvs();
    registerBuiltinEnvs(); // idempotent
    for (const id of builtinEnvIds) expect(registeredEnvs()).toContain(id);
    const cartPole = await makeEnv('CartPole-v1', { seed: 3, maxEpisodeSteps: 10 });
    expect(cartPole).toBeInstanceOf(CartPole);
    expect(cartPole.reset()).toEqual(new CartPole({ seed: 3 }).reset());
    expect((cartPole as CartPole).maxEpisodeSteps).toBe(10);
    const acrobot = await makeEnv('Acrobot-v1', { dynamics: 'nips' });
    expect(acrobot).toBeInstanceOf(Acrobot);
    expect((acrobot as Acrobot).dynamics).toBe('nips');
    await expect(makeEnv('CartPole-v1', { colour: 'red' })).rejects.toThrow(/option name/);
  });

  it('registers Pendulum-v1 and MountainCarContinuous-v0 for continuous agents; each kind refuses the other', async () => {
    registerBuiltinEnvs();
    expect(await makeContinuousEnv('Pendulum-v1', { seed: 1 })).toBeInstanceOf(Pendulum);
    const car = await makeContinuousEnv('MountainCarContinuous-v0', { maxEpisodeSteps: 50 });
    expect(car).toBeInstanceOf(MountainCarContinuous);
    expect(car.maxEpisodeSteps).toBe(50);
    await expect(makeEnv('Pendulum-v1')).rejects.toThrow("Expected an environment with discrete actions for env but 'Pendulum-v1' has a continuous (Box) action space: train it with --agent sac");
    await expect(makeContinuousEnv('CartPole-v1')).rejects.toThrow(/continuous \(Box\) actions for env \(agent sac\) but 'CartPole-v1' has 2 discrete actions/);
  });
});

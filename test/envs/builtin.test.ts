import { describe, expect, it } from 'vitest';
import { builtinEnvIds, registerBuiltinEnvs } from '../../src/envs/builtin.js';
import { makeEnv, registeredEnvs } from '../../src/envs/registry.js';
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
});

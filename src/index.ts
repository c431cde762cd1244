// prunerl's public API.
export * as kernels from './kernels.js';
export { Network, type NetworkConfig, type LayerSpec, type OptimizerSpec, type ParamInfo } from './nn/network.js';
export { native, type NativeTensor, type DType } from './native.js';
export type { Env, BoxSpace, DiscreteSpace, StepResult, Observation, EnvFactory, EnvOptions } from './envs/env.js';
export { registerEnv, registeredEnvs, makeEnv } from './envs/registry.js';

import { native as addon } from './native.js';
/** A native tensor owning its memory: `new Tensor('float32', [2, 3])`; `data` is a view, `dispose()` frees it. */
export const Tensor = addon.Tensor;
export { exportOnnx, policyToOnnx, type ExportOnnxOptions, type ExportOnnxResult, type OnnxModelOptions, type LayerSparsity, type SparseIndexType } from './export/export_onnx.js';
export { train, type TrainOptions, type TrainProgress, type TrainSummary } from './train/trainer.js';
export { resolveConfig, trainConfigSchema, type TrainConfig, type TrainConfigInput } from './train/train_config.js';
export { presetNames, type PresetName } from './train/presets.js';
export { loadPolicy, savePolicy, type Policy, type LoadedPolicy, type ObservationSpec, type PolicyMeta } from './train/policy_file.js';
export { policyInference, type PolicyInference } from './train/policy_inference.js';
export { evaluatePolicy, type PolicyEvaluation } from './train/evaluate_policy.js';
export { ValueAgent, type ValueAgentOptions } from './agents/value_agent.js';
export { IqnAgent, type IqnAgentOptions } from './agents/iqn/iqn_agent.js';
export { IqnNetwork } from './agents/iqn/iqn_network.js';
export { NetworkGroup } from './nn/network_group.js';
export { SacAgent, type SacAgentOptions } from './agents/sac/sac_agent.js';
export { qValues, headOutputs, type QHead } from './agents/q_head.js';
export { UniformReplayBuffer } from './agents/replay/uniform_replay_buffer.js';
export { PrioritizedReplayBuffer } from './agents/replay/prioritized_replay_buffer.js';
export { Pruner, normalizedGlobalSparsities, type PrunerOptions, type GlobalScores } from './prune/pruner.js';
export { dormantNeurons, srank, type DormantNeurons, type LayerActivations } from './train/network_metrics.js';
export { polynomialSchedule, defaultPolynomialSchedule, constantSchedule, type SparsitySchedule } from './prune/schedule.js';
export { layerSparsities, erkDistribution, uniformDistribution, type SparsityDistribution } from './prune/distribution.js';
export { architecture, architectureNames, type ArchitectureName } from './nn/architectures.js';
export { CartPole } from './envs/cartpole.js';
export { Acrobot } from './envs/acrobot.js';
export { Pendulum } from './envs/pendulum.js';
export { MountainCarContinuous } from './envs/mountain_car_continuous.js';
export type { ContinuousEnv, ActionBox } from './envs/continuous_env.js';
export { VectorEnv } from './envs/vector_env.js';
export { registerBuiltinEnvs } from './envs/builtin.js';
export { Random } from './random/random.js';

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

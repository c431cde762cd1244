// SAC's tanh-squashed Gaussian policy head (Haarnoja et al. 2018, appendix C; CleanRL sac_continuous_action.py):
//   raw actor outputs [μ_d, r_d] per action dimension d;  log σ = LOG_STD_MIN + ½(MAX − MIN)(tanh r + 1)
//   u = μ + σ·ε (ε ~ N(0, 1), the reparameterisation),  y = tanh u,  a = y·scale + bias
//   log π(a|s) = Σ_d [−ε²/2 − log σ − ½ log 2π − log(scale·(1 − y²) + 1e-6)]
// and its backward: from dL/da and dL/dlogπ to dL/d(raw outputs), ε held fixed.
export const LOG_STD_MIN = -5;
export const LOG_STD_MAX = 2;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

export interface ActionBounds {
  /** (high − low)/2 per dimension. */
  scale: Float32Array;
  /** (high + low)/2 per dimension. */
  bias: Float32Array;
}

export interface SquashedSample {
  actions: Float32Array;
  logProb: Float32Array;
  /** Saved for backward: ε, σ, y = tanh u, tanh r. */
  noise: Float32Array;
  std: Float32Array;
  squashed: Float32Array;
  tanhR: Float32Array;
}

/** Samples actions [batch, dims] from raw outputs [batch, 2·dims]; noise [batch, dims] (standard normal) is given. */
export function squashedSample(raw: Float32Array, noise: Float32Array, batch: number, bounds: ActionBounds): SquashedSample {
  const D = bounds.scale.length;
  if (raw.length !== batch * 2 * D) throw new RangeError(`Expected raw to have batch·2·dims = ${batch * 2 * D} entries but received ${raw.length}`);
  if (noise.length !== batch * D) throw new RangeError(`Expected noise to have batch·dims = ${batch * D} entries but received ${noise.length}`);
  const actions = new Float32Array(batch * D), logProb = new Float32Array(batch);
  const std = new Float32Array(batch * D), squashed = new Float32Array(batch * D), tanhR = new Float32Array(batch * D);
  for (let b = 0; b < batch; b++) {
    let lp = 0;
    for (let d = 0; d < D; d++) {
      const i = b * D + d;
      const mu = raw[b * 2 * D + d];
      const t = Math.tanh(raw[b * 2 * D + D + d]);
      const logStd = LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (t + 1);
      const sigma = Math.exp(logStd);
      const y = Math.tanh(mu + sigma * noise[i]);
      actions[i] = y * bounds.scale[d] + bounds.bias[d];
      lp += -0.5 * noise[i] ** 2 - logStd - HALF_LOG_TWO_PI - Math.log(bounds.scale[d] * (1 - y * y) + 1e-6);
      std[i] = sigma; squashed[i] = y; tanhR[i] = t;
    }
    logProb[b] = lp;
  }
  return { actions, logProb, noise: Float32Array.from(noise), std, squashed, tanhR };
}

/** The deterministic action tanh(μ)·scale + bias [batch, dims] (evaluation and the ONNX export). */
export function meanAction(raw: Float32Array, batch: number, bounds: ActionBounds): Float32Array {
  const D = bounds.scale.length;
  const out = new Float32Array(batch * D);
  for (let b = 0; b < batch; b++) for (let d = 0; d < D; d++) out[b * D + d] = Math.tanh(raw[b * 2 * D + d]) * bounds.scale[d] + bounds.bias[d];
  return out;
}

/** dL/d(raw outputs) [batch, 2·dims] from dL/da [batch, dims] and dL/dlogπ [batch], ε held fixed. */
export function squashedBackward(s: SquashedSample, dActions: Float32Array, dLogProb: Float32Array, batch: number, bounds: ActionBounds): Float32Array {
  const D = bounds.scale.length;
  const dRaw = new Float32Array(batch * 2 * D);
  for (let b = 0; b < batch; b++) {
    for (let d = 0; d < D; d++) {
      const i = b * D + d;
      const y = s.squashed[i];
      const jac = bounds.scale[d] * (1 - y * y); // da/du
      // logπ depends on u through −log(scale(1 − y²) + 1e-6): d/du = 2y·scale(1 − y²)/(scale(1 − y²) + 1e-6).
      const dLogPdU = 2 * y * jac / (jac + 1e-6);
      const gU = dActions[i] * jac + dLogProb[b] * dLogPdU;
      dRaw[b * 2 * D + d] = gU; // du/dμ = 1
      const dLogStd = gU * s.std[i] * s.noise[i] - dLogProb[b]; // du/dlogσ = σε; ∂logπ/∂logσ = −1
      dRaw[b * 2 * D + D + d] = dLogStd * 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (1 - s.tanhR[i] ** 2);
    }
  }
  return dRaw;
}

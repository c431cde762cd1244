// The Munchausen pieces of M-IQN (Vieillard, Pietquin, Geist 2020, Eq. for M-IQN in their appendix): a softmax
// policy π = softmax(q/τ) of the target network's Q-values, the scaled log-policy τ·log π, and the target
//   y_{b,j} = r_b + α · clip(τ log π(a_b | s_b), l0, 0)
//             + γ_b (1 − done_b) Σ_a' π(a' | s'_b) · (Z_j(s'_b, a') − τ log π(a' | s'_b))
// with the paper's constants τ = 0.03, α = 0.9, l0 = −1 (DESIGN.md "Facts from the paper").

export interface MunchausenConstants {
  /** Entropy temperature τ (not the quantile fractions). */
  temperature: number;
  /** Scale α of the log-policy bonus. */
  alpha: number;
  /** Lower clip l0 of τ·log π. */
  clipMin: number;
}

export const munchausenDefaults: MunchausenConstants = { temperature: 0.03, alpha: 0.9, clipMin: -1 };

/**
 * π = softmax(q/τ) and τ·log π per row of q [rows, actions], computed stably as
 * τ·log π = (q − max q) − τ·log Σ exp((q − max q)/τ).
 */
export function softmaxPolicy(q: Float32Array, rows: number, actions: number, temperature: number): { policy: Float32Array; scaledLogPolicy: Float32Array } {
  if (q.length !== rows * actions) throw new RangeError(`Expected q to have rows·actions = ${rows * actions} entries but received ${q.length}`);
  if (!(temperature > 0)) throw new RangeError(`Expected temperature to be a number > 0 but received ${temperature}`);
  const policy = new Float32Array(rows * actions);
  const scaledLogPolicy = new Float32Array(rows * actions);
  for (let r = 0; r < rows; r++) {
    const o = r * actions;
    let max = -Infinity;
    for (let a = 0; a < actions; a++) max = Math.max(max, q[o + a]);
    let sum = 0;
    for (let a = 0; a < actions; a++) sum += Math.exp((q[o + a] - max) / temperature);
    const logSum = Math.log(sum);
    for (let a = 0; a < actions; a++) {
      const logPi = (q[o + a] - max) / temperature - logSum;
      policy[o + a] = Math.exp(logPi);
      scaledLogPolicy[o + a] = temperature * logPi;
    }
  }
  return { policy, scaledLogPolicy };
}

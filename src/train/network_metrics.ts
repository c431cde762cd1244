// Diagnostics the paper reports alongside returns, computed on a replay batch.
//   τ-dormant neurons (Sokar et al. 2023): unit i of a layer is dormant when
//     s_i = mean_b |h_bi| / ((1/units) Σ_k mean_b |h_bk|) ≤ τ;   the fraction is over all ReLU units of the net.
//   srank (Kumar et al. 2021) of the penultimate features Φ [batch, units] with singular values σ_1 ≥ σ_2 ≥ …:
//     the smallest k with Σ_{i≤k} σ_i / Σ_i σ_i ≥ 1 − δ,  δ = 0.01.
//   FLOPs of one update: 2 multiply-adds per kept weight per output position, for the target forward, the online
//   forward (twice with Double DQN) and the two backward products (dX and dW).

/** The fraction of ReLU units that are τ-dormant over the batch. */
export function dormantFraction(activations: Float32Array[], batch: number, tau = 0.1): number {
  let dormant = 0, total = 0;
  for (const h of activations) {
    const units = h.length / batch;
    const score = new Float64Array(units);
    for (let b = 0; b < batch; b++) for (let i = 0; i < units; i++) score[i] += Math.abs(h[b * units + i]);
    let layerMean = 0;
    for (let i = 0; i < units; i++) layerMean += score[i] / units;
    for (let i = 0; i < units; i++) if (layerMean === 0 || score[i] / layerMean <= tau) dormant++;
    total += units;
  }
  return total === 0 ? 0 : dormant / total;
}

/** srank of a [rows, cols] feature matrix (singular values from the eigenvalues of the smaller Gram matrix). */
export function srank(features: Float32Array, rows: number, cols: number, delta = 0.01): number {
  const n = Math.min(rows, cols);
  const gram = new Float64Array(n * n);
  if (rows <= cols) {
    for (let i = 0; i < rows; i++) for (let j = i; j < rows; j++) {
      let s = 0;
      for (let k = 0; k < cols; k++) s += features[i * cols + k] * features[j * cols + k];
      gram[i * n + j] = gram[j * n + i] = s;
    }
  } else {
    for (let i = 0; i < cols; i++) for (let j = i; j < cols; j++) {
      let s = 0;
      for (let k = 0; k < rows; k++) s += features[k * cols + i] * features[k * cols + j];
      gram[i * n + j] = gram[j * n + i] = s;
    }
  }
  const sigma = symmetricEigenvalues(gram, n).map((e) => Math.sqrt(Math.max(0, e))).sort((a, b) => b - a);
  const total = sigma.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  let partial = 0;
  for (let k = 0; k < n; k++) {
    partial += sigma[k];
    if (partial >= (1 - delta) * total) return k + 1;
  }
  return n;
}

/** Eigenvalues of a symmetric n×n matrix by cyclic Jacobi rotations (a is overwritten). */
export function symmetricEigenvalues(a: Float64Array, n: number): number[] {
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j] ** 2;
    }
    if (off <= 1e-22 * diag || off === 0) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      const apq = a[p * n + q];
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < n; k++) {
        const akp = a[k * n + p], akq = a[k * n + q];
        a[k * n + p] = c * akp - s * akq;
        a[k * n + q] = s * akp + c * akq;
      }
      for (let k = 0; k < n; k++) {
        const apk = a[p * n + k], aqk = a[q * n + k];
        a[p * n + k] = c * apk - s * aqk;
        a[q * n + k] = s * apk + c * aqk;
      }
    }
  }
  return Array.from({ length: n }, (_, i) => a[i * n + i]);
}

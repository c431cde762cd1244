// The Q-head of src/agents/q_head.ts as ONNX nodes: raw network outputs [batch, headOutputs] → q_values
// [batch, actions] and the greedy action (int64, first index on ties, as our argmax). Same arithmetic, same order:
//   q        Q = out
//   dueling  Q = V + (A − mean_a A)
//   c51      logits = out (or, dueling, V_z + (A_z − mean_a A_z)), p = softmax over atoms, Q = Σ_z p_z·z
//   tanh-gaussian (SAC's actor)  action = tanh(μ)·(high − low)/2 + (high + low)/2, float [batch, dims], no q_values
import { c51Support, type QHead } from '../agents/q_head.js';
import { attr, type GraphBuilder } from './onnx_graph_builder.js';

/** V + (A − mean A) along `axis` (1: the action axis), V at index 0 and A at 1..actions. */
function duelingCombine(g: GraphBuilder, out: string, actions: number, output: string): string {
  const v = g.slice(out, 1, 0, 1, 'value');
  const a = g.slice(out, 1, 1, 1 + actions, 'advantage');
  const mean = g.reduce('ReduceMean', a, [1], true, 'advantage_mean');
  return g.node('Add', [v, g.node('Sub', [a, mean], [], 'advantage_centred')], [], output);
}

/** Adds the head's nodes; their outputs are named `q_values` and `action`. */
export function headNodes(g: GraphBuilder, out: string, head: QHead): { qValues: string; action: string } {
  g.purpose = `the ${head.kind === 'c51' && head.dueling ? 'dueling c51' : head.kind} head`;
  let q: string;
  if (head.kind === 'tanh-gaussian') {
    // SAC's deterministic action: tanh(μ)·scale + bias, μ the first `actions` outputs (the rest are log σ's).
    const D = head.actions;
    const mu = g.slice(out, 1, 0, D, 'action_mu');
    const scale = g.floats('action_scale', [D], Float32Array.from(head.high, (h, d) => (h - head.low[d]) / 2));
    const bias = g.floats('action_bias', [D], Float32Array.from(head.high, (h, d) => (h + head.low[d]) / 2));
    const scaled = g.node('Mul', [g.node('Tanh', [mu], [], 'action_tanh'), scale], [], 'action_scaled');
    const action = g.node('Add', [scaled, bias], [], 'action');
    return { qValues: action, action };
  }
  if (head.kind === 'q') {
    q = g.node('Identity', [out], [], 'q_values');
  } else if (head.kind === 'dueling') {
    q = duelingCombine(g, out, head.actions, 'q_values');
  } else {
    const { actions, atoms } = head;
    // Reshape's 0 copies the batch dimension, so the batch stays dynamic.
    const shape = g.ints('atoms_shape', [0, head.dueling ? actions + 1 : actions, atoms]);
    const raw = g.node('Reshape', [out, shape], [], 'atom_outputs');
    const logits = head.dueling ? duelingCombine(g, raw, actions, 'atom_logits') : raw;
    const p = g.node('Softmax', [logits], [attr.int('axis', 2)], 'atom_probabilities');
    const z = g.floats('atom_support', [atoms], Float32Array.from(c51Support(head)));
    const pz = g.node('Mul', [p, z], [], 'atom_weighted');
    q = g.reduce('ReduceSum', pz, [2], false, 'q_values');
  }
  const action = g.node('ArgMax', [q], [attr.int('axis', 1), attr.int('keepdims', 0)], 'action');
  return { qValues: q, action };
}

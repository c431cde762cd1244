// A sum tree: leaves hold non-negative values, each inner node the sum of its children, so that setting a value
// and finding the leaf where a running sum crosses a given prefix both take O(log n) (Schaul et al. 2016, App. B.2.1).
import { expectInteger, rangeError, typeError } from '../../validate.js';

/** Sums over `capacity` leaves in float64 (any capacity: the tree pads to the next power of two with zeros). */
export class SumTree {
  readonly capacity: number;
  /** Leaves in the padded tree: the smallest power of two ≥ capacity. */
  readonly #leafCount: number;
  /** Heap layout: node 1 is the root, node k's children are 2k and 2k + 1, leaf i is node leafCount + i. */
  readonly #nodes: Float64Array;

  constructor(capacity: number) {
    this.capacity = expectInteger(capacity, 'capacity', 1, 2 ** 30);
    let leaves = 1;
    while (leaves < capacity) leaves *= 2;
    this.#leafCount = leaves;
    this.#nodes = new Float64Array(2 * leaves);
  }

  /** The sum of all leaves. */
  get total(): number {
    return this.#nodes[1];
  }

  /** Leaf `index`'s value. */
  get(index: number): number {
    return this.#nodes[this.#leafCount + this.#checkIndex(index)];
  }

  /** Sets leaf `index` to `value` (finite, ≥ 0) and updates the sums above it. */
  set(index: number, value: number): void {
    this.#checkIndex(index);
    if (typeof value !== 'number') throw typeError('a finite number ≥ 0', 'value', value);
    if (!(value >= 0 && Number.isFinite(value))) throw rangeError('a finite number ≥ 0', 'value', value);
    let node = this.#leafCount + index;
    this.#nodes[node] = value;
    // Recompute each ancestor from its two children instead of adding a difference, so rounding never accumulates.
    for (node >>= 1; node >= 1; node >>= 1) this.#nodes[node] = this.#nodes[2 * node] + this.#nodes[2 * node + 1];
  }

  /**
   * The leaf i where the running sum crosses `prefix`: Σ_{j<i} v_j ≤ prefix < Σ_{j≤i} v_j, for prefix in [0, total).
   * Only leaves with a positive value are returned; a prefix at or past the total (rounding) gives the last one.
   */
  find(prefix: number): number {
    if (typeof prefix !== 'number') throw typeError('a number in [0, total)', 'prefix', prefix);
    if (!(this.total > 0)) throw new RangeError('Expected a sum tree with a positive total to search but its total is 0');
    if (!(prefix >= 0)) throw rangeError(`a number in [0, ${this.total})`, 'prefix', prefix);
    let node = 1;
    let remaining = prefix;
    while (node < this.#leafCount) {
      const left = 2 * node;
      // Go right only when the prefix lies past the left subtree and the right subtree has mass to land on.
      if (remaining < this.#nodes[left] || this.#nodes[left + 1] === 0) {
        node = left;
      } else {
        remaining -= this.#nodes[left];
        node = left + 1;
      }
    }
    return node - this.#leafCount;
  }

  /** A copy of the first `count` leaves (default all), for checkpoints. */
  leaves(count = this.capacity): Float64Array {
    return this.#nodes.slice(this.#leafCount, this.#leafCount + count);
  }

  /** Replaces the leaves with `values` (the rest become 0) and rebuilds the sums. */
  load(values: Float64Array): void {
    if (!(values instanceof Float64Array)) throw typeError('Float64Array', 'values', values);
    if (values.length > this.capacity) throw rangeError(`at most ${this.capacity} values`, 'values.length', values.length);
    values.forEach((v, i) => {
      if (!(v >= 0 && Number.isFinite(v))) throw rangeError('a finite number ≥ 0', `values[${i}]`, v);
    });
    this.#nodes.fill(0);
    this.#nodes.set(values, this.#leafCount);
    for (let node = this.#leafCount - 1; node >= 1; node--) this.#nodes[node] = this.#nodes[2 * node] + this.#nodes[2 * node + 1];
  }

  #checkIndex(index: number): number {
    return expectInteger(index, 'index', 0, this.capacity - 1);
  }
}

// Two list behaviours of Python that Seaquest's reference code depends on, reproduced exactly.
//
// The reference walks its entity lists with `for e in reversed(lst)` while removing from them with
// `lst.remove(e)`. `remove` deletes the FIRST element equal in value to `e`, which is an earlier entity when two
// share every field; the reversed iterator (CPython's listreviter) then keeps its index, so it can visit the same
// entity twice, and it stops as soon as its index falls outside the shrunken list. Entities here are number arrays
// compared field by field, as Python compares lists.

/** Python's `lst.remove(item)`: deletes the first element equal to `item` field by field. */
export function removeFirstEqual(list: number[][], item: number[]): void {
  for (let i = 0; i < list.length; i++) {
    const candidate = list[i];
    if (candidate === item || sameFields(candidate, item)) {
      list.splice(i, 1);
      return;
    }
  }
  throw new Error('removeFirstEqual: item not in list (a port error: the reference would raise ValueError)');
}

function sameFields(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** The index of the first element at cell (x, y), or −1 (the reference's `for z in lst: if e[0:2] == z[0:2]`). */
export function findAt(list: number[][], x: number, y: number): number {
  for (let i = 0; i < list.length; i++) if (list[i][0] === x && list[i][1] === y) return i;
  return -1;
}

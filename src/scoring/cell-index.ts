/**
 * The cells of one request, found by everything that can change their score
 * without building a key string per cell (a request has thousands of cells,
 * each completion up to megabytes): the rule leaf (rule@version and its
 * params), then the inputs the group shares, then the completion's own.
 */
export class CellIndex<T> {
  private readonly byLeaf = new Map<object, Map<string, Map<string, T>>>();

  /** The value stored under (leaf, shared, own), created by `create` the first time. */
  getOrCreate(leaf: object, shared: string, own: string, create: () => T): T {
    let byShared = this.byLeaf.get(leaf);
    if (!byShared) this.byLeaf.set(leaf, (byShared = new Map()));
    let byOwn = byShared.get(shared);
    if (!byOwn) byShared.set(shared, (byOwn = new Map()));
    let value = byOwn.get(own);
    if (value === undefined) byOwn.set(own, (value = create()));
    return value;
  }
}

/**
 * An empty object to use as a map keyed by names a client or an app chose (header names): it inherits nothing, so
 * `constructor`, `toString` or `__proto__` is a key like any other (`map[name] = value` makes an own property, no
 * setter or inherited value is in the way), as in `Object.create(null)`. Unlike `Object.create(null)`, which V8
 * makes in dictionary mode, these objects start in fast mode (inline caches, for...in caches): on the warm path
 * they cost what `{}` costs. Node's querystring makes its results the same way.
 */
export function emptyFieldMap<T>(): Record<string, T> {
  return new (FieldMap as unknown as new () => Record<string, T>)();
}

// Its prototype is an object without one (and without a `constructor`): instances inherit nothing at all.
function FieldMap(): void {}
FieldMap.prototype = Object.create(null) as object;

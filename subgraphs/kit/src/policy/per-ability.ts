import type { AppAbility } from './ability';

/**
 * A value computed once per ability and key. An ability is immutable once built, so what is derived
 * from it alone (its row scopes, its rules per field) can be kept with it: cachedAbilityFor shares one
 * ability among an actor's requests of a day, and the values go when the ability does.
 */
export function perAbility<V>(): (ability: AppAbility, key: string, compute: () => V) => V {
  const byAbility = new WeakMap<AppAbility, Map<string, V>>();
  return (ability, key, compute) => {
    let values = byAbility.get(ability);
    if (!values) byAbility.set(ability, (values = new Map()));
    if (!values.has(key)) values.set(key, compute());
    return values.get(key) as V;
  };
}

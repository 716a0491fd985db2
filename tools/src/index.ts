// The development tooling's library: the in-process stack (npm start, the testkit), composition, dev tokens.
// The commands (src/cli) are entry points, not exported: a bundle importing this index must not run one.
export * from './compose/compose';
export * from './compose/paths';
export * from './dev-stack/stack';
export * from './dev-token';
export * from './dev-stack/console-build';

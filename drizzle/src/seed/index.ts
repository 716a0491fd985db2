export * from './hetu';
export * from './random';
export * from './demo-world';
export * from './partner-token';
export * from './demo-log-history';

export * from './hetu';
export * from './random';
export * from './demo-world';

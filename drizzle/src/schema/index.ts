export * from './access';
export * from './clients';
export * from './services';
export * from './documents';
export * from './audit';
export * from './history';
export * from './lifecycle';

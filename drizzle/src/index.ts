export * from './client';
export * from './config';
export * as schema from './schema';
export * from './schema';
export * from './seed';

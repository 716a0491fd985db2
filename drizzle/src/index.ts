export * from './client';
export * from './config';
export * from './in-list';
export * as schema from './schema';
export * from './schema';
export * from './seed';

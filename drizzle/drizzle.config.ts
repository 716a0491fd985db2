import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './drizzle/src/schema/index.ts',
  out: './drizzle/migrations',
  schemaFilter: ['access', 'clients', 'services', 'documents', 'audit', 'history', 'lifecycle'],
  casing: 'snake_case',
});

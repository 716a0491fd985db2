import { readDbConfig } from './config';

describe('DATABASE_URL', () => {
  it.each(['postgres://vartija_app@127.0.0.1:5432/vartija', 'postgresql://u:p%40ss@db.internal:5432/vartija?sslmode=require', 'postgres:///vartija?host=/var/run/postgresql'])(
    'accepts the PostgreSQL URL %s',
    (url) => {
      expect(readDbConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    },
  );

  it.each(['mysql://root:secret@127.0.0.1:3306/vartija', 'sqlite:///tmp/v.db', 'http://127.0.0.1:5432/vartija', 'POSTGRES://x@h/d', 'postgres//x@h/d', 'not a url', ''])(
    'stops the process on %j with a message that names the variable and never the value',
    (url) => {
      let message = '';
      try {
        readDbConfig({ DATABASE_URL: url });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^Invalid database configuration:\n {2}DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
      expect(message.split('\n')).toHaveLength(2);
      if (url) expect(message).not.toContain(url);
      expect(message).not.toContain('secret');
    },
  );

  it('is optional: without it the embedded database is used', () => {
    expect(readDbConfig({}).DATABASE_URL).toBeUndefined();
    expect(readDbConfig({}).PGLITE_DATA_DIR).toBe('.data/pglite');
  });
});

describe('DATABASE_PREPARED_STATEMENTS', () => {
  it('is on unless set to false', () => {
    expect(readDbConfig({}).DATABASE_PREPARED_STATEMENTS).toBe(true);
    expect(readDbConfig({ DATABASE_PREPARED_STATEMENTS: 'true' }).DATABASE_PREPARED_STATEMENTS).toBe(true);
    expect(readDbConfig({ DATABASE_PREPARED_STATEMENTS: 'false' }).DATABASE_PREPARED_STATEMENTS).toBe(false);
  });

  it('refuses anything but true or false, naming the variable', () => {
    expect(() => readDbConfig({ DATABASE_PREPARED_STATEMENTS: 'yes' })).toThrow(/DATABASE_PREPARED_STATEMENTS: DATABASE_PREPARED_STATEMENTS must be true or false/);
  });
});

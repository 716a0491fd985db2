-- The hash chain starts from a fixed genesis: the first entry's prev_hash is 64 zeros.
INSERT INTO "audit"."chain_head" ("id", "seq", "hash") VALUES ('main', 0, repeat('0', 64)) ON CONFLICT DO NOTHING;

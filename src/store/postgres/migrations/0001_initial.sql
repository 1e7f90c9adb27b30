-- Kindred's PostgreSQL schema, version 1: objects, associations with their counts, unique keys.
--
-- Every 64-bit id is stored as a bigint with its top bit flipped (the unsigned id minus 2^63),
-- so SQL order is the ids' numeric order (store/postgres/pg_codec.h).
--
-- Each table's primary key and every index begins with the column a distributed database
-- would shard on (docs/SCALING.md, "The Citus plan"): objects by id, associations and their
-- counts by `from_id` (so a list, its edges and its count live on one shard, and an object
-- with the lists hanging from it), unique keys by the key. No foreign keys: a reference may
-- cross shards, and Kindred keeps its own references consistent through atomic batches.

CREATE TABLE kindred_objects (
  id bigint NOT NULL,
  type smallint NOT NULL,  -- store::ObjectType
  bytes bytea NOT NULL,
  PRIMARY KEY (id, type)
);

CREATE TABLE kindred_assocs (
  from_id bigint NOT NULL,
  type integer NOT NULL,   -- store::AssocType (uint16)
  to_id bigint NOT NULL,
  position bigint NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (from_id, type, to_id)
);
-- Ranges: a forward scan walks newest first (position descending, then `to` ascending), a
-- backward scan oldest first.
CREATE INDEX kindred_assocs_range ON kindred_assocs (from_id, type, position DESC, to_id);

-- The exact count of each list, changed in the same transaction as its edges. A list's count
-- may be spread over several slots, summed when read, so a hot list (one post liked thousands
-- of times a second) is not one row that every writer queues on. Version 1 writes slot 0 only;
-- spreading writes over slots needs no schema change.
CREATE TABLE kindred_assoc_counts (
  from_id bigint NOT NULL,
  type integer NOT NULL,
  slot smallint NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (from_id, type, slot)
);

CREATE TABLE kindred_keys (
  key bytea NOT NULL,
  space smallint NOT NULL,  -- store::KeyspaceType
  id bigint NOT NULL,
  PRIMARY KEY (key, space)
);

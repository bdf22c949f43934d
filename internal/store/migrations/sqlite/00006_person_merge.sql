-- +goose Up
-- Merging duplicate person records (issue 4 §1, "one record per real
-- person"): the merged record stays as a tombstone that points to the
-- surviving record, so that old links and URLs lead to it. A tombstone
-- holds no identity (its columns are emptied and its search keys deleted).
-- (No REFERENCES clause here: SQLite cannot drop a column named in a
-- foreign key, and the store writes it in the merge transaction only.)
ALTER TABLE persons ADD COLUMN merged_into TEXT;
ALTER TABLE persons ADD COLUMN merged_at TIMESTAMP;
CREATE INDEX persons_merged_into ON persons (merged_into);

-- +goose Down
DROP INDEX persons_merged_into;
ALTER TABLE persons DROP COLUMN merged_at;
ALTER TABLE persons DROP COLUMN merged_into;

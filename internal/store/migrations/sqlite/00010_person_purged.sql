-- +goose Up
-- The retention purge (person.Service.Purge, retention periods in
-- docs/VICTIMS.md) deletes a registry person; the case keeps its
-- own copy of the name or pseudonym. The case row's link is cleared and the
-- day of the purge kept, so the case page says "record purged on <date>
-- under the retention rules" instead of linking to a missing person, and the
-- start-up backfill (rows with no person_id) never re-creates the person.
-- (There is no version 9: it was planned for the stage detention, which
-- became version 11.)
ALTER TABLE case_accused ADD COLUMN person_purged_on DATE;
ALTER TABLE case_parties ADD COLUMN person_purged_on DATE;

-- +goose Down
ALTER TABLE case_parties DROP COLUMN person_purged_on;
ALTER TABLE case_accused DROP COLUMN person_purged_on;

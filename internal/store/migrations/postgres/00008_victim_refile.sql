-- +goose Up
-- A person trafficked again is received again (issue 4 §2): at most one OPEN
-- victim file per person (closed_on IS NULL), earlier closed files stay.
ALTER TABLE victims DROP CONSTRAINT victims_person_id_key;
CREATE INDEX victims_person ON victims (person_id, received_at);
CREATE UNIQUE INDEX victims_open_person ON victims (person_id) WHERE closed_on IS NULL;

-- +goose Down
-- Fails while a person has more than one file (as it should).
DROP INDEX victims_open_person;
DROP INDEX victims_person;
ALTER TABLE victims ADD CONSTRAINT victims_person_id_key UNIQUE (person_id);

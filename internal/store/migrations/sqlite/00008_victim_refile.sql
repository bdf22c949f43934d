-- +goose NO TRANSACTION
-- +goose Up
-- A person trafficked again is received again (issue 4 §2): at most one OPEN
-- victim file per person (closed_on IS NULL), earlier closed files stay.
-- SQLite cannot drop the table's UNIQUE (person_id) constraint, so the table
-- is rebuilt the documented way (foreign keys off on the migration's single
-- connection, one transaction).
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE victims_new (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    owner_unit_id TEXT NOT NULL REFERENCES units (id),
    status TEXT NOT NULL,
    found_abroad BOOLEAN NOT NULL DEFAULT FALSE,
    stateless_resident BOOLEAN NOT NULL DEFAULT FALSE,
    accompanies_id TEXT REFERENCES victims (id),
    received_at TIMESTAMP NOT NULL,
    reception_channel TEXT NOT NULL,
    reception_body TEXT NOT NULL,
    reception_commune TEXT,
    reception_country TEXT,
    commune_notified_at TIMESTAMP,
    health_received_at TIMESTAMP,
    verification_due DATE,
    verified_on DATE,
    police_unit_id TEXT REFERENCES units (id),
    decided_on DATE,
    deciding_body TEXT,
    decision_number TEXT,
    grounds TEXT NOT NULL DEFAULT '',
    documents BLOB,
    exploitation TEXT NOT NULL DEFAULT '',
    sex_exploitation TEXT NOT NULL DEFAULT '',
    control_means TEXT NOT NULL DEFAULT '',
    recruitment TEXT NOT NULL DEFAULT '',
    platforms TEXT NOT NULL DEFAULT '',
    recruiter_relation TEXT NOT NULL DEFAULT '',
    age_trafficked INTEGER NOT NULL DEFAULT 0,
    origin_commune TEXT,
    transit BLOB,
    destination_province TEXT,
    destination_country TEXT,
    departed_on DATE,
    arrived_on DATE,
    guardian BLOB,
    schooling TEXT NOT NULL DEFAULT '',
    essential_start DATE,
    essential_extension TEXT,
    closed_on DATE,
    close_reason TEXT,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO victims_new SELECT * FROM victims;
DROP TABLE victims;
ALTER TABLE victims_new RENAME TO victims;
CREATE INDEX victims_owner ON victims (owner_unit_id, received_at);
CREATE INDEX victims_status ON victims (status, received_at);
CREATE INDEX victims_received ON victims (received_at, id);
CREATE INDEX victims_verification ON victims (verification_due);
CREATE INDEX victims_essential ON victims (essential_start);
CREATE INDEX victims_person ON victims (person_id, received_at);
CREATE UNIQUE INDEX victims_open_person ON victims (person_id) WHERE closed_on IS NULL;
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
-- Fails while a person has more than one file (as it should).
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE victims_new (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    owner_unit_id TEXT NOT NULL REFERENCES units (id),
    status TEXT NOT NULL,
    found_abroad BOOLEAN NOT NULL DEFAULT FALSE,
    stateless_resident BOOLEAN NOT NULL DEFAULT FALSE,
    accompanies_id TEXT REFERENCES victims (id),
    received_at TIMESTAMP NOT NULL,
    reception_channel TEXT NOT NULL,
    reception_body TEXT NOT NULL,
    reception_commune TEXT,
    reception_country TEXT,
    commune_notified_at TIMESTAMP,
    health_received_at TIMESTAMP,
    verification_due DATE,
    verified_on DATE,
    police_unit_id TEXT REFERENCES units (id),
    decided_on DATE,
    deciding_body TEXT,
    decision_number TEXT,
    grounds TEXT NOT NULL DEFAULT '',
    documents BLOB,
    exploitation TEXT NOT NULL DEFAULT '',
    sex_exploitation TEXT NOT NULL DEFAULT '',
    control_means TEXT NOT NULL DEFAULT '',
    recruitment TEXT NOT NULL DEFAULT '',
    platforms TEXT NOT NULL DEFAULT '',
    recruiter_relation TEXT NOT NULL DEFAULT '',
    age_trafficked INTEGER NOT NULL DEFAULT 0,
    origin_commune TEXT,
    transit BLOB,
    destination_province TEXT,
    destination_country TEXT,
    departed_on DATE,
    arrived_on DATE,
    guardian BLOB,
    schooling TEXT NOT NULL DEFAULT '',
    essential_start DATE,
    essential_extension TEXT,
    closed_on DATE,
    close_reason TEXT,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (person_id)
);
INSERT INTO victims_new SELECT * FROM victims;
DROP TABLE victims;
ALTER TABLE victims_new RENAME TO victims;
CREATE INDEX victims_owner ON victims (owner_unit_id, received_at);
CREATE INDEX victims_status ON victims (status, received_at);
CREATE INDEX victims_received ON victims (received_at, id);
CREATE INDEX victims_verification ON victims (verification_due);
CREATE INDEX victims_essential ON victims (essential_start);
COMMIT;
PRAGMA foreign_keys = ON;

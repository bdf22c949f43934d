-- +goose Up
-- Persons and victims (issue 4): one registry of persons, victim protection
-- and support under Law 53/2024 and Decree 162/2025. Identity fields are
-- encrypted (BLOB: AES-256-GCM, associated data table|column|row, key ID);
-- lookups go through keyed blind indexes (person_search). No identity value
-- is stored in clear.

CREATE TABLE persons (
    id UUID PRIMARY KEY,
    owner_unit_id UUID NOT NULL REFERENCES units (id),
    protected BOOLEAN NOT NULL DEFAULT FALSE,
    pseudonym TEXT,
    full_name BYTEA,
    aliases BYTEA,
    date_of_birth BYTEA,
    documents BYTEA,
    phones BYTEA,
    accounts BYTEA,
    addresses BYTEA,
    occupation BYTEA,
    photo BYTEA,
    notes BYTEA,
    sex TEXT NOT NULL,
    birth_year INTEGER NOT NULL DEFAULT 0,
    birth_precision TEXT NOT NULL DEFAULT '',
    ethnic_code TEXT,
    nationality TEXT,
    watch BOOLEAN NOT NULL DEFAULT FALSE,
    watch_reason BYTEA,
    watch_until DATE,
    retain_until DATE,
    version INTEGER NOT NULL,
    created_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (pseudonym)
);
CREATE INDEX persons_owner ON persons (owner_unit_id, created_at);
CREATE INDEX persons_watch ON persons (watch, watch_until);
CREATE INDEX persons_retain ON persons (retain_until);

-- Keyed blind indexes: kind n = folded name token, d = deletion variant of a
-- name token (edit distance 1), i = identity-document number, p = phone.
CREATE TABLE person_search (
    person_id UUID NOT NULL REFERENCES persons (id),
    kind TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (hash, person_id, kind)
);
CREATE INDEX person_search_person ON person_search (person_id);

-- Units on a person's team (receiving, supporting, investigating) and units
-- that linked the person to their records (share: read within scope).
CREATE TABLE person_team (
    person_id UUID NOT NULL REFERENCES persons (id),
    unit_id UUID NOT NULL REFERENCES units (id),
    reason TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, unit_id, reason)
);
CREATE INDEX person_team_unit ON person_team (unit_id);

CREATE TABLE person_roles (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons (id),
    role TEXT NOT NULL,
    record_type TEXT NOT NULL DEFAULT '',
    record_id TEXT NOT NULL DEFAULT '',
    unit_id UUID NOT NULL REFERENCES units (id),
    note BYTEA,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX person_roles_person ON person_roles (person_id);
CREATE INDEX person_roles_record ON person_roles (record_type, record_id);

CREATE TABLE person_priors (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons (id),
    kind TEXT NOT NULL,
    offence TEXT NOT NULL,
    decision BYTEA,
    body TEXT NOT NULL DEFAULT '',
    decided_on DATE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX person_priors_person ON person_priors (person_id);

CREATE TABLE person_wanted (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons (id),
    decision_number TEXT NOT NULL,
    issuing_body TEXT NOT NULL,
    issued_on DATE NOT NULL,
    lifted_on DATE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX person_wanted_person ON person_wanted (person_id);

CREATE TABLE person_consents (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons (id),
    purpose TEXT NOT NULL,
    recipient TEXT NOT NULL DEFAULT '',
    given_on DATE NOT NULL,
    withdrawn_on DATE,
    recorded_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX person_consents_person ON person_consents (person_id);

-- Links of intake items (and later cases) to registry persons; the free
-- text of intake_items.persons is kept.
CREATE TABLE person_links (
    person_id UUID NOT NULL REFERENCES persons (id),
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    role TEXT NOT NULL,
    unit_id UUID NOT NULL REFERENCES units (id),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (record_type, record_id, person_id, role)
);
CREATE INDEX person_links_person ON person_links (person_id);

-- Time-limited reveals of a protected identity (and break-the-glass).
CREATE TABLE identity_reveals (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons (id),
    user_id UUID NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    reason BYTEA,
    at TIMESTAMPTZ NOT NULL,
    until TIMESTAMPTZ NOT NULL
);
CREATE INDEX identity_reveals_user ON identity_reveals (user_id, person_id, until);

CREATE TABLE victims (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons (id),
    owner_unit_id UUID NOT NULL REFERENCES units (id),
    status TEXT NOT NULL,
    found_abroad BOOLEAN NOT NULL DEFAULT FALSE,
    stateless_resident BOOLEAN NOT NULL DEFAULT FALSE,
    accompanies_id UUID REFERENCES victims (id),
    received_at TIMESTAMPTZ NOT NULL,
    reception_channel TEXT NOT NULL,
    reception_body TEXT NOT NULL,
    reception_commune TEXT,
    reception_country TEXT,
    commune_notified_at TIMESTAMPTZ,
    health_received_at TIMESTAMPTZ,
    verification_due DATE,
    verified_on DATE,
    police_unit_id UUID REFERENCES units (id),
    decided_on DATE,
    deciding_body TEXT,
    decision_number TEXT,
    grounds TEXT NOT NULL DEFAULT '',
    documents BYTEA,
    exploitation TEXT NOT NULL DEFAULT '',
    sex_exploitation TEXT NOT NULL DEFAULT '',
    control_means TEXT NOT NULL DEFAULT '',
    recruitment TEXT NOT NULL DEFAULT '',
    platforms TEXT NOT NULL DEFAULT '',
    recruiter_relation TEXT NOT NULL DEFAULT '',
    age_trafficked INTEGER NOT NULL DEFAULT 0,
    origin_commune TEXT,
    transit BYTEA,
    destination_province TEXT,
    destination_country TEXT,
    departed_on DATE,
    arrived_on DATE,
    guardian BYTEA,
    schooling TEXT NOT NULL DEFAULT '',
    essential_start DATE,
    essential_extension TEXT,
    closed_on DATE,
    close_reason TEXT,
    version INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (person_id)
);
CREATE INDEX victims_owner ON victims (owner_unit_id, received_at);
CREATE INDEX victims_status ON victims (status, received_at);

CREATE TABLE victim_events (
    id UUID PRIMARY KEY,
    victim_id UUID NOT NULL REFERENCES victims (id),
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID REFERENCES users (id),
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX victim_events_victim ON victim_events (victim_id, at);

CREATE TABLE victim_support (
    id UUID PRIMARY KEY,
    victim_id UUID NOT NULL REFERENCES victims (id),
    regime TEXT NOT NULL,
    provider TEXT NOT NULL,
    provided_on DATE NOT NULL,
    amount BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    referral_to TEXT NOT NULL DEFAULT '',
    consent_id UUID REFERENCES person_consents (id),
    note BYTEA,
    created_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX victim_support_victim ON victim_support (victim_id, provided_on);

CREATE TABLE victim_followups (
    id UUID PRIMARY KEY,
    victim_id UUID NOT NULL REFERENCES victims (id),
    planned_on DATE NOT NULL,
    done_on DATE,
    findings BYTEA,
    created_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX victim_followups_victim ON victim_followups (victim_id, planned_on);

CREATE TABLE victim_protection (
    id UUID PRIMARY KEY,
    victim_id UUID NOT NULL REFERENCES victims (id),
    kind TEXT NOT NULL,
    protected_who TEXT NOT NULL,
    relative BYTEA,
    measure TEXT NOT NULL,
    force_name TEXT NOT NULL,
    risk TEXT NOT NULL,
    assessment BYTEA,
    from_on DATE NOT NULL,
    to_on DATE,
    created_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX victim_protection_victim ON victim_protection (victim_id);

-- Anonymous needs survey: no link to the victim once stored (only the unit
-- and the month), so the aggregate view cannot be joined back to a person.
CREATE TABLE victim_needs (
    id UUID PRIMARY KEY,
    unit_id UUID NOT NULL REFERENCES units (id),
    month TEXT NOT NULL,
    sex TEXT NOT NULL,
    age_band TEXT NOT NULL,
    needs TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX victim_needs_month ON victim_needs (month);

-- Resumable key rotation: one cursor per encrypted column.
CREATE TABLE key_rotation (
    target_key INTEGER NOT NULL,
    table_name TEXT NOT NULL,
    column_name TEXT NOT NULL,
    cursor_id TEXT NOT NULL DEFAULT '',
    done BOOLEAN NOT NULL DEFAULT FALSE,
    rewritten BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (target_key, table_name, column_name)
);

-- +goose Down
DROP TABLE key_rotation;
DROP TABLE victim_needs;
DROP TABLE victim_protection;
DROP TABLE victim_followups;
DROP TABLE victim_support;
DROP TABLE victim_events;
DROP TABLE victims;
DROP TABLE identity_reveals;
DROP TABLE person_links;
DROP TABLE person_consents;
DROP TABLE person_wanted;
DROP TABLE person_priors;
DROP TABLE person_roles;
DROP TABLE person_team;
DROP TABLE person_search;
DROP TABLE persons;

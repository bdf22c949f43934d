-- +goose Up
-- Foundation: units, users, sessions, tokens, throttling, counters, jobs, audit trail.

CREATE TABLE unit_kinds (
    code TEXT PRIMARY KEY,
    sort_order INTEGER NOT NULL
);
INSERT INTO unit_kinds (code, sort_order) VALUES
    ('committee', 1), ('police', 2), ('commune_police', 3), ('border_guard', 4),
    ('procuracy', 5), ('court', 6), ('health', 7), ('legal_aid', 8),
    ('womens_union', 9), ('other', 10);

CREATE TABLE roles (
    code TEXT PRIMARY KEY,
    sort_order INTEGER NOT NULL
);
INSERT INTO roles (code, sort_order) VALUES
    ('admin', 1), ('leader', 2), ('intake', 3), ('investigator', 4), ('procurator', 5),
    ('victim_support', 6), ('analyst', 7), ('auditor', 8), ('court', 9);

CREATE TABLE units (
    id UUID PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL REFERENCES unit_kinds (code),
    parent_id UUID REFERENCES units (id),
    path TEXT NOT NULL UNIQUE,
    commune_code TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX units_parent ON units (parent_id);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    search_key TEXT NOT NULL DEFAULT '',
    unit_id UUID NOT NULL REFERENCES units (id),
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    totp_secret BYTEA,
    totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    totp_required BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    totp_exempt BOOLEAN NOT NULL DEFAULT FALSE,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    password_changed_at TIMESTAMPTZ,
    last_login_at TIMESTAMPTZ,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_unit ON users (unit_id);

CREATE TABLE user_roles (
    user_id UUID NOT NULL REFERENCES users (id),
    role TEXT NOT NULL REFERENCES roles (code),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    id UUID PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id UUID NOT NULL REFERENCES users (id),
    stage TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    revoked_at TIMESTAMPTZ
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ
);

CREATE TABLE counters (
    scope TEXT NOT NULL,
    year INTEGER NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (scope, year)
);

CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    last_run_at TIMESTAMPTZ
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    id UUID NOT NULL UNIQUE,
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID,
    actor_name TEXT NOT NULL,
    unit_id UUID,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    fields TEXT NOT NULL,
    reason TEXT NOT NULL,
    ip TEXT NOT NULL,
    request_id TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_at ON audit_events (at);
CREATE INDEX audit_actor ON audit_events (actor_id, seq);
CREATE INDEX audit_unit ON audit_events (unit_id, seq);
CREATE INDEX audit_record ON audit_events (record_type, record_id, seq);
CREATE INDEX audit_action ON audit_events (action, seq);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE audit_head;
DROP TABLE settings;
DROP TABLE job_leases;
DROP TABLE counters;
DROP TABLE login_throttle;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE units;
DROP TABLE roles;
DROP TABLE unit_kinds;

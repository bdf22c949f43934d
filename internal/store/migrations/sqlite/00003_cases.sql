-- +goose Up
-- Criminal cases (vụ án hình sự), CPC Parts 2–4; peak campaigns; the
-- announced days off of the working-day calendar.

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units (id),
    procuracy_unit_id TEXT REFERENCES units (id),
    court_unit_id TEXT REFERENCES units (id),
    intake_item_id TEXT REFERENCES intake_items (id),
    created_by TEXT NOT NULL REFERENCES users (id),
    institution_number TEXT NOT NULL,
    institution_signer TEXT NOT NULL,
    instituted_on DATE NOT NULL,
    offence_on DATE,
    charges TEXT NOT NULL,
    category TEXT NOT NULL,
    summary BLOB,
    province_code TEXT,
    commune_code TEXT,
    ring BOOLEAN NOT NULL DEFAULT FALSE,
    stage TEXT NOT NULL,
    is_open BOOLEAN NOT NULL,
    stage_since DATE NOT NULL,
    suspended_from TEXT NOT NULL DEFAULT '',
    ground TEXT NOT NULL DEFAULT '',
    clock_kind TEXT NOT NULL DEFAULT '',
    clock_start DATE,
    clock_ext TEXT NOT NULL DEFAULT '',
    clock_flag TEXT NOT NULL DEFAULT '',
    dues TEXT NOT NULL DEFAULT '',
    current_due DATE,
    next_due DATE,
    returns_procuracy INTEGER NOT NULL DEFAULT 0,
    returns_judge INTEGER NOT NULL DEFAULT 0,
    returns_panel INTEGER NOT NULL DEFAULT 0,
    last_returner TEXT NOT NULL DEFAULT '',
    key_status TEXT NOT NULL DEFAULT '',
    key_proposed_by TEXT NOT NULL DEFAULT '',
    key_reason TEXT NOT NULL DEFAULT '',
    key_investigating_on DATE,
    key_procuracy_on DATE,
    key_court_on DATE,
    accused_count INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (unit_id, reference)
);
-- Covering indexes of the board: counts and workload read no table row.
CREATE INDEX cases_open_stage ON cases (is_open, stage, next_due, key_status, unit_id, id);
CREATE INDEX cases_open_unit ON cases (is_open, unit_id, stage, next_due, key_status, id);
CREATE INDEX cases_next_due ON cases (next_due);
CREATE INDEX cases_instituted ON cases (instituted_on);
CREATE INDEX cases_unit_instituted ON cases (unit_id, instituted_on);
CREATE INDEX cases_key ON cases (key_status, next_due);
CREATE INDEX cases_intake ON cases (intake_item_id);

CREATE TABLE case_shares (
    case_id TEXT NOT NULL REFERENCES cases (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, unit_id)
);
CREATE INDEX case_shares_unit ON case_shares (unit_id, case_id);

CREATE TABLE case_officers (
    case_id TEXT NOT NULL REFERENCES cases (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    lead BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_officers_user ON case_officers (user_id, case_id);

CREATE TABLE case_accused (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    person_id TEXT,
    name BLOB NOT NULL,
    sex TEXT NOT NULL DEFAULT '',
    birth_year INTEGER NOT NULL DEFAULT 0,
    id_number BLOB,
    charges TEXT NOT NULL,
    category TEXT NOT NULL,
    charge_number TEXT NOT NULL,
    charged_on DATE NOT NULL,
    status TEXT NOT NULL,
    status_ground TEXT NOT NULL DEFAULT '',
    status_on DATE,
    verdict TEXT NOT NULL DEFAULT '',
    sentence_type TEXT NOT NULL DEFAULT '',
    sentence_months INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX case_accused_case ON case_accused (case_id);
CREATE INDEX case_accused_charged ON case_accused (charged_on);

CREATE TABLE case_charges (
    case_id TEXT NOT NULL REFERENCES cases (id),
    owner TEXT NOT NULL,
    seq INTEGER NOT NULL,
    article TEXT NOT NULL,
    clause TEXT NOT NULL,
    point TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, owner, seq)
);
CREATE INDEX case_charges_article ON case_charges (article, case_id);

CREATE TABLE case_measures (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    accused_id TEXT NOT NULL REFERENCES case_accused (id),
    type TEXT NOT NULL,
    start_on DATE NOT NULL,
    ext TEXT NOT NULL DEFAULT '',
    order_end DATE,
    due DATE,
    ended_on DATE,
    document_number TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX case_measures_case ON case_measures (case_id);

CREATE TABLE case_parties (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    role TEXT NOT NULL,
    person_id TEXT,
    name BLOB NOT NULL,
    sex TEXT NOT NULL DEFAULT '',
    birth_year INTEGER NOT NULL DEFAULT 0,
    id_number BLOB,
    rescued BOOLEAN NOT NULL DEFAULT FALSE,
    rescued_on DATE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX case_parties_case ON case_parties (case_id);
CREATE INDEX case_parties_rescued ON case_parties (rescued_on);

-- Every running clock of a case (stage and measures), for the board and reminders.
CREATE TABLE case_clocks (
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    measure_key TEXT NOT NULL,
    accused_id TEXT,
    start_on DATE NOT NULL,
    due DATE NOT NULL,
    basis TEXT NOT NULL,
    basis_en TEXT NOT NULL,
    holder TEXT NOT NULL,
    PRIMARY KEY (case_id, kind, measure_key)
);
CREATE INDEX case_clocks_due ON case_clocks (due);

CREATE TABLE case_events (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    accused_id TEXT,
    at TIMESTAMP NOT NULL,
    actor_id TEXT REFERENCES users (id),
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    from_stage TEXT NOT NULL DEFAULT '',
    to_stage TEXT NOT NULL DEFAULT '',
    document_number TEXT,
    document_date DATE,
    signer TEXT,
    note BLOB,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events (case_id, at);

CREATE TABLE case_attachments (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    filename BLOB NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments (case_id);

-- Peak enforcement campaigns (cao điểm) and their targets.
CREATE TABLE campaigns (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    target_intake INTEGER NOT NULL DEFAULT 0,
    target_cases INTEGER NOT NULL DEFAULT 0,
    target_accused INTEGER NOT NULL DEFAULT 0,
    target_rings INTEGER NOT NULL DEFAULT 0,
    target_rescued INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL REFERENCES users (id),
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Announced days off and make-up working days (the government's yearly notice).
CREATE TABLE calendar_days (
    day DATE PRIMARY KEY,
    kind TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE calendar_days;
DROP TABLE campaigns;
DROP TABLE case_attachments;
DROP TABLE case_events;
DROP TABLE case_clocks;
DROP TABLE case_parties;
DROP TABLE case_measures;
DROP TABLE case_charges;
DROP TABLE case_accused;
DROP TABLE case_officers;
DROP TABLE case_shares;
DROP TABLE cases;

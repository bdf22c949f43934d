-- +goose Up
-- Crime information (nguồn tin về tội phạm), CPC Arts 144–149.

CREATE TABLE intake_items (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL,
    receiving_unit_id TEXT NOT NULL REFERENCES units (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    received_by TEXT NOT NULL REFERENCES users (id),
    assigned_to TEXT REFERENCES users (id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    received_on DATE NOT NULL,
    summary BLOB,
    persons BLOB,
    reporter_anonymous BOOLEAN NOT NULL,
    reporter_name BLOB,
    reporter_organisation BLOB,
    reporter_phone BLOB,
    reporter_email BLOB,
    reporter_id_number BLOB,
    reporter_address BLOB,
    province_code TEXT,
    commune_code TEXT,
    country_code TEXT,
    offence_article TEXT NOT NULL,
    status TEXT NOT NULL,
    clock_kind TEXT NOT NULL,
    clock_start DATE NOT NULL,
    clock_months INTEGER NOT NULL DEFAULT 0,
    deadline DATE,
    notice_due DATE NOT NULL,
    procuracy_notified_on DATE,
    body_extension_months INTEGER NOT NULL DEFAULT 0,
    procuracy_extended BOOLEAN NOT NULL DEFAULT FALSE,
    decision_ground TEXT,
    decided_on DATE,
    decision_number TEXT,
    case_id TEXT,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (receiving_unit_id, reference)
);
CREATE INDEX intake_unit_received ON intake_items (unit_id, received_at);
CREATE INDEX intake_received ON intake_items (received_at);
CREATE INDEX intake_assigned ON intake_items (assigned_to, received_at);
CREATE INDEX intake_open_deadline ON intake_items (deadline, status);
CREATE INDEX intake_unit_deadline ON intake_items (unit_id, deadline);
-- Lists filtered by status, newest first (without it the planner sorts the table).
CREATE INDEX intake_status_received ON intake_items (status, received_at);

-- How many items each unit handles, by status, kept by triggers in the same
-- transaction as the item: list totals and dashboard counts read a few rows
-- here instead of counting a million (see docs/PERFORMANCE.md).
CREATE TABLE intake_counts (
    unit_id TEXT NOT NULL REFERENCES units (id),
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (unit_id, status)
);
-- +goose StatementBegin
CREATE TRIGGER intake_counts_insert AFTER INSERT ON intake_items BEGIN
    INSERT INTO intake_counts (unit_id, status, n) VALUES (NEW.unit_id, NEW.status, 1)
        ON CONFLICT (unit_id, status) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER intake_counts_update AFTER UPDATE OF unit_id, status ON intake_items
    WHEN OLD.unit_id <> NEW.unit_id OR OLD.status <> NEW.status BEGIN
    UPDATE intake_counts SET n = n - 1 WHERE unit_id = OLD.unit_id AND status = OLD.status;
    INSERT INTO intake_counts (unit_id, status, n) VALUES (NEW.unit_id, NEW.status, 1)
        ON CONFLICT (unit_id, status) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER intake_counts_delete AFTER DELETE ON intake_items BEGIN
    UPDATE intake_counts SET n = n - 1 WHERE unit_id = OLD.unit_id AND status = OLD.status;
END;
-- +goose StatementEnd

CREATE TABLE intake_shares (
    item_id TEXT NOT NULL REFERENCES intake_items (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (item_id, unit_id)
);
CREATE INDEX intake_shares_unit ON intake_shares (unit_id, item_id);

CREATE TABLE intake_events (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES intake_items (id),
    at TIMESTAMP NOT NULL,
    actor_id TEXT REFERENCES users (id),
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    document_number TEXT,
    document_date DATE,
    signer TEXT,
    note BLOB,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX intake_events_item ON intake_events (item_id, at);

CREATE TABLE intake_attachments (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES intake_items (id),
    filename BLOB NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX intake_attachments_item ON intake_attachments (item_id);

-- In-app notifications (the bell), shared by every module.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    msg_key TEXT NOT NULL,
    args TEXT NOT NULL,
    link TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    dedup_key TEXT,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    UNIQUE (user_id, dedup_key)
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);
-- The unread badge of every page counts these (without it: one row read per notification).
CREATE INDEX notifications_unread ON notifications (user_id, read_at);

-- +goose Down
DROP TRIGGER intake_counts_delete;
DROP TRIGGER intake_counts_update;
DROP TRIGGER intake_counts_insert;
DROP TABLE intake_counts;
DROP TABLE notifications;
DROP TABLE intake_attachments;
DROP TABLE intake_events;
DROP TABLE intake_shares;
DROP TABLE intake_items;

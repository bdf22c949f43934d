-- +goose Up
-- Crime information (nguồn tin về tội phạm), CPC Arts 144–149.

CREATE TABLE intake_items (
    id UUID PRIMARY KEY,
    reference TEXT NOT NULL,
    receiving_unit_id UUID NOT NULL REFERENCES units (id),
    unit_id UUID NOT NULL REFERENCES units (id),
    received_by UUID NOT NULL REFERENCES users (id),
    assigned_to UUID REFERENCES users (id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    received_on DATE NOT NULL,
    summary BYTEA,
    persons BYTEA,
    reporter_anonymous BOOLEAN NOT NULL,
    reporter_name BYTEA,
    reporter_organisation BYTEA,
    reporter_phone BYTEA,
    reporter_email BYTEA,
    reporter_id_number BYTEA,
    reporter_address BYTEA,
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
    case_id UUID,
    version INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
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
    unit_id UUID NOT NULL REFERENCES units (id),
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (unit_id, status)
);
-- +goose StatementBegin
CREATE FUNCTION intake_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE intake_counts SET n = n - 1 WHERE unit_id = OLD.unit_id AND status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO intake_counts (unit_id, status, n) VALUES (NEW.unit_id, NEW.status, 1)
            ON CONFLICT (unit_id, status) DO UPDATE SET n = intake_counts.n + 1;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER intake_counts_rows AFTER INSERT OR DELETE ON intake_items
    FOR EACH ROW EXECUTE FUNCTION intake_counts_apply();
CREATE TRIGGER intake_counts_update AFTER UPDATE OF unit_id, status ON intake_items
    FOR EACH ROW WHEN (OLD.unit_id <> NEW.unit_id OR OLD.status <> NEW.status) EXECUTE FUNCTION intake_counts_apply();

CREATE TABLE intake_shares (
    item_id UUID NOT NULL REFERENCES intake_items (id),
    unit_id UUID NOT NULL REFERENCES units (id),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_id, unit_id)
);
CREATE INDEX intake_shares_unit ON intake_shares (unit_id, item_id);

CREATE TABLE intake_events (
    id UUID PRIMARY KEY,
    item_id UUID NOT NULL REFERENCES intake_items (id),
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID REFERENCES users (id),
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    document_number TEXT,
    document_date DATE,
    signer TEXT,
    note BYTEA,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX intake_events_item ON intake_events (item_id, at);

CREATE TABLE intake_attachments (
    id UUID PRIMARY KEY,
    item_id UUID NOT NULL REFERENCES intake_items (id),
    filename BYTEA NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by UUID NOT NULL REFERENCES users (id),
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX intake_attachments_item ON intake_attachments (item_id);

-- In-app notifications (the bell), shared by every module.
CREATE TABLE notifications (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    msg_key TEXT NOT NULL,
    args TEXT NOT NULL,
    link TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    dedup_key TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    read_at TIMESTAMPTZ,
    UNIQUE (user_id, dedup_key)
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);
-- The unread badge of every page counts these (without it: one row read per notification).
CREATE INDEX notifications_unread ON notifications (user_id, read_at);

-- +goose Down
DROP TABLE intake_counts;
DROP FUNCTION intake_counts_apply CASCADE;
DROP TABLE notifications;
DROP TABLE intake_attachments;
DROP TABLE intake_events;
DROP TABLE intake_shares;
DROP TABLE intake_items;

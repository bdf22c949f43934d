-- +goose Up
-- Indexes of the list pages' filters and orders (review finding 7): the
-- person registry (benchmarked at 1,000,000 persons) by role, active wanted
-- notice, creation and last change; victim files by reception and clocks.
CREATE INDEX person_roles_role ON person_roles (role, person_id);
CREATE INDEX person_wanted_active ON person_wanted (lifted_on, person_id);
CREATE INDEX persons_created ON persons (created_at, id);
CREATE INDEX persons_updated ON persons (updated_at, id);
CREATE INDEX victims_received ON victims (received_at, id);
CREATE INDEX victims_verification ON victims (verification_due);
CREATE INDEX victims_essential ON victims (essential_start);

-- +goose Down
DROP INDEX victims_essential;
DROP INDEX victims_verification;
DROP INDEX victims_received;
DROP INDEX persons_updated;
DROP INDEX persons_created;
DROP INDEX person_wanted_active;
DROP INDEX person_roles_role;

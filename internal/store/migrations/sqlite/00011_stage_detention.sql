-- +goose Up
-- Detention in the prosecution and trial-preparation stages (CPC Arts 241,
-- 278): a detention that ended because the case left its stage is marked
-- (ended_by = 'stage'), and a case counts the accused who still need the new
-- body's detention order (a state shown on the case page and the board).
ALTER TABLE case_measures ADD COLUMN ended_by TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN detention_orders_needed INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE cases DROP COLUMN detention_orders_needed;
ALTER TABLE case_measures DROP COLUMN ended_by;

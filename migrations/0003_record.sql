-- The list as a system of record (issue 11): versions that rebuild a row alone, the version
-- a change report was based on, typed functions that enter the Registry only when accepted.

-- A version is the row as it stood from `at` until `valid_to` (NULL: it still stands): its
-- content (`data`), status, division, and its function as named then; where it came from.
ALTER TABLE touchpoint_versions ADD COLUMN division_id INTEGER REFERENCES divisions (id);
ALTER TABLE touchpoint_versions ADD COLUMN function_name TEXT;
ALTER TABLE touchpoint_versions ADD COLUMN function_code TEXT;
ALTER TABLE touchpoint_versions ADD COLUMN function_in_registry INTEGER;
ALTER TABLE touchpoint_versions ADD COLUMN valid_to TEXT;
-- 'report': an accepted report (request_id); 'import': the existing list loaded from a file
-- (origin_detail: the file's name); 'registry': a Registry import moved or renamed the
-- row's function (origin_detail: the upload's id).
ALTER TABLE touchpoint_versions ADD COLUMN origin TEXT NOT NULL DEFAULT 'report'
    CHECK (origin IN ('report', 'import', 'registry'));
ALTER TABLE touchpoint_versions ADD COLUMN origin_detail TEXT;

-- Backfill: what the database knows now is the best it can say of earlier versions.
UPDATE touchpoint_versions SET
    division_id = (SELECT t.division_id FROM touchpoints t
                   WHERE t.id = touchpoint_versions.touchpoint_id),
    function_name = (SELECT f.name FROM functions f
                     WHERE f.id = json_extract(touchpoint_versions.data, '$.function_id')),
    function_code = (SELECT f.code FROM functions f
                     WHERE f.id = json_extract(touchpoint_versions.data, '$.function_id')),
    function_in_registry = (SELECT f.in_registry FROM functions f
                            WHERE f.id = json_extract(touchpoint_versions.data, '$.function_id')),
    valid_to = (SELECT min(n.at) FROM touchpoint_versions n
                WHERE n.touchpoint_id = touchpoint_versions.touchpoint_id
                  AND n.version > touchpoint_versions.version),
    origin = CASE WHEN request_id IS NULL THEN 'import' ELSE 'report' END;

CREATE INDEX touchpoint_versions_at ON touchpoint_versions (at);
CREATE INDEX touchpoint_versions_open ON touchpoint_versions (touchpoint_id) WHERE valid_to IS NULL;

-- A change or exclusion report records the version of the row it was based on.
ALTER TABLE change_requests ADD COLUMN base_version INTEGER;
-- A function typed because it is missing from the Registry travels with the report (its
-- name, and the key that makes the same name the same function: direction and the name
-- folded) and enters the Registry only when the report is accepted.
ALTER TABLE change_requests ADD COLUMN function_name TEXT;
ALTER TABLE change_requests ADD COLUMN function_key TEXT;
CREATE INDEX change_requests_typed_point ON change_requests (division_id, function_key, point_key)
    WHERE status = 'pending' AND function_key IS NOT NULL;

-- Typed functions that only rejected or withdrawn reports ever used: the reports keep the
-- typed name, the function leaves every picker.
CREATE TEMP TABLE unused_typed AS
    SELECT f.id, f.name FROM functions f
    WHERE f.in_registry = 0
      AND NOT EXISTS (SELECT 1 FROM touchpoints t WHERE t.function_id = f.id)
      AND NOT EXISTS (SELECT 1 FROM change_requests r WHERE r.function_id = f.id
                      AND r.status IN ('pending', 'accepted'));
UPDATE change_requests
    SET function_name = (SELECT u.name FROM unused_typed u WHERE u.id = change_requests.function_id),
        function_id = NULL
    WHERE function_id IN (SELECT id FROM unused_typed);
DELETE FROM functions WHERE id IN (SELECT id FROM unused_typed);
DROP TABLE unused_typed;

-- Orderly releases a clinic's unattended doses of a day to the standby list at most once per
-- clinic, day and product, however many nodes run the daily job (ORDERLY_LEFTOVER_AUTO_RELEASE_AFTER).
CREATE UNIQUE INDEX standby_releases_system_once ON standby_releases (clinic_id, day, product) WHERE released_by = 'system';
